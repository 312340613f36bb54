'use strict';
module.exports = function setEnv(value) {
  process.env.NODE_ENV = value || process.env.NODE_ENV || 'development';
  return process.env.NODE_ENV;
};
