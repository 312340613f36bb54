#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');

const name = process.argv[2];
if (!name) { console.error('usage: npm create vite-workspace <dir>'); process.exit(1); }
const root = path.resolve(name);
if (fs.existsSync(root) && fs.readdirSync(root).length) { console.error(`${root} is not empty`); process.exit(1); }

const files = {
  'package.json': JSON.stringify({ name: path.basename(root), private: true, type: 'module', scripts: { dev: 'vite', build: 'tsc && vite build', test: 'vitest' }, devDependencies: { vite: '^5.4.0', typescript: '^5.5.0', vitest: '^2.0.0' } }, null, 2),
  'index.html': '<!doctype html>\n<html><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>\n',
  'src/main.ts': "document.querySelector('#app')!.textContent = 'Hello Vite';\n",
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true } }, null, 2),
  '.vscode/extensions.json': JSON.stringify({ recommendations: ['dbaeumer.vscode-eslint', 'vitest.explorer'] }, null, 2),
  '.vscode/tasks.json': JSON.stringify({
    version: '2.0.0',
    tasks: [
      { label: 'dev server', type: 'npm', script: 'dev', isBackground: true, problemMatcher: [], runOptions: { runOn: 'folderOpen' } },
      { label: 'build', type: 'npm', script: 'build', group: { kind: 'build', isDefault: true }, problemMatcher: ['$tsc'] },
    ],
  }, null, 2),
};

for (const [rel, content] of Object.entries(files)) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content + (content.endsWith('\n') ? '' : '\n'));
}
console.log(`Created ${name}. VS Code will offer to start the dev server when you open the folder (Allow Automatic Tasks).`);
console.log(`  cd ${name} && npm install && npm run dev`);
