'use strict';
const fs = require('fs');
const path = require('path');

const RULES = [
  { id: 'aws-access-key-id', re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { id: 'github-token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { id: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { id: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { id: 'private-key', re: /-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----/ },
  { id: 'generic-secret-assignment', re: /\b(secret|password|api[_-]?key)\s*[:=]\s*['"][^'"\s]{12,}['"]/i },
];
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) yield* walk(path.join(dir, e.name)); }
    else if (e.isFile()) yield path.join(dir, e.name);
  }
}

/** Scan `root` (the project you point it at). Findings are returned, never sent anywhere. */
function scan(root = process.cwd(), { maxSize = 1 << 20 } = {}) {
  const findings = [];
  for (const file of walk(root)) {
    if (fs.statSync(file).size > maxSize) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes('\0')) continue;
    text.split('\n').forEach((line, i) => {
      for (const r of RULES) {
        if (r.re.test(line) && !/secretlint-disable-line/.test(line)) {
          findings.push({ rule: r.id, file: path.relative(root, file), line: i + 1 });
        }
      }
    });
  }
  return findings;
}

module.exports = { scan, RULES };
