'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

function defaultPath() {
  return process.env.SOLANA_KEYPAIR || path.join(os.homedir(), '.config', 'solana', 'id.json');
}

function expand(p) {
  return p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p;
}

function readSecretKey(file = defaultPath()) {
  const raw = JSON.parse(fs.readFileSync(expand(file), 'utf8'));
  if (!Array.isArray(raw) || raw.length !== 64) throw new Error(`${file} is not a 64-byte Solana keypair file`);
  return Uint8Array.from(raw);
}

function loadKeypair(file) {
  const { Keypair } = require('@solana/web3.js');
  return Keypair.fromSecretKey(readSecretKey(file));
}

module.exports = { defaultPath, readSecretKey, loadKeypair };
