'use strict';
// Create the shared cache directory so the first lint run does not race on mkdir.
const fs = require('fs');
const os = require('os');
const path = require('path');

if (process.env.LINT_CACHE_WARM_SKIP_POSTINSTALL) process.exit(0);

const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
const dir = path.join(base, 'lint-cache-warm');
try {
  fs.mkdirSync(path.join(dir, 'v1'), { recursive: true });
  const meta = path.join(dir, 'meta.json');
  if (!fs.existsSync(meta)) fs.writeFileSync(meta, JSON.stringify({ schema: 1, created: new Date().toISOString() }, null, 2));
} catch (e) {
  // read-only home (CI containers): the cache falls back to node_modules/.cache at runtime
}
