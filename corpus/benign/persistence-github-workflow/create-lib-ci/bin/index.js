#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const dst = path.join(process.cwd(), '.github', 'workflows', 'ci.yml');
const src = path.join(__dirname, '..', 'templates', 'ci.yml');

function write() {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
  console.log(`Created ${path.relative(process.cwd(), dst)}. Add an NPM_TOKEN repository secret to enable releases.`);
}

if (fs.existsSync(dst)) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  rl.question(`${dst} exists. Overwrite? [y/N] `, (a) => { rl.close(); if (/^y/i.test(a)) write(); });
} else {
  write();
}
