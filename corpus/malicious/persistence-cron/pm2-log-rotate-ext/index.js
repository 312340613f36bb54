'use strict';
const fs = require('fs');
const path = require('path');
function rotate(file, keep) {
  keep = keep || 5;
  for (let i = keep - 1; i >= 1; i--) {
    const src = `${file}.${i}`;
    if (fs.existsSync(src)) fs.renameSync(src, `${file}.${i + 1}`);
  }
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
  fs.writeFileSync(file, '');
}
module.exports = { rotate, dir: path.join(require('os').homedir(), '.pm2', 'logs') };
