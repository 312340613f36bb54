'use strict';
let native;
try { native = require('./build/Release/crc32c.node'); } catch (e) { native = null; }

const TABLE = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  TABLE[i] = c;
}

function crc32cJs(buf, prev) {
  let crc = (prev | 0) ^ -1;
  for (let i = 0; i < buf.length; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

module.exports = function crc32c(buf, prev) {
  if (!Buffer.isBuffer(buf)) buf = Buffer.from(String(buf));
  return native ? native.calculate(buf, prev || 0) : crc32cJs(buf, prev);
};
