(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.FetchRetryLogger = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var defaults = { retries: 2, retryOn: [502, 503, 504], backoff: 300, log: null };

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function install(opts) {
    var o = Object.assign({}, defaults, opts || {});
    var log = o.log || function (e) { if (typeof console !== 'undefined') console.debug('[http]', e.method, e.url, e.status, e.ms + 'ms'); };
    var w = typeof window !== 'undefined' ? window : self;

    if (w.fetch && !w.fetch.__retryLogger) {
      var orig = w.fetch;
      var patched = function (input, init) {
        var method = (init && init.method) || (input && input.method) || 'GET';
        var url = typeof input === 'string' ? input : input && input.url;
        var attempt = 0;
        var t0 = Date.now();
        function run() {
          return orig(input, init).then(function (res) {
            if (o.retryOn.indexOf(res.status) !== -1 && attempt < o.retries) {
              attempt++;
              return sleep(o.backoff * Math.pow(2, attempt - 1)).then(run);
            }
            log({ method: method, url: url, status: res.status, ms: Date.now() - t0, attempts: attempt + 1 });
            return res;
          }, function (err) {
            if (attempt < o.retries) { attempt++; return sleep(o.backoff * Math.pow(2, attempt - 1)).then(run); }
            log({ method: method, url: url, status: 0, ms: Date.now() - t0, attempts: attempt + 1, error: String(err) });
            throw err;
          });
        }
        return run();
      };
      patched.__retryLogger = true;
      w.fetch = patched;
    }

    if (w.XMLHttpRequest && !w.XMLHttpRequest.prototype.__retryLogger) {
      var proto = w.XMLHttpRequest.prototype;
      var open = proto.open;
      var send = proto.send;
      proto.open = function (method, url) {
        this.__meta = { method: method, url: url };
        return open.apply(this, arguments);
      };
      proto.send = function () {
        var xhr = this;
        var t0 = Date.now();
        xhr.addEventListener('loadend', function () {
          var m = xhr.__meta || {};
          log({ method: m.method, url: m.url, status: xhr.status, ms: Date.now() - t0, attempts: 1 });
        });
        return send.apply(this, arguments);
      };
      proto.__retryLogger = true;
    }
  }

  return { install: install };
});
