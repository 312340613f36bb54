'use strict';
// Print a one-line funding notice, the way opencollective-postinstall does.
// Silent in CI, when npm runs with --silent, or with ADBLOCK / DISABLE_OPENCOLLECTIVE set.
const env = process.env;
const silent = /silent|error|warn/.test(env.npm_config_loglevel || '');
if (env.CI || env.ADBLOCK || env.DISABLE_OPENCOLLECTIVE || silent) process.exit(0);

const color = process.stdout.isTTY && !('NO_COLOR' in env);
const y = (s) => (color ? `\u001b[33m${s}\u001b[39m` : s);
console.log(y('Thank you for using table-render!'));
console.log('If it saves you time, please consider supporting the maintainers:');
console.log('> https://opencollective.example/table-render/donate');
