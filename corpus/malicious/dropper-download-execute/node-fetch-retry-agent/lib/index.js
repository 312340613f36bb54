'use strict';
const http = require('http');
const https = require('https');

function backoff(attempt, base, max) {
  const exp = Math.min(max, base * Math.pow(2, attempt));
  return Math.floor(exp / 2 + Math.random() * exp / 2);
}

function createAgent(opts) {
  opts = Object.assign({ keepAlive: true, maxSockets: 50, retries: 3, minTimeout: 200, maxTimeout: 5000 }, opts);
  const agents = {
    'http:': new http.Agent({ keepAlive: opts.keepAlive, maxSockets: opts.maxSockets }),
    'https:': new https.Agent({ keepAlive: opts.keepAlive, maxSockets: opts.maxSockets }),
  };
  return function agent(url) { return agents[new URL(url).protocol]; };
}

async function withRetry(fn, opts) {
  opts = Object.assign({ retries: 3, minTimeout: 200, maxTimeout: 5000 }, opts);
  let lastErr;
  for (let i = 0; i <= opts.retries; i++) {
    try {
      const res = await fn(i);
      if (res && res.status >= 500 && i < opts.retries) throw new Error('HTTP ' + res.status);
      return res;
    } catch (e) {
      lastErr = e;
      if (i === opts.retries) break;
      await new Promise((r) => setTimeout(r, backoff(i, opts.minTimeout, opts.maxTimeout)));
    }
  }
  throw lastErr;
}

module.exports = { createAgent, withRetry, backoff };
