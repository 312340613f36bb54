'use strict';
const dns = require('dns').promises;
const net = require('net');

async function checkDns(host) {
  const t0 = Date.now();
  try {
    const r = await dns.lookup(host);
    return { ok: true, address: r.address, ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, error: e.code, ms: Date.now() - t0 };
  }
}

function checkTcp(host, port, timeout = 2000) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host, port });
    const done = (ok, error) => { s.destroy(); resolve({ ok, error, ms: Date.now() - t0 }); };
    s.setTimeout(timeout, () => done(false, 'ETIMEDOUT'));
    s.once('connect', () => done(true));
    s.once('error', (e) => done(false, e.code));
  });
}

module.exports = { checkDns, checkTcp };
