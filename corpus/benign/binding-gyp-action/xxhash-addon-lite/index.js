'use strict';
const addon = require('./build/Release/xxhash.node');

module.exports = {
  xxh32: (buf, seed = 0) => addon.xxh32(Buffer.isBuffer(buf) ? buf : Buffer.from(buf), seed >>> 0),
  xxh64: (buf, seed = 0n) => addon.xxh64(Buffer.isBuffer(buf) ? buf : Buffer.from(buf), BigInt(seed)),
  xxh3: (buf) => addon.xxh3(Buffer.isBuffer(buf) ? buf : Buffer.from(buf)),
};
