'use strict';
const { execFile, spawn } = require('child_process');

// Everything here runs only when the caller invokes it.
function readClipboard() {
  return new Promise((resolve, reject) => {
    execFile('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-Clipboard -Raw'], { windowsHide: true },
      (err, out) => (err ? reject(err) : resolve(out.replace(/\r\n$/, ''))));
  });
}

function writeClipboard(text) {
  return new Promise((resolve, reject) => {
    const p = spawn('clip.exe', [], { windowsHide: true });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`clip exited ${code}`))));
    p.stdin.end(Buffer.from('\ufeff' + text, 'utf16le'));
  });
}

function open(target) {
  // `start` needs an empty title argument when the target is quoted
  return spawn('cmd.exe', ['/d', '/s', '/c', 'start', '""', `"${String(target).replace(/"/g, '')}"`], {
    windowsHide: true, windowsVerbatimArguments: true, stdio: 'ignore', detached: true,
  }).unref();
}

module.exports = { readClipboard, writeClipboard, open };
