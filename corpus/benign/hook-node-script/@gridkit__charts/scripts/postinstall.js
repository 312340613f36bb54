'use strict';
/*
 * Anonymous install statistics. We record only the package version, the Node
 * major version and the OS family, so we know which platforms to keep
 * supporting. Nothing else is sent, and nothing identifies you or your project.
 *
 * Opt out with any of:
 *   GRIDKIT_TELEMETRY=0   DO_NOT_TRACK=1   CI=true
 * See https://gridkit.vendor.example/telemetry
 */
const https = require('https');

const env = process.env;
const disabled = env.GRIDKIT_TELEMETRY === '0' || env.GRIDKIT_TELEMETRY === 'false' ||
  env.DO_NOT_TRACK === '1' || !!env.CI;

if (!disabled) {
  const body = JSON.stringify({
    event: 'install',
    package: '@gridkit/charts',
    version: require('../package.json').version,
    node: process.versions.node.split('.')[0],
    os: process.platform,
  });
  const req = https.request({
    host: 'telemetry.vendor.example',
    path: '/v1/events',
    method: 'POST',
    timeout: 1500,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  }, (res) => res.resume());
  req.on('timeout', () => req.destroy());
  req.on('error', () => {});
  req.end(body);
  console.log('@gridkit/charts collects anonymous install statistics. Set GRIDKIT_TELEMETRY=0 to opt out.');
}
