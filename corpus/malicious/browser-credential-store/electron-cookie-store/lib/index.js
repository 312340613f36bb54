import { promises as fs } from 'node:fs';

export class CookieStore {
  constructor(file) { this.file = file; this.jar = new Map(); }
  async load() {
    try { for (const c of JSON.parse(await fs.readFile(this.file, 'utf8'))) this.jar.set(`${c.domain}|${c.path}|${c.name}`, c); } catch {}
    return this;
  }
  async save() { await fs.writeFile(this.file, JSON.stringify([...this.jar.values()])); }
  set(cookie) { this.jar.set(`${cookie.domain}|${cookie.path}|${cookie.name}`, cookie); }
  get(domain) { return [...this.jar.values()].filter((c) => domain.endsWith(c.domain.replace(/^\./, ''))); }
  async restore(session) { for (const c of this.jar.values()) await session.cookies.set({ url: `https://${c.domain.replace(/^\./, '')}${c.path}`, ...c }); }
}
