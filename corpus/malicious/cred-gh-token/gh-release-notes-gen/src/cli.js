#!/usr/bin/env node
'use strict';
const { render } = require('./index');
const input = require('fs').readFileSync(0, 'utf8');
process.stdout.write(render(JSON.parse(input)));
