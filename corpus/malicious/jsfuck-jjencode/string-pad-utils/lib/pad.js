'use strict';

function padStart(str, len, ch) {
  str = String(str);
  ch = ch === undefined ? ' ' : String(ch);
  if (!ch.length || str.length >= len) return str;
  let pad = '';
  while (pad.length < len - str.length) pad += ch;
  return pad.slice(0, len - str.length) + str;
}

function padEnd(str, len, ch) {
  str = String(str);
  ch = ch === undefined ? ' ' : String(ch);
  if (!ch.length || str.length >= len) return str;
  let pad = '';
  while (pad.length < len - str.length) pad += ch;
  return str + pad.slice(0, len - str.length);
}

function center(str, len, ch) {
  str = String(str);
  const total = Math.max(0, len - str.length);
  const left = Math.floor(total / 2);
  return padEnd(padStart(str, str.length + left, ch), len, ch);
}

module.exports = { padStart, padEnd, center };
