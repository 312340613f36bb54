#!/usr/bin/env node
'use strict';
const { spawn } = require('child_process');
const cp = spawn(require('./chromedriver').path, process.argv.slice(2), { stdio: 'inherit' });
cp.on('exit', (code) => process.exit(code ?? 1));
process.on('SIGTERM', () => cp.kill('SIGTERM'));
