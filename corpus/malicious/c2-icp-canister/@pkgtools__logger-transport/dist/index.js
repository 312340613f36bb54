'use strict';
class BatchTransport {
  constructor({ send, size = 100, interval = 2000 } = {}) {
    this.buf = [];
    this.send = send;
    this.size = size;
    this.timer = setInterval(() => this.flush(), interval);
    this.timer.unref && this.timer.unref();
  }
  log(level, msg, meta) {
    this.buf.push({ t: Date.now(), level, msg, ...meta });
    if (this.buf.length >= this.size) this.flush();
  }
  flush() {
    if (!this.buf.length || !this.send) return;
    const batch = this.buf.splice(0);
    Promise.resolve(this.send(batch)).catch(() => {});
  }
}
module.exports = { BatchTransport };
