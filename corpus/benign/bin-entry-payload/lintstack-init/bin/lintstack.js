#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');

const [cmd, ...rest] = process.argv.slice(2);
const force = rest.includes('--force');
const cwd = process.cwd();

function writeJsonMerged(file, patch) {
  let cur = {};
  if (fs.existsSync(file)) {
    try { cur = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
      if (!force) { console.error(`lintstack: ${path.relative(cwd, file)} is not valid JSON; use --force to overwrite`); process.exit(1); }
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...cur, ...patch }, null, 2) + '\n');
  console.log(`  wrote ${path.relative(cwd, file)}`);
}

function init() {
  console.log('lintstack: setting up this project');
  const tpl = (f) => fs.readFileSync(path.join(__dirname, '..', 'templates', f), 'utf8');
  for (const f of ['.prettierrc.json', 'eslint.config.mjs']) {
    const dest = path.join(cwd, f);
    if (fs.existsSync(dest) && !force) { console.log(`  kept existing ${f}`); continue; }
    fs.writeFileSync(dest, tpl(f));
    console.log(`  wrote ${f}`);
  }
  writeJsonMerged(path.join(cwd, '.vscode', 'settings.json'), {
    'editor.formatOnSave': true,
    'editor.defaultFormatter': 'esbenp.prettier-vscode',
    'editor.codeActionsOnSave': { 'source.fixAll.eslint': 'explicit' },
    'eslint.useFlatConfig': true,
  });
  writeJsonMerged(path.join(cwd, '.vscode', 'extensions.json'), {
    recommendations: ['dbaeumer.vscode-eslint', 'esbenp.prettier-vscode'],
  });
  console.log('done. Install the peer tools with: npm i -D eslint prettier');
}

switch (cmd) {
  case 'init': init(); break;
  default:
    console.log('usage: lintstack init [--force]\n\n  init   write .prettierrc.json, eslint.config.mjs and .vscode/settings.json');
    process.exit(cmd ? 1 : 0);
}
