import path from 'node:path';
import fs from 'node:fs';

const EXTS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];

export const interfaceVersion = 2;

export function resolve(source, file, config = {}) {
  if (source.startsWith('node:')) return { found: true, path: null };
  const base = path.dirname(file);
  const target = path.resolve(base, source);
  for (const ext of ['', ...EXTS]) {
    const candidate = target + ext;
    try {
      if (fs.statSync(candidate).isFile()) return { found: true, path: candidate };
    } catch {}
  }
  for (const ext of EXTS) {
    const idx = path.join(target, 'index' + ext);
    if (fs.existsSync(idx)) return { found: true, path: idx };
  }
  return { found: false };
}
