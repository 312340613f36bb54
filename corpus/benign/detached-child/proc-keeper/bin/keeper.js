#!/usr/bin/env node
'use strict';
const k = require('../lib');
const [cmd, name, script, ...rest] = process.argv.slice(2);
try {
  if (cmd === 'start') console.log(`started ${name} pid ${k.start(name, script, rest)}`);
  else if (cmd === 'stop') console.log(k.stop(name) ? `stopped ${name}` : `${name} was not running`);
  else if (cmd === 'list' || !cmd) for (const s of k.list()) console.log(`${s.name}\t${s.running ? s.pid : 'stopped'}\t${s.log}`);
  else { console.error('usage: keeper start <name> <script> [args] | stop <name> | list'); process.exit(2); }
} catch (e) { console.error('keeper:', e.message); process.exit(1); }
