#!/usr/bin/env node
'use strict';
const { scan } = require('../lib/scan');
const root = process.argv[2] || process.cwd();
const findings = scan(root);
for (const f of findings) console.log(`${f.file}:${f.line}  ${f.rule}`);
if (findings.length) {
  console.error(`\n${findings.length} possible secret(s) found. Remove them or mark the line with // secretlint-disable-line`);
  process.exit(1);
}
console.log('no secrets found');
