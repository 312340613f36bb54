'use strict';
let binding;
try {
  binding = require('../build/Release/node_sqlite3.node');
} catch (e) {
  throw new Error('node-sqlite3-bindings-prebuilt: native module not built for this platform');
}
module.exports = binding;
