'use strict';
const readline = require('readline');

// The same list ci-info / is-ci use: when any is set we are not talking to a human.
const CI_VARS = ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'GITHUB_ACTIONS', 'GITLAB_CI',
  'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'BUILDKITE', 'TF_BUILD', 'CODEBUILD_BUILD_ID', 'TEAMCITY_VERSION'];

const env = process.env;
const isCI = CI_VARS.some((v) => env[v] && env[v] !== 'false');
const interactive = !isCI && process.stdin.isTTY && process.stdout.isTTY && env.TERM !== 'dumb';
const color = !('NO_COLOR' in env) && (env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : interactive);

const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint(1), dim = paint(2), cyan = paint(36), green = paint(32);

function ask(question, { default: def = '', validate } = {}) {
  if (!interactive) {
    // never block a pipeline waiting for input
    if (def === '' && validate) return Promise.reject(new Error(`"${question}" needs an answer but no TTY is available; pass it as a flag`));
    return Promise.resolve(def);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => {
    const q = `${cyan('?')} ${bold(question)}${def ? dim(` (${def})`) : ''} `;
    const loop = () => rl.question(q, (ans) => {
      const v = ans.trim() || def;
      const err = validate && validate(v);
      if (err) { console.log(`  ${err}`); return loop(); }
      rl.close();
      resolve(v);
    });
    loop();
  });
}

async function confirm(question, def = false) {
  const a = await ask(`${question} [${def ? 'Y/n' : 'y/N'}]`, { default: def ? 'y' : 'n' });
  return /^y(es)?$/i.test(a);
}

function done(msg) { console.log(`${green('✔')} ${msg}`); }

module.exports = { ask, confirm, done, isCI, interactive, color };
