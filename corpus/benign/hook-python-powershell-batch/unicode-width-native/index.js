'use strict';
const { width } = require('./build/Release/uwidth.node');
module.exports = (str) => [...String(str)].reduce((n, ch) => n + width(ch.codePointAt(0)), 0);
