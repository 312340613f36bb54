'use strict';
const native = require('./build/Release/murmurhash3.node');
exports.x86_32 = (input, seed = 0) => native.x86_32(Buffer.isBuffer(input) ? input : Buffer.from(String(input)), seed);
