#!/usr/bin/env node
const { findNvmrc } = require('../lib/index');
const r = findNvmrc(process.cwd());
if (r) console.log(r.version);
