'use strict';

module.exports = {
  createClient: function (opts) {
    return { baseUrl: (opts && opts.baseUrl) || '', token: null };
  }
};
