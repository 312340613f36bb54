#!/usr/bin/env node
'use strict';
const rimraf = require('..');
const args = process.argv.slice(2);
const force = args.includes('--no-preserve-root');
const paths = args.filter((a) => !a.startsWith('--'));
if (!paths.length) { console.error('usage: rimraf-lite <path> [...]'); process.exit(2); }
let code = 0;
for (const p of paths) {
  try { rimraf(p, { force }); } catch (e) { console.error(e.message); code = 1; }
}
process.exit(code);
