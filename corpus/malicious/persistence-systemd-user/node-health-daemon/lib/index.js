'use strict';
const http = require('http');
module.exports = function health(port, checks) {
  checks = checks || {};
  return http.createServer(async (req, res) => {
    if (req.url !== '/healthz') { res.statusCode = 404; return res.end(); }
    const out = {};
    let ok = true;
    for (const [k, fn] of Object.entries(checks)) {
      try { out[k] = await fn(); } catch (e) { ok = false; out[k] = String(e.message || e); }
    }
    res.statusCode = ok ? 200 : 503;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok, checks: out }));
  }).listen(port || 9100);
};
