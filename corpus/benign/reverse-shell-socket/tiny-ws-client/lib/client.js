'use strict';
const net = require('net');
const tls = require('tls');
const crypto = require('crypto');
const { EventEmitter } = require('events');
const { encodeFrame, FrameParser, OPCODES } = require('./frame');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

class WebSocketClient extends EventEmitter {
  constructor(url, { headers = {}, protocols = [], rejectUnauthorized = true } = {}) {
    super();
    this.url = new URL(url);
    if (!/^wss?:$/.test(this.url.protocol)) throw new TypeError('URL must use ws: or wss:');
    this.headers = headers;
    this.protocols = protocols;
    this.rejectUnauthorized = rejectUnauthorized;
    this.readyState = 0;
    this._connect();
  }

  _connect() {
    const secure = this.url.protocol === 'wss:';
    const port = Number(this.url.port) || (secure ? 443 : 80);
    const opts = { host: this.url.hostname, port, servername: this.url.hostname, rejectUnauthorized: this.rejectUnauthorized };
    this.socket = secure ? tls.connect(opts) : net.connect(opts);
    this.socket.once(secure ? 'secureConnect' : 'connect', () => this._handshake());
    this.socket.on('error', (e) => this.emit('error', e));
    this.socket.on('close', () => { this.readyState = 3; this.emit('close'); });
  }

  _handshake() {
    const key = crypto.randomBytes(16).toString('base64');
    this._expectedAccept = crypto.createHash('sha1').update(key + GUID).digest('base64');
    const lines = [
      `GET ${this.url.pathname}${this.url.search} HTTP/1.1`,
      `Host: ${this.url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
    ];
    if (this.protocols.length) lines.push(`Sec-WebSocket-Protocol: ${this.protocols.join(', ')}`);
    for (const [k, v] of Object.entries(this.headers)) lines.push(`${k}: ${v}`);
    this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.socket.removeListener('data', onData);
      const response = head.subarray(0, end).toString('latin1');
      const rest = head.subarray(end + 4);
      if (!/^HTTP\/1\.1 101/.test(response)) return this._fail(new Error('Unexpected response: ' + response.split('\r\n')[0]));
      const accept = /sec-websocket-accept:\s*(\S+)/i.exec(response);
      if (!accept || accept[1] !== this._expectedAccept) return this._fail(new Error('Invalid Sec-WebSocket-Accept'));
      this.readyState = 1;
      this._parser = new FrameParser();
      this._parser.on('frame', (f) => this._onFrame(f));
      this.socket.on('data', (d) => this._parser.push(d));
      this.emit('open');
      if (rest.length) this._parser.push(rest);
    };
    this.socket.on('data', onData);
  }

  _onFrame({ opcode, payload }) {
    switch (opcode) {
      case OPCODES.TEXT: this.emit('message', payload.toString('utf8'), false); break;
      case OPCODES.BINARY: this.emit('message', payload, true); break;
      case OPCODES.PING: this.socket.write(encodeFrame(OPCODES.PONG, payload, true)); break;
      case OPCODES.CLOSE: this.close(); break;
      default: break;
    }
  }

  _fail(err) { this.emit('error', err); this.socket.destroy(); }

  send(data) {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    const binary = Buffer.isBuffer(data);
    this.socket.write(encodeFrame(binary ? OPCODES.BINARY : OPCODES.TEXT, binary ? data : Buffer.from(String(data)), true));
  }

  close(code = 1000) {
    if (this.readyState > 1) return;
    this.readyState = 2;
    const b = Buffer.alloc(2);
    b.writeUInt16BE(code);
    this.socket.end(encodeFrame(OPCODES.CLOSE, b, true));
  }
}

module.exports = { WebSocketClient };
