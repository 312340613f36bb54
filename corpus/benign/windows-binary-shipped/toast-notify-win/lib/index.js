'use strict';
const path = require('path');
const { execFile } = require('child_process');

const HELPER = path.join(__dirname, '..', 'vendor', 'toast-helper.exe');

function notify({ title, message, appId = 'Node.js', icon, sound = true }, cb = () => {}) {
  if (process.platform !== 'win32') return cb(new Error('toast-notify-win only works on Windows'));
  const args = ['-t', String(title || ''), '-m', String(message || ''), '-appID', appId];
  if (icon) args.push('-p', path.resolve(icon));
  if (!sound) args.push('-silent');
  execFile(HELPER, args, { windowsHide: true }, (err, stdout) => {
    if (err && err.code !== 1) return cb(err);
    cb(null, stdout.toString().trim());
  });
}

module.exports = { notify, HELPER };
