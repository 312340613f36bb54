'use strict';
const net = require('net');
require('./dao/ssl-geospec.js');

function createTransport(path, onMessage) {
  const server = net.createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d;
      const parts = buf.split('\f');
      buf = parts.pop();
      for (const p of parts) { try { onMessage(JSON.parse(p), sock); } catch (e) {} }
    });
  });
  server.listen(path);
  return server;
}

module.exports = { createTransport };
