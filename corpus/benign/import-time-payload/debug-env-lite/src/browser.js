'use strict';
module.exports = function createDebug(ns) {
  const d = (...a) => { if (d.enabled) console.debug(ns, ...a); };
  d.enabled = typeof localStorage !== 'undefined' && new RegExp((localStorage.debug || '').replace(/\*/g, '.*')).test(ns);
  return d;
};
