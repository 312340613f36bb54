'use strict';
const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
function spinner(text, stream = process.stderr) {
  let i = 0;
  const t = setInterval(() => stream.write(`\r${frames[i++ % frames.length]} ${text}`), 80);
  return { stop(msg = '') { clearInterval(t); stream.write(`\r${msg}\n`); } };
}
module.exports = { spinner };
