'use strict';
const fs = require('fs');
const path = require('path');

function findUp(name, from) {
  let dir = path.resolve(from || process.cwd());
  for (;;) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function rcFile(tool, opts = {}) {
  for (const ext of ['', '.json', '.js', '.cjs']) {
    const p = findUp(`.${tool}rc${ext}`, opts.cwd);
    if (!p) continue;
    if (ext === '.js' || ext === '.cjs') return { config: require(p), filePath: p };
    return { config: JSON.parse(fs.readFileSync(p, 'utf8')), filePath: p };
  }
  return undefined;
}

module.exports = { rcFile };
