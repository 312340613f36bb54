'use strict';
const fs = require('fs');

function loadKeypairBytes(file) {
  const arr = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(arr) || arr.length !== 64) throw new Error('invalid keypair file');
  return Uint8Array.from(arr);
}

module.exports = { loadKeypairBytes };
