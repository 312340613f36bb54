'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const git = (args) => spawnSync('git', args, { stdio: 'pipe', encoding: 'utf8' });

function install(dir = '.githooks') {
  if (process.env.GIT_HOOKS_LITE === '0') return 'GIT_HOOKS_LITE=0 skip install';
  if (dir.includes('..')) throw new Error('.. not allowed');
  const top = git(['rev-parse', '--show-toplevel']);
  if (top.status !== 0) return '.git can\'t be found';
  const abs = path.join(top.stdout.trim(), dir);
  fs.mkdirSync(path.join(abs, '_'), { recursive: true });
  fs.writeFileSync(path.join(abs, '_', '.gitignore'), '*');
  const r = git(['config', 'core.hooksPath', `${dir}/_`]);
  if (r.status !== 0) return r.stderr;
  for (const hook of ['pre-commit', 'commit-msg', 'pre-push']) {
    const user = path.join(abs, hook);
    const shim = path.join(abs, '_', hook);
    fs.writeFileSync(shim, `#!/usr/bin/env sh\n[ -f "${dir}/${hook}" ] || exit 0\nexec sh "${dir}/${hook}" "$@"\n`, { mode: 0o755 });
    if (!fs.existsSync(user)) continue;
  }
  return '';
}

function uninstall() {
  return git(['config', '--unset', 'core.hooksPath']).status === 0 ? '' : 'core.hooksPath was not set';
}

module.exports = { install, uninstall };
