'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

function isDangerous(p) {
  const abs = path.resolve(p);
  return abs === path.parse(abs).root || abs === os.homedir();
}

function rimraf(target, { force = false } = {}) {
  if (!target) throw new TypeError('rimraf-lite: path is required');
  if (isDangerous(target) && !force) {
    throw new Error(`rimraf-lite: refusing to remove ${path.resolve(target)} (pass --no-preserve-root to insist)`);
  }
  fs.rmSync(target, { recursive: true, force: true, maxRetries: 3 });
}

module.exports = rimraf;
module.exports.isDangerous = isDangerous;
