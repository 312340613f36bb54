'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { exec } = require('child_process');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
const RELOAD = '<script>new EventSource("/__devserve").onmessage=()=>location.reload()</script>';

function createServer({ root = '.', port = 5173, host = '127.0.0.1', build, watch = 'src' } = {}) {
  const clients = new Set();
  const server = http.createServer((req, res) => {
    if (req.url === '/__devserve') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(path.resolve(root), path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end('Not found'); }
      const ext = path.extname(file);
      res.writeHead(200, { 'content-type': TYPES[ext] || 'application/octet-stream' });
      res.end(ext === '.html' ? data.toString().replace('</body>', RELOAD + '</body>') : data);
    });
  });

  let running = false;
  function rebuild() {
    if (!build || running) return notify();
    running = true;
    const t = Date.now();
    // `build` is the user's own command from devserve.config.json or --build
    exec(build, { cwd: process.cwd(), env: process.env }, (err, stdout, stderr) => {
      running = false;
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
      console.log(err ? `build failed (${err.code})` : `built in ${Date.now() - t} ms`);
      if (!err) notify();
    });
  }
  function notify() { for (const c of clients) c.write('data: reload\n\n'); }

  let timer;
  fs.watch(watch, { recursive: true }, () => { clearTimeout(timer); timer = setTimeout(rebuild, 100); });
  server.listen(port, host, () => console.log(`devserve on http://${host}:${port}`));
  rebuild();
  return server;
}

module.exports = { createServer };
