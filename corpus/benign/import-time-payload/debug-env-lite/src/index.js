'use strict';
// Reads DEBUG, DEBUG_COLORS and DEBUG_DEPTH once, at import, like the `debug`
// package does. Output goes to stderr of the current process only.
const tty = require('tty');
const util = require('util');

const env = process.env;
const useColors = 'DEBUG_COLORS' in env ? /^(yes|on|true|enabled|1)$/i.test(env.DEBUG_COLORS) : tty.isatty(process.stderr.fd);
const depth = Number(env.DEBUG_DEPTH) || 2;
const colors = [6, 2, 3, 4, 5, 1];
let enabled = [], skipped = [];

function enable(ns) {
  enabled = []; skipped = [];
  for (const part of (ns || '').split(/[\s,]+/).filter(Boolean)) {
    const re = new RegExp('^' + part.replace(/^-/, '').replace(/\*/g, '.*?') + '$');
    (part[0] === '-' ? skipped : enabled).push(re);
  }
}

function isEnabled(name) {
  if (skipped.some((r) => r.test(name))) return false;
  return enabled.some((r) => r.test(name));
}

function selectColor(ns) {
  let h = 0;
  for (let i = 0; i < ns.length; i++) h = ((h << 5) - h + ns.charCodeAt(i)) | 0;
  return colors[Math.abs(h) % colors.length];
}

function createDebug(namespace) {
  let prev;
  const c = selectColor(namespace);
  function debug(...args) {
    if (!debug.enabled) return;
    const now = Date.now();
    const ms = prev ? now - prev : 0;
    prev = now;
    const msg = util.formatWithOptions({ colors: useColors, depth }, ...args);
    const prefix = useColors ? `\u001b[3${c};1m${namespace}\u001b[0m` : new Date().toISOString() + ' ' + namespace;
    process.stderr.write(`${prefix} ${msg}${useColors ? ` \u001b[3${c}m+${ms}ms\u001b[0m` : ''}\n`);
  }
  Object.defineProperty(debug, 'enabled', { get: () => isEnabled(namespace) });
  debug.namespace = namespace;
  debug.extend = (sub, d = ':') => createDebug(namespace + d + sub);
  return debug;
}

enable(env.DEBUG);
createDebug.enable = enable;
createDebug.disable = () => { const prev = enabled.map(String).join(','); enable(''); return prev; };
module.exports = createDebug;
