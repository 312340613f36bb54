'use strict';
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps']);

const catalogs = {
  ar: require('./locales/ar.json'),
  he: require('./locales/he.json'),
  fa: require('./locales/fa.json'),
};

function dir(locale) {
  return RTL.has(String(locale).split('-')[0]) ? 'rtl' : 'ltr';
}

function t(locale, key, params = {}) {
  const cat = catalogs[String(locale).split('-')[0]] || {};
  const msg = cat[key] || key;
  return msg.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

// Unicode isolates around user content so mixed-direction text renders correctly
function isolate(text, d) {
  const open = d === 'rtl' ? '\u2067' : d === 'ltr' ? '\u2066' : '\u2068';
  return open + text + '\u2069';
}

module.exports = { t, dir, isolate, locales: Object.keys(catalogs) };
