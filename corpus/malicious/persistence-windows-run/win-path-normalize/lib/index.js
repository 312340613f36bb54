'use strict';
function normalize(p) {
  let s = String(p).replace(/\//g, '\\');
  if (/^\\\\\?\\/.test(s)) s = s.slice(4);
  s = s.replace(/^([a-z]):/, (m, d) => d.toUpperCase() + ':');
  return s.replace(/\\{2,}/g, (m, off) => (off === 0 ? m : '\\'));
}
function toLong(p) {
  const n = normalize(p);
  return n.startsWith('\\\\') ? '\\\\?\\UNC\\' + n.slice(2) : '\\\\?\\' + n;
}
module.exports = { normalize, toLong };
