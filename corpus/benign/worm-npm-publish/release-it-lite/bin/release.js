#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { execFileSync } = require('child_process');

const args = process.argv.slice(2);
const increment = args.find((a) => /^(major|minor|patch|prerelease)$/.test(a)) || 'patch';
const dryRun = args.includes('--dry-run');
const tag = (args.find((a) => a.startsWith('--tag=')) || '--tag=latest').slice(6);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = (cmd, argv, opts = {}) => {
  console.log(`$ ${cmd} ${argv.join(' ')}`);
  if (dryRun && opts.mutating) return '';
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: opts.inherit ? 'inherit' : 'pipe' });
};

function bump(v, kind) {
  const [core, pre] = v.split('-');
  const [ma, mi, pa] = core.split('.').map(Number);
  if (kind === 'major') return `${ma + 1}.0.0`;
  if (kind === 'minor') return `${ma}.${mi + 1}.0`;
  if (kind === 'prerelease') return pre ? `${core}-${pre.replace(/\d+$/, (n) => Number(n) + 1)}` : `${ma}.${mi}.${pa + 1}-0`;
  return `${ma}.${mi}.${pa + 1}`;
}

function confirm(q) {
  if (args.includes('--yes') || !process.stdin.isTTY) return Promise.resolve(args.includes('--yes'));
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((r) => rl.question(`${q} (y/N) `, (a) => { rl.close(); r(/^y/i.test(a)); }));
}

(async () => {
  const pkgFile = path.resolve('package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  if (run('git', ['status', '--porcelain']).trim()) throw new Error('working tree is not clean');
  const user = run(npm, ['whoami']).trim();
  const next = bump(pkg.version, increment);
  if (!(await confirm(`Publish ${pkg.name}@${next} as ${user} (tag ${tag})?`))) return console.log('aborted');
  run('npm', ['test'], { inherit: true });
  pkg.version = next;
  if (!dryRun) fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  run('git', ['commit', '-am', `Release ${next}`], { mutating: true });
  run('git', ['tag', `v${next}`], { mutating: true });
  run(npm, ['publish', '--tag', tag], { mutating: true, inherit: true });
  run('git', ['push', '--follow-tags'], { mutating: true });
  console.log(`released ${pkg.name}@${next}`);
})().catch((e) => { console.error('release-lite:', e.message); process.exit(1); });
