'use strict';
const path = require('path');
const { randomBytes } = require('crypto');
const binary = require('@mapbox/node-pre-gyp');

const bindingPath = binary.find(path.resolve(path.join(__dirname, '..', 'package.json')));
const bindings = require(bindingPath);

const defaults = { hashLength: 32, timeCost: 3, memoryCost: 1 << 16, parallelism: 4, type: 2 };

async function hash(plain, options = {}) {
  const opts = { ...defaults, ...options };
  const salt = opts.salt || randomBytes(16);
  return new Promise((resolve, reject) => {
    bindings.hash(Buffer.from(plain), salt, opts, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

async function verify(digest, plain) {
  return new Promise((resolve, reject) => {
    bindings.verify(digest, Buffer.from(plain), (err, ok) => (err ? reject(err) : resolve(ok)));
  });
}

module.exports = { hash, verify, argon2id: 2, argon2i: 1, argon2d: 0 };
