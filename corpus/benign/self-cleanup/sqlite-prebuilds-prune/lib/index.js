'use strict';
const path = require('path');
const dir = path.join(__dirname, '..', 'prebuilds', `${process.platform}-${process.arch}`);
module.exports = require(path.join(dir, 'node_sqlite3.node'));
