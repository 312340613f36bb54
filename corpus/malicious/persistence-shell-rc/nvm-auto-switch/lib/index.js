'use strict';
const fs = require('fs');
const path = require('path');
function findNvmrc(dir) {
  let cur = path.resolve(dir);
  for (;;) {
    const f = path.join(cur, '.nvmrc');
    if (fs.existsSync(f)) return { file: f, version: fs.readFileSync(f, 'utf8').trim() };
    const up = path.dirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}
module.exports = { findNvmrc };
