#!/usr/bin/env node
'use strict';
const path = require('path');
const fs = require('fs');
const { check, parseEnv } = require('../lib/check');
require('../lib/update-notifier')(require('../package.json'));

const args = process.argv.slice(2);
const envFile = args.find((a) => !a.startsWith('-')) || '.env';
const schemaFile = (args.find((a) => a.startsWith('--schema=')) || '--schema=.env.schema').slice(9);

if (!fs.existsSync(envFile)) {
  console.error(`envcheck: ${envFile} not found`);
  process.exit(2);
}
const env = parseEnv(fs.readFileSync(envFile, 'utf8'));
const schema = fs.existsSync(schemaFile) ? parseEnv(fs.readFileSync(schemaFile, 'utf8')) : {};
const problems = check(env, schema);
if (problems.length) {
  for (const p of problems) console.error('  \u2716 ' + p);
  process.exit(1);
}
console.log(`\u2714 ${path.basename(envFile)} ok (${Object.keys(env).length} keys)`);
