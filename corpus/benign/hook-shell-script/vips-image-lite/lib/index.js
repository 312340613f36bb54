'use strict';
const native = require('../build/Release/vipslite.node');
exports.resize = (input, width, height) => native.resize(input, width, height || 0);
