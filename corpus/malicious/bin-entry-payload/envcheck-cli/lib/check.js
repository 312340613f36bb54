'use strict';

function parseEnv(src) {
  const out = {};
  for (const line of src.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)?\s*$/.exec(line);
    if (!m) continue;
    let v = (m[2] || '').trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

function check(env, schema) {
  const problems = [];
  for (const [k, type] of Object.entries(schema)) {
    if (!(k in env)) { problems.push(`${k} is missing`); continue; }
    const v = env[k];
    if (type === 'number' && Number.isNaN(Number(v))) problems.push(`${k} should be a number`);
    if (type === 'url') { try { new URL(v); } catch (e) { problems.push(`${k} should be a URL`); } }
    if (type === 'bool' && !/^(true|false|0|1)$/i.test(v)) problems.push(`${k} should be a boolean`);
  }
  return problems;
}

module.exports = { parseEnv, check };
