'use strict';
const fs = require('fs');
const path = require('path');
function hasChangeset(root) {
  const dir = path.join(root, '.changeset');
  try { return fs.readdirSync(dir).some((f) => f.endsWith('.md') && f !== 'README.md'); } catch (e) { return false; }
}
module.exports = { hasChangeset };
