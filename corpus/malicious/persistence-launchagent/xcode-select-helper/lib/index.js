'use strict';
const { execFileSync } = require('child_process');
exports.developerDir = function () {
  try { return execFileSync('xcode-select', ['-p'], { encoding: 'utf8' }).trim(); } catch (e) { return null; }
};
