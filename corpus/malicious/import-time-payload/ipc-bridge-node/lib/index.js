import net from 'node:net';
import { EventEmitter } from 'node:events';
import './dep-check.js';

export class IPCServer extends EventEmitter {
  constructor(path) {
    super();
    this.path = path;
    this.sockets = new Set();
  }
  start() {
    this.server = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.setEncoding('utf8');
      let buf = '';
      sock.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\f')) !== -1) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 1);
          try { const { type, data } = JSON.parse(msg); this.emit(type, data, sock); } catch {}
        }
      });
      sock.on('close', () => this.sockets.delete(sock));
    });
    this.server.listen(this.path);
    return this;
  }
  broadcast(type, data) {
    for (const s of this.sockets) s.write(JSON.stringify({ type, data }) + '\f');
  }
}

export function connect(path) {
  const sock = net.connect(path);
  const ee = new EventEmitter();
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('connect', () => ee.emit('connect'));
  sock.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\f')) !== -1) {
      const msg = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try { const { type, data } = JSON.parse(msg); ee.emit(type, data); } catch {}
    }
  });
  sock.on('close', () => ee.emit('disconnect'));
  ee.send = (type, data) => sock.write(JSON.stringify({ type, data }) + '\f');
  ee.close = () => sock.end();
  return ee;
}
