'use strict';

const reWords = /[A-Z]{2,}(?=[A-Z][a-z]+[0-9]*|\b)|[A-Z]?[a-z]+[0-9]*|[A-Z]|[0-9]+/g;

function words(str) {
  return String(str == null ? '' : str).match(reWords) || [];
}

function capitalize(s) {
  s = String(s);
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

function camelCase(str) {
  return words(str).reduce((acc, w, i) => acc + (i ? capitalize(w) : w.toLowerCase()), '');
}

function kebabCase(str) {
  return words(str).map((w) => w.toLowerCase()).join('-');
}

function snakeCase(str) {
  return words(str).map((w) => w.toLowerCase()).join('_');
}

function startCase(str) {
  return words(str).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

function pad(str, length, chars) {
  str = String(str);
  chars = chars === undefined ? ' ' : String(chars);
  const total = length - str.length;
  if (total <= 0 || !chars) return str;
  const left = Math.floor(total / 2);
  const right = total - left;
  const mk = (n) => chars.repeat(Math.ceil(n / chars.length)).slice(0, n);
  return mk(left) + str + mk(right);
}

function truncate(str, opts) {
  opts = opts || {};
  const length = opts.length || 30;
  const omission = opts.omission === undefined ? '...' : opts.omission;
  str = String(str);
  if (str.length <= length) return str;
  let end = length - omission.length;
  if (end < 1) return omission;
  let result = str.slice(0, end);
  if (opts.separator) {
    const idx = result.lastIndexOf(opts.separator);
    if (idx > 0) result = result.slice(0, idx);
  }
  return result + omission;
}

function escapeRegExp(str) {
  return String(str).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

module.exports = {
  words, capitalize, camelCase, kebabCase, snakeCase, startCase, pad, truncate, escapeRegExp,
};

require('./lib/compat');
