'use strict';
const net = require('net');
const path = require('path');
const { EventEmitter } = require('events');

function ipcPath(id) {
  if (process.platform === 'win32') return `\\\\?\\pipe\\discord-ipc-${id}`;
  const base = process.env.XDG_RUNTIME_DIR || process.env.TMPDIR || '/tmp';
  return path.join(base, `discord-ipc-${id}`);
}

function encode(op, data) {
  const json = Buffer.from(JSON.stringify(data));
  const head = Buffer.alloc(8);
  head.writeInt32LE(op, 0);
  head.writeInt32LE(json.length, 4);
  return Buffer.concat([head, json]);
}

class Client extends EventEmitter {
  constructor({ clientId }) { super(); this.clientId = clientId; }
  login() {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection(ipcPath(0), () => {
        this.sock.write(encode(0, { v: 1, client_id: this.clientId }));
        resolve(this);
      });
      this.sock.on('error', reject);
    });
  }
  setActivity(activity) {
    const nonce = Date.now().toString(36);
    this.sock.write(encode(1, { cmd: 'SET_ACTIVITY', args: { pid: process.pid, activity }, nonce }));
  }
}
module.exports = { Client };
