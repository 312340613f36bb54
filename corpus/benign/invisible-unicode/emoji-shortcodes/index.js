'use strict';
const data = require('./data/emoji.json');

const ZWJ = '\u200d';
const VS16 = '\ufe0f';

const byChar = new Map(Object.entries(data).map(([k, v]) => [v, k]));

function get(name) {
  return data[String(name).replace(/^:|:$/g, '')];
}

function emojify(text) {
  return String(text).replace(/:([a-z0-9_+-]+):/g, (m, name) => data[name] || m);
}

function unemojify(text) {
  let out = String(text);
  // longest sequences first so ZWJ sequences are not split
  const keys = [...byChar.keys()].sort((a, b) => b.length - a.length);
  for (const k of keys) out = out.split(k).join(':' + byChar.get(k) + ':');
  return out;
}

function isZwjSequence(s) {
  return s.includes(ZWJ);
}

function stripPresentationSelector(s) {
  return s.split(VS16).join('');
}

module.exports = { get, emojify, unemojify, isZwjSequence, stripPresentationSelector, names: Object.keys(data) };
