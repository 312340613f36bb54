'use strict';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const COLORS = { trace: 90, debug: 36, info: 32, warn: 33, error: 31, fatal: 35 };

function paint(code, s, enabled) {
  return enabled ? `\u001b[${code}m${s}\u001b[39m` : s;
}

function ts() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function fmt(arg) {
  if (arg instanceof Error) return arg.stack || arg.message;
  if (typeof arg === 'object') {
    try { return JSON.stringify(arg); } catch (e) { return String(arg); }
  }
  return String(arg);
}

function createLogger(opts) {
  opts = opts || {};
  const min = LEVELS[opts.level || process.env.LOG_LEVEL || 'info'] || 30;
  const color = opts.color !== undefined ? opts.color : process.stdout.isTTY;
  const name = opts.name ? `[${opts.name}] ` : '';
  const out = opts.stream || process.stdout;
  const logger = {};
  for (const lvl of Object.keys(LEVELS)) {
    logger[lvl] = function () {
      if (LEVELS[lvl] < min) return;
      const msg = Array.prototype.map.call(arguments, fmt).join(' ');
      out.write(`${paint(90, ts(), color)} ${paint(COLORS[lvl], lvl.toUpperCase().padEnd(5), color)} ${name}${msg}\n`);
    };
  }
  logger.child = (n) => createLogger(Object.assign({}, opts, { name: opts.name ? `${opts.name}:${n}` : n }));
  return logger;
}

module.exports = createLogger;
module.exports.createLogger = createLogger;
module.exports.LEVELS = LEVELS;
