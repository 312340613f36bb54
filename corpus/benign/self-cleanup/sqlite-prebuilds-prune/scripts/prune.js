'use strict';
// The tarball ships prebuilt binaries for every platform (about 9 MB each).
// After install, remove the ones this machine cannot load to save disk space.
// Set SQLITE_KEEP_ALL_PREBUILDS=1 to keep them (e.g. when building a Docker
// image on one platform for another).
const fs = require('fs');
const path = require('path');

if (process.env.SQLITE_KEEP_ALL_PREBUILDS) process.exit(0);

const dir = path.join(__dirname, '..', 'prebuilds');
const keep = `${process.platform}-${process.arch}`;
let removed = 0;
for (const entry of fs.readdirSync(dir)) {
  if (entry === keep) continue;
  fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  removed++;
}
if (removed) console.log(`sqlite-prebuilds-prune: kept prebuilds/${keep}, removed ${removed} other platform(s)`);
