'use strict';
const enabled = !('NO_COLOR' in process.env) && (process.stdout && process.stdout.isTTY);
const wrap = (open, close) => (s) => enabled ? `\x1b[${open}m${s}\x1b[${close}m` : String(s);
module.exports = {
  bold: wrap(1, 22), dim: wrap(2, 22), italic: wrap(3, 23), underline: wrap(4, 24),
  red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), blue: wrap(34, 39),
  magenta: wrap(35, 39), cyan: wrap(36, 39), gray: wrap(90, 39),
  ansi256: (n) => wrap('38;5;' + n, 39),
  rgb: (r, g, b) => wrap(`38;2;${r};${g};${b}`, 39),
};
