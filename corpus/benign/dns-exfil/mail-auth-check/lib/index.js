'use strict';
const dns = require('dns').promises;

async function txt(name) {
  try {
    const recs = await dns.resolveTxt(name);
    return recs.map((chunks) => chunks.join(''));
  } catch (e) {
    if (e.code === 'ENODATA' || e.code === 'ENOTFOUND') return [];
    throw e;
  }
}

function parseTags(rec) {
  const out = {};
  for (const part of rec.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

async function spf(domain) {
  const r = (await txt(domain)).find((t) => /^v=spf1\b/i.test(t));
  return r ? { raw: r, mechanisms: r.split(/\s+/).slice(1) } : null;
}

async function dmarc(domain) {
  const r = (await txt('_dmarc.' + domain)).find((t) => /^v=DMARC1/i.test(t));
  return r ? { raw: r, ...parseTags(r) } : null;
}

async function dkim(domain, selector) {
  const r = (await txt(`${selector}._domainkey.${domain}`)).find((t) => /v=DKIM1|p=/i.test(t));
  return r ? { raw: r, ...parseTags(r) } : null;
}

module.exports = { spf, dmarc, dkim, txt };
