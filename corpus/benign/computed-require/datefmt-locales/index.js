'use strict';
const path = require('path');

const loaded = {};

function loadLocale(name) {
  const safe = String(name).toLowerCase().replace(/[^a-z-]/g, '');
  if (loaded[safe]) return loaded[safe];
  try {
    loaded[safe] = require('./locale/' + safe);
  } catch (e) {
    loaded[safe] = require('./locale/en');
  }
  return loaded[safe];
}

// optional native addon, e.g. built on platforms with a C++ toolchain
let native = null;
try {
  native = require(['datefmt', 'native', process.platform, process.arch].join('-'));
} catch (e) {
  native = null;
}

// let bundlers (webpack) keep their own require while Node uses the real one
const nodeRequire = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : module.require.bind(module);

function loadPlugin(name) {
  return nodeRequire(path.isAbsolute(name) ? name : 'datefmt-plugin-' + name);
}

function format(date, pattern, locale) {
  if (native && native.format) return native.format(date.getTime(), pattern, locale || 'en');
  const L = loadLocale(locale || 'en');
  const pad = (n) => String(n).padStart(2, '0');
  return pattern
    .replace(/YYYY/g, date.getFullYear())
    .replace(/MMMM/g, L.months[date.getMonth()])
    .replace(/MM/g, pad(date.getMonth() + 1))
    .replace(/DD/g, pad(date.getDate()))
    .replace(/dddd/g, L.days[date.getDay()]);
}

module.exports = { format, loadLocale, loadPlugin };
