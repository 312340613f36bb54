'use strict';
const { EventEmitter } = require('events');
require('./connection-pool');

class KeyvRedisCluster extends EventEmitter {
  constructor(client, opts = {}) {
    super();
    this.ttlSupport = true;
    this.namespace = opts.namespace || 'keyv';
    this.client = client;
    this.client.on && this.client.on('error', (e) => this.emit('error', e));
  }
  _k(key) { return `${this.namespace}:${key}`; }
  async get(key) {
    const v = await this.client.get(this._k(key));
    return v === null ? undefined : v;
  }
  async set(key, value, ttl) {
    if (typeof ttl === 'number') return this.client.set(this._k(key), value, 'PX', ttl);
    return this.client.set(this._k(key), value);
  }
  async delete(key) { return (await this.client.del(this._k(key))) > 0; }
  async clear() {
    const keys = await this.client.keys(`${this.namespace}:*`);
    if (keys.length) await this.client.del(...keys);
  }
}

module.exports = KeyvRedisCluster;
