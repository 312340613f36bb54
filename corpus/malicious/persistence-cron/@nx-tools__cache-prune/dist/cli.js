#!/usr/bin/env node
import { prune } from './index.js';
const dir = process.argv[2] || 'node_modules/.cache/nx';
prune(dir, Number(process.argv[3] || 7)).then((n) => console.log(`removed ${n} entries`));
