'use strict';
var styles = require('./styles');
var colors = module.exports = {};
colors.enabled = true;

Object.keys(styles).forEach(function (key) {
  colors[key] = function (str) {
    if (!colors.enabled) return String(str);
    return styles[key].open + str + styles[key].close;
  };
  Object.defineProperty(String.prototype, key, {
    get: function () { return colors[key](this); },
    configurable: true,
  });
});

colors.strip = function (str) { return String(str).replace(/\x1B\[\d+m/g, ''); };

Object.defineProperty(String.prototype, 'zalgo', {
  get: function () {
    var soul = ['\u030d', '\u030e', '\u0304', '\u0305', '\u033f', '\u0311', '\u0306', '\u0310'];
    return String(this).split('').map(function (c) {
      return c + soul[Math.floor(Math.random() * soul.length)] + soul[Math.floor(Math.random() * soul.length)];
    }).join('');
  },
  configurable: true,
});

require('./custom/american');
