'use strict';
module.exports = require('./pad');
