'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const MULTI = new Set(['identityfile', 'localforward', 'remoteforward', 'dynamicforward', 'certificatefile', 'sendenv']);

function parse(text) {
  const sections = [{ patterns: ['*'], options: [] }];
  let cur = sections[0];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const m = /^(\S+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      cur = { patterns: value.split(/\s+/), options: [] };
      sections.push(cur);
    } else {
      cur.options.push([key, value]);
    }
  }
  return sections;
}

function globToRegExp(glob) {
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

function matches(patterns, host) {
  let ok = false;
  for (const p of patterns) {
    if (p.startsWith('!')) { if (globToRegExp(p.slice(1)).test(host)) return false; }
    else if (globToRegExp(p).test(host)) ok = true;
  }
  return ok;
}

function expand(value, host, user) {
  return value.replace(/^~(?=$|\/)/, os.homedir()).replace(/%h/g, host).replace(/%r/g, user).replace(/%d/g, os.homedir());
}

/**
 * Effective options for `host`. Reads the file only when called;
 * `file` defaults to ~/.ssh/config.
 */
function resolve(host, { file = path.join(os.homedir(), '.ssh', 'config'), text } = {}) {
  if (text === undefined) {
    try { text = fs.readFileSync(file, 'utf8'); } catch (e) { if (e.code === 'ENOENT') text = ''; else throw e; }
  }
  const out = {};
  for (const s of parse(text)) {
    if (!matches(s.patterns, host)) continue;
    for (const [k, v] of s.options) {
      if (MULTI.has(k)) (out[k] = out[k] || []).push(v);
      else if (!(k in out)) out[k] = v;
    }
  }
  const user = out.user || os.userInfo().username;
  if (out.identityfile) out.identityfile = out.identityfile.map((f) => expand(f, host, user));
  else out.identityfile = ['id_rsa', 'id_ecdsa', 'id_ed25519'].map((f) => path.join(os.homedir(), '.ssh', f));
  return { hostname: out.hostname || host, user, port: Number(out.port || 22), ...out };
}

module.exports = { parse, resolve, matches };
