'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const d = path.join(base, 'lint-cache-warm', 'v1');
  try { fs.mkdirSync(d, { recursive: true }); return d; } catch (e) {
    const local = path.join(process.cwd(), 'node_modules', '.cache', 'lint-cache-warm');
    fs.mkdirSync(local, { recursive: true });
    return local;
  }
}

function key(file, content, configHash) {
  return crypto.createHash('sha1').update(file).update('\0').update(content).update('\0').update(configHash).digest('hex');
}

function get(k) {
  try { return JSON.parse(fs.readFileSync(path.join(cacheDir(), k + '.json'), 'utf8')); } catch (e) { return null; }
}

function set(k, result) {
  fs.writeFileSync(path.join(cacheDir(), k + '.json'), JSON.stringify(result));
}

module.exports = { cacheDir, key, get, set };
