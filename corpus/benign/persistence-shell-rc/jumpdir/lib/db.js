'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const DB = process.env.JUMPDIR_DB || path.join(os.homedir(), '.local', 'share', 'jumpdir', 'db.json');

function load() {
  try { return JSON.parse(fs.readFileSync(DB, 'utf8')); } catch (e) { return {}; }
}

function save(db) {
  fs.mkdirSync(path.dirname(DB), { recursive: true });
  fs.writeFileSync(DB, JSON.stringify(db));
}

function add(dir) {
  const db = load();
  const e = db[dir] || { rank: 0, last: 0 };
  e.rank += 1;
  e.last = Date.now();
  db[dir] = e;
  save(db);
}

function score(e) {
  const age = (Date.now() - e.last) / 3600000;
  const f = age < 1 ? 4 : age < 24 ? 2 : age < 168 ? 0.5 : 0.25;
  return e.rank * f;
}

function query(words) {
  const db = load();
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'), 'i');
  return Object.entries(db).filter(([d]) => re.test(d)).sort((a, b) => score(b[1]) - score(a[1])).map(([d]) => d);
}

module.exports = { add, query, DB };
