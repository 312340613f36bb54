'use strict';

const zones = require('./data/zones.json');
require('./lib/utils/polyfill');

function offset(zone, date) {
  const z = zones[zone];
  if (!z) throw new Error('Unknown zone ' + zone);
  const t = (date || new Date()).getTime();
  let off = z.offsets[0];
  for (let i = 0; i < z.until.length; i++) {
    if (t < z.until[i]) { off = z.offsets[i]; break; }
  }
  return off;
}

function format(zone, date) {
  const off = offset(zone, date);
  const sign = off <= 0 ? '+' : '-';
  const a = Math.abs(off);
  return sign + String(Math.floor(a / 60)).padStart(2, '0') + ':' + String(a % 60).padStart(2, '0');
}

module.exports = { offset, format, zones: Object.keys(zones) };
