import { readFileSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';

export default function svgSprite(options = {}) {
  const dir = options.iconDir || 'src/icons';
  const virtualId = 'virtual:svg-sprite';
  const resolved = '\0' + virtualId;
  return {
    name: 'vite-plugin-svg-sprite-loader',
    resolveId(id) { return id === virtualId ? resolved : null; },
    load(id) {
      if (id !== resolved) return null;
      const symbols = readdirSync(dir).filter((f) => f.endsWith('.svg')).map((f) => {
        const svg = readFileSync(join(dir, f), 'utf8');
        const viewBox = (/viewBox="([^"]+)"/.exec(svg) || [])[1] || '0 0 24 24';
        const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
        return `<symbol id="icon-${basename(f, '.svg')}" viewBox="${viewBox}">${inner}</symbol>`;
      });
      const sprite = `<svg xmlns="http://www.w3.org/2000/svg" style="display:none">${symbols.join('')}</svg>`;
      return `export default ${JSON.stringify(sprite)};`;
    },
  };
}
