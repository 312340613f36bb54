'use strict';
var codes = {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], inverse: [7, 27],
  black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39],
  cyan: [36, 39], white: [37, 39], gray: [90, 39], bgRed: [41, 49], bgGreen: [42, 49], bgYellow: [43, 49],
};
Object.keys(codes).forEach(function (k) {
  codes[k] = { open: '\u001b[' + codes[k][0] + 'm', close: '\u001b[' + codes[k][1] + 'm' };
});
module.exports = codes;
