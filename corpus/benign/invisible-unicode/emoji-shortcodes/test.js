const e = require('.');
console.assert(e.emojify(':heart:') === '❤️');
console.assert(e.isZwjSequence(e.get('rainbow_flag')));
