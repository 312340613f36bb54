'use strict';
const cache = {};
function get(key, fallback) {
  if (key in cache) return cache[key];
  const v = process.env[key];
  return (cache[key] = v === undefined ? fallback : v);
}
module.exports = { get };
