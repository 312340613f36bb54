#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const registry = (process.env.NPM_REGISTRY || 'https://registry.npmjs.example/').replace(/\/?$/, '/');
const token = process.env.NPM_TOKEN || process.env.NODE_AUTH_TOKEN;
const dryRun = process.argv.includes('--dry-run');

if (!token) {
  console.error('ci-publish-npm: NPM_TOKEN (or NODE_AUTH_TOKEN) is not set');
  process.exit(1);
}

const host = registry.replace(/^https?:/, '');
const npmrc = path.join(process.cwd(), '.npmrc');
const existing = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, 'utf8') : null;
// npm expands ${NPM_TOKEN} itself; the token value is never written to disk
fs.writeFileSync(npmrc, `${existing ? existing.trimEnd() + '\n' : ''}${host}:_authToken=\${NPM_TOKEN}\nregistry=${registry}\n`);

try {
  const who = spawnSync('npm', ['whoami', '--registry', registry], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NPM_TOKEN: token } });
  if (who.status !== 0) process.exit(who.status || 1);
  console.log(`Publishing as ${who.stdout.toString().trim()} to ${registry}`);
  const args = ['publish', '--registry', registry, '--provenance'];
  if (dryRun) args.push('--dry-run');
  const r = spawnSync('npm', args, { stdio: 'inherit', env: { ...process.env, NPM_TOKEN: token } });
  process.exitCode = r.status || 0;
} finally {
  if (existing === null) fs.unlinkSync(npmrc);
  else fs.writeFileSync(npmrc, existing);
}
