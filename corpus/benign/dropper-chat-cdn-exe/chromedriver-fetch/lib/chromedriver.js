'use strict';
const path = require('path');
exports.path = path.join(__dirname, 'chromedriver', process.platform === 'win32' ? 'chromedriver.exe' : 'chromedriver');
exports.version = '131.0.6778.85';
