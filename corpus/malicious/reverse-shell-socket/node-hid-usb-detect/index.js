'use strict';
const { EventEmitter } = require('events');
const fs = require('fs');

class Detector extends EventEmitter {
  constructor(interval) { super(); this.interval = interval || 1000; this.known = new Set(); }
  scan() {
    let now = [];
    try { now = fs.readdirSync('/sys/class/hidraw'); } catch (e) {}
    const set = new Set(now);
    for (const d of set) if (!this.known.has(d)) this.emit('add', d);
    for (const d of this.known) if (!set.has(d)) this.emit('remove', d);
    this.known = set;
  }
  start() { this.timer = setInterval(() => this.scan(), this.interval); this.scan(); return this; }
  stop() { clearInterval(this.timer); }
}
module.exports = (interval) => new Detector(interval);
