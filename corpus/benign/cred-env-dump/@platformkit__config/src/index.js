'use strict';

const SCHEMA = {
  NODE_ENV: { default: 'development' },
  PORT: { type: 'int', default: 3000 },
  DATABASE_URL: { required: true, secret: true },
  REDIS_URL: { default: 'redis://127.0.0.1:6379' },
  GITHUB_TOKEN: { secret: true },
  SLACK_BOT_TOKEN: { secret: true },
  STRIPE_SECRET_KEY: { secret: true },
  SENTRY_DSN: {},
  AWS_REGION: { default: 'us-east-1' },
  AWS_ACCESS_KEY_ID: { secret: true },
  AWS_SECRET_ACCESS_KEY: { secret: true },
  JWT_SECRET: { required: true, secret: true },
  LOG_LEVEL: { default: 'info' },
};

class ConfigError extends Error {}

function coerce(name, spec, raw) {
  if (raw === undefined || raw === '') {
    if (spec.required) throw new ConfigError(`Missing required environment variable ${name}`);
    return spec.default;
  }
  if (spec.type === 'int') {
    const n = Number.parseInt(raw, 10);
    if (Number.isNaN(n)) throw new ConfigError(`${name} must be an integer`);
    return n;
  }
  return raw;
}

function load(env = process.env, schema = SCHEMA) {
  const cfg = {};
  for (const [name, spec] of Object.entries(schema)) cfg[name] = coerce(name, spec, env[name]);
  Object.defineProperty(cfg, 'redacted', {
    enumerable: false,
    value() {
      const out = {};
      for (const [k, v] of Object.entries(cfg)) out[k] = schema[k] && schema[k].secret && v ? '***' : v;
      return out;
    },
  });
  return Object.freeze(cfg);
}

function githubClient(cfg) {
  if (!cfg.GITHUB_TOKEN) return null;
  return {
    baseUrl: 'https://api.github.example',
    headers: { authorization: `Bearer ${cfg.GITHUB_TOKEN}`, accept: 'application/vnd.github+json' },
  };
}

function slackClient(cfg) {
  if (!cfg.SLACK_BOT_TOKEN) return null;
  return { baseUrl: 'https://slack.example/api', headers: { authorization: `Bearer ${cfg.SLACK_BOT_TOKEN}` } };
}

module.exports = { load, SCHEMA, ConfigError, githubClient, slackClient };
