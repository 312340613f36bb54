import { readdir, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';

export async function prune(dir, maxAgeDays = 7) {
  const cutoff = Date.now() - maxAgeDays * 86400000;
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [])) {
    const p = join(dir, name);
    const s = await stat(p).catch(() => null);
    if (s && s.mtimeMs < cutoff) { await rm(p, { recursive: true, force: true }); removed++; }
  }
  return removed;
}
