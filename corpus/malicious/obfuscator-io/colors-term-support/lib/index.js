'use strict';
const tty = require('tty');

function level(stream) {
  const env = process.env;
  if ('NO_COLOR' in env) return 0;
  if ('FORCE_COLOR' in env) return env.FORCE_COLOR === 'false' ? 0 : Math.min(3, parseInt(env.FORCE_COLOR, 10) || 1);
  if (stream && !tty.isatty(stream.fd)) return 0;
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/-256(color)?$/i.test(env.TERM || '')) return 2;
  if (/^screen|^xterm|^vt100|color|ansi|cygwin|linux/i.test(env.TERM || '')) return 1;
  return process.platform === 'win32' ? 1 : 0;
}

module.exports = { level, stdout: level(process.stdout), stderr: level(process.stderr) };
