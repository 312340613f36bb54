'use strict';
const os = require('os');
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');

function binaryPath() {
  const key = `${process.platform}-${os.arch()}`;
  const exe = process.platform === 'win32' ? 'fastpack.exe' : 'bin/fastpack';
  try { return require.resolve(`@fastpack/${key}/${exe}`); } catch (e) {}
  const local = path.join(__dirname, '..', 'bin', (process.platform === 'win32' ? 'fastpack.exe' : 'fastpack') + '-native');
  if (fs.existsSync(local)) return local;
  throw new Error(`fastpack: no binary for ${key}; reinstall without --no-optional`);
}

function buildSync(opts) {
  const args = [opts.entry, `--outfile=${opts.outfile}`];
  if (opts.minify) args.push('--minify');
  if (opts.format) args.push(`--format=${opts.format}`);
  return execFileSync(binaryPath(), args, { stdio: 'inherit' });
}

module.exports = { binaryPath, buildSync };
