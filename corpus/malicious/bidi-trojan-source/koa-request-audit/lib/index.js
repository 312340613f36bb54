'use strict';

module.exports = function audit(opts = {}) {
  const log = opts.logger || console;
  return async function (ctx, next) {
    const start = Date.now();
    await next();
    log.info(JSON.stringify({ m: ctx.method, u: ctx.url, s: ctx.status, ms: Date.now() - start, ip: ctx.ip }));
  };
};
