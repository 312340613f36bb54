'use strict';
const flags = require('./flags.json');

const BLACK_FLAG = 0x1F3F4;
const CANCEL_TAG = 0xE007F;

function fromCode(code) {
  const c = String(code).toLowerCase().replace('-', '');
  if (!/^[a-z]{2}[a-z0-9]{1,3}$/.test(c)) return null;
  return String.fromCodePoint(BLACK_FLAG, ...[...c].map((ch) => 0xE0000 + ch.charCodeAt(0)), CANCEL_TAG);
}

function toCode(flag) {
  const cps = [...flag].map((c) => c.codePointAt(0));
  if (cps[0] !== BLACK_FLAG || cps[cps.length - 1] !== CANCEL_TAG) return null;
  const tag = cps.slice(1, -1).map((cp) => String.fromCharCode(cp - 0xE0000)).join('');
  return (tag.slice(0, 2) + '-' + tag.slice(2)).toUpperCase();
}

module.exports = { fromCode, toCode, flags };
