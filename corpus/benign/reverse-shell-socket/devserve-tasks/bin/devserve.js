#!/usr/bin/env node
'use strict';
const fs = require('fs');
const { createServer } = require('../lib/server');
let cfg = {};
try { cfg = JSON.parse(fs.readFileSync('devserve.config.json', 'utf8')); } catch (e) {}
for (const a of process.argv.slice(2)) {
  const m = /^--(\w+)=(.*)$/.exec(a);
  if (m) cfg[m[1]] = m[1] === 'port' ? Number(m[2]) : m[2];
}
createServer(cfg);
