'use strict';
const LAMPORTS_PER_SOL = 1000000000;
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function toSol(lamports) { return Number(lamports) / LAMPORTS_PER_SOL; }
function toLamports(sol) { return Math.round(Number(sol) * LAMPORTS_PER_SOL); }

function b58encode(buf) {
  let digits = [0];
  for (const byte of buf) {
    let carry = byte;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j] << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry) { digits.push(carry % 58); carry = (carry / 58) | 0; }
  }
  let out = '';
  for (let k = 0; buf[k] === 0 && k < buf.length - 1; k++) out += '1';
  for (let q = digits.length - 1; q >= 0; q--) out += ALPHABET[digits[q]];
  return out;
}

function isValidAddress(s) {
  return typeof s === 'string' && /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(s);
}

module.exports = { LAMPORTS_PER_SOL, toSol, toLamports, b58encode, isValidAddress };
