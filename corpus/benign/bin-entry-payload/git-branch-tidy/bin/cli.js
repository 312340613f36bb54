#!/usr/bin/env node
'use strict';
const { spawnSync } = require('child_process');

const argv = process.argv.slice(2);
const dryRun = argv.includes('--dry-run') || argv.includes('-n');
const force = argv.includes('--force');
const base = (argv.find((a) => a.startsWith('--base=')) || '--base=').slice(7) || detectBase();
const passthrough = argv.filter((a) => a.startsWith('--git-')).map((a) => a.replace(/^--git-/, '--'));

function git(args, opts = {}) {
  const r = spawnSync('git', [...passthrough, ...args], { encoding: 'utf8', ...opts });
  if (r.error) {
    console.error('git-branch-tidy: could not run git:', r.error.message);
    process.exit(127);
  }
  if (r.status !== 0 && !opts.allowFail) {
    process.stderr.write(r.stderr);
    process.exit(r.status);
  }
  return r.stdout.trim();
}

function detectBase() {
  const r = spawnSync('git', ['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/^origin\//, '') : 'main';
}

function run() {
  git(['fetch', '--prune', '--quiet'], { allowFail: true });
  const current = git(['rev-parse', '--abbrev-ref', 'HEAD']);
  const merged = git(['branch', '--merged', base, '--format=%(refname:short)']).split('\n').filter(Boolean);
  const gone = git(['for-each-ref', '--format=%(refname:short) %(upstream:track)', 'refs/heads'])
    .split('\n').filter((l) => l.endsWith('[gone]')).map((l) => l.split(' ')[0]);
  const victims = [...new Set([...merged, ...gone])].filter((b) => b !== base && b !== current && !/^(main|master|develop)$/.test(b));
  if (!victims.length) return console.log('Nothing to tidy.');
  for (const b of victims) {
    if (dryRun) { console.log(`would delete ${b}`); continue; }
    git(['branch', force || gone.includes(b) ? '-D' : '-d', b]);
    console.log(`deleted ${b}`);
  }
}

if (argv.includes('--help') || argv.includes('-h')) {
  console.log('Usage: git-branch-tidy [--dry-run] [--force] [--base=<branch>] [--git-<opt>=<value>]');
} else {
  run();
}
