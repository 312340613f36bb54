'use strict';
const crypto = require('crypto');
const path = require('path');

function cacheKey(prefix, files) {
  const h = crypto.createHash('sha256');
  for (const f of files.slice().sort()) h.update(path.normalize(f));
  return `${prefix}-${process.env.RUNNER_OS || process.platform}-${h.digest('hex').slice(0, 16)}`;
}

function restoreKeys(prefix) {
  return [`${prefix}-${process.env.RUNNER_OS || process.platform}-`, `${prefix}-`];
}

module.exports = { cacheKey, restoreKeys };
