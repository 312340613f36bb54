'use strict';
const https = require('https');
const { randomUUID } = require('crypto');
const pkg = require('../package.json');

const DEFAULT_HOST = 'ingest.pulsemetrics.example';

class PulseMetrics {
  constructor(writeKey, opts = {}) {
    if (!writeKey) throw new Error('PulseMetrics: a write key is required');
    this.writeKey = writeKey;
    this.host = opts.host || DEFAULT_HOST;
    this.flushAt = opts.flushAt || 20;
    this.flushInterval = opts.flushInterval || 10000;
    this.queue = [];
    this.timer = null;
    this.enabled = opts.enabled !== false && process.env.PULSEMETRICS_DISABLED !== '1';
  }

  track(userId, event, properties = {}) {
    this._enqueue({ type: 'track', userId, event, properties });
  }

  identify(userId, traits = {}) {
    this._enqueue({ type: 'identify', userId, traits });
  }

  _enqueue(msg) {
    if (!this.enabled) return;
    this.queue.push({ ...msg, messageId: randomUUID(), timestamp: new Date().toISOString(), context: { library: { name: pkg.name, version: pkg.version } } });
    if (this.queue.length >= this.flushAt) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushInterval).unref();
  }

  flush(cb) {
    clearTimeout(this.timer);
    this.timer = null;
    if (!this.queue.length) return cb && cb();
    const batch = this.queue.splice(0, this.queue.length);
    const body = JSON.stringify({ batch, sentAt: new Date().toISOString() });
    const req = https.request({
      host: this.host,
      path: '/v1/batch',
      method: 'POST',
      auth: this.writeKey + ':',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': `${pkg.name}/${pkg.version}` },
    }, (res) => { res.resume(); res.on('end', () => cb && cb()); });
    req.on('error', (e) => cb && cb(e));
    req.end(body);
  }
}

module.exports = PulseMetrics;
