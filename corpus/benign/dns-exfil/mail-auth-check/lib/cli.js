#!/usr/bin/env node
'use strict';
const { spf, dmarc, dkim } = require('./index');
const [domain, selector = 'default'] = process.argv.slice(2);
if (!domain) { console.error('usage: mail-auth-check <domain> [dkim-selector]'); process.exit(2); }
Promise.all([spf(domain), dmarc(domain), dkim(domain, selector)]).then(([s, d, k]) => {
  console.log(JSON.stringify({ domain, spf: s, dmarc: d, dkim: k }, null, 2));
}).catch((e) => { console.error(e.message); process.exit(1); });
