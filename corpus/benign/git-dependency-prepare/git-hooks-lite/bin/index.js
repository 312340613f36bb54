#!/usr/bin/env node
'use strict';
const { install, uninstall } = require('../index.js');
const [cmd, dir] = process.argv.slice(2);
let msg;
if (cmd === 'install' || cmd === undefined) msg = install(dir);
else if (cmd === 'uninstall') msg = uninstall();
else { console.error('usage: git-hooks-lite [install [dir] | uninstall]'); process.exit(2); }
if (msg) console.log(msg);
