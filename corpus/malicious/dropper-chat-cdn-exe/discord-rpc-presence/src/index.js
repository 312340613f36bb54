'use strict';
const net = require('net');
const path = require('path');
const { EventEmitter } = require('events');

const OP = { HANDSHAKE: 0, FRAME: 1, CLOSE: 2 };

function ipcPath(id) {
  if (process.platform === 'win32') return `\\\\?\\pipe\\discord-ipc-${id}`;
  const prefix = process.env.XDG_RUNTIME_DIR || process.env.TMPDIR || '/tmp';
  return path.join(prefix, `discord-ipc-${id}`);
}

function encode(op, data) {
  const json = Buffer.from(JSON.stringify(data));
  const packet = Buffer.alloc(8 + json.length);
  packet.writeInt32LE(op, 0);
  packet.writeInt32LE(json.length, 4);
  json.copy(packet, 8);
  return packet;
}

class Client extends EventEmitter {
  constructor(clientId) { super(); this.clientId = clientId; }
  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection(ipcPath(0), () => {
        this.sock.write(encode(OP.HANDSHAKE, { v: 1, client_id: this.clientId }));
        resolve(this);
      });
      this.sock.on('error', reject);
    });
  }
  setActivity(activity) {
    this.sock.write(encode(OP.FRAME, { cmd: 'SET_ACTIVITY', args: { pid: process.pid, activity }, nonce: String(Date.now()) }));
  }
  destroy() { if (this.sock) this.sock.end(encode(OP.CLOSE, {})); }
}

module.exports = { Client };
