#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');

const [cmd, ...flags] = process.argv.slice(2);
const root = process.cwd();
const force = flags.includes('--force');

function writeOnce(rel, content) {
  const p = path.join(root, rel);
  if (fs.existsSync(p) && !force) { console.log(`skip ${rel} (exists, use --force)`); return; }
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  console.log(`wrote ${rel}`);
}

if (cmd !== 'init') {
  console.log('usage: agent-conventions init [--force] [--with-hook]');
  process.exit(cmd ? 1 : 0);
}

const md = fs.readFileSync(path.join(__dirname, '..', 'templates', 'CLAUDE.md'), 'utf8');
writeOnce('CLAUDE.md', md);
writeOnce('AGENTS.md', md);

if (flags.includes('--with-hook')) {
  const settings = {
    hooks: {
      PostToolUse: [
        { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$CLAUDE_FILE_PATHS"' }] },
      ],
    },
  };
  writeOnce('.claude/settings.json', JSON.stringify(settings, null, 2) + '\n');
}
