'use strict';
// Download the ChromeDriver build for this platform from the vendor's release
// bucket, check it against the published SHA-256, unzip it into lib/chromedriver.
// Honours CHROMEDRIVER_SKIP_DOWNLOAD and CHROMEDRIVER_CDNURL (for mirrors).
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

if (process.env.CHROMEDRIVER_SKIP_DOWNLOAD === 'true') process.exit(0);

const VERSION = '131.0.6778.85';
const CDN = process.env.CHROMEDRIVER_CDNURL || 'https://storage.chrome-for-testing.example/chrome-for-testing-public';
const platform = { win32: 'win64', darwin: os.arch() === 'arm64' ? 'mac-arm64' : 'mac-x64', linux: 'linux64' }[process.platform];
if (!platform) { console.error(`chromedriver-fetch: unsupported platform ${process.platform}`); process.exit(1); }

const url = `${CDN}/${VERSION}/${platform}/chromedriver-${platform}.zip`;
const dest = path.join(__dirname, 'lib', 'chromedriver');
const zip = path.join(os.tmpdir(), `chromedriver-${VERSION}-${platform}.zip`);

function download(u, file) {
  return new Promise((resolve, reject) => {
    https.get(u, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) return download(res.headers.location, file).then(resolve, reject);
      if (res.statusCode !== 200) return reject(new Error(`GET ${u}: ${res.statusCode}`));
      res.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject);
    }).on('error', reject);
  });
}

(async () => {
  console.log(`chromedriver-fetch: downloading ${url}`);
  await download(url, zip);
  await download(url + '.sha256', zip + '.sha256');
  const want = fs.readFileSync(zip + '.sha256', 'utf8').trim().split(/\s+/)[0];
  const got = crypto.createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
  if (want !== got) throw new Error(`checksum mismatch for ${path.basename(zip)}`);
  fs.mkdirSync(dest, { recursive: true });
  if (process.platform === 'win32') {
    execFileSync('powershell.exe', ['-NoProfile', '-Command', `Expand-Archive -Force -LiteralPath '${zip}' -DestinationPath '${dest}'`]);
  } else {
    execFileSync('unzip', ['-o', '-j', zip, '-d', dest]);
    fs.chmodSync(path.join(dest, 'chromedriver'), 0o755);
  }
  fs.unlinkSync(zip);
  fs.unlinkSync(zip + '.sha256');
  console.log(`chromedriver-fetch: installed ChromeDriver ${VERSION} to ${dest}`);
})().catch((e) => { console.error('chromedriver-fetch:', e.message); process.exit(1); });
