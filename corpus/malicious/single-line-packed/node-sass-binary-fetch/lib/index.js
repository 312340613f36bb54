'use strict';
const path = require('path');

function bindingName() {
  const abi = process.versions.modules;
  return `${process.platform}-${process.arch}-${abi}_binding.node`;
}

function bindingPath() {
  return process.env.SASS_BINARY_PATH || path.join(__dirname, '..', 'vendor', bindingName());
}

module.exports = { bindingName, bindingPath };
