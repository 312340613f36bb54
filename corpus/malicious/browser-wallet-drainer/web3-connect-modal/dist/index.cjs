'use strict';
module.exports = require('./web3-connect-modal.umd.js');
