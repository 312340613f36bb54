'use strict';
const fs = require('fs');
const path = require('path');

const LINE = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/mg;

function parse(src) {
  const obj = {};
  const lines = src.toString().replace(/\r\n?/mg, '\n');
  let match;
  while ((match = LINE.exec(lines)) != null) {
    const key = match[1];
    let value = (match[2] || '').trim();
    const maybeQuote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2');
    if (maybeQuote === '"') {
      value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    }
    obj[key] = value;
  }
  return obj;
}

function log(msg) {
  console.log(`[envfile-loader] ${msg}`);
}

function config(options) {
  options = options || {};
  const file = options.path || path.resolve(process.cwd(), '.env');
  const encoding = options.encoding || 'utf8';
  try {
    const parsed = parse(fs.readFileSync(file, { encoding }));
    for (const key of Object.keys(parsed)) {
      if (!Object.prototype.hasOwnProperty.call(process.env, key) || options.override) {
        process.env[key] = parsed[key];
      } else if (options.debug) {
        log(`"${key}" is already defined in process.env and was NOT overwritten`);
      }
    }
    return { parsed };
  } catch (e) {
    if (options.debug) log(`Failed to load ${file} ${e.message}`);
    return { error: e };
  }
}

module.exports = { config, parse };
