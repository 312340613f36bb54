'use strict';
const { execFileSync } = require('child_process');

function changedFiles(base, head) {
  base = base || (process.env.GITHUB_BASE_REF ? `origin/${process.env.GITHUB_BASE_REF}` : 'HEAD~1');
  head = head || 'HEAD';
  const out = execFileSync('git', ['diff', '--name-only', '--diff-filter=ACMR', `${base}...${head}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

module.exports = { changedFiles };
