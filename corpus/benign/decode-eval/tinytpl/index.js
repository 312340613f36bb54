'use strict';

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ESC[c]);
}

const cache = new Map();

function compile(template, opts = {}) {
  const key = opts.cache !== false ? template : null;
  if (key && cache.has(key)) return cache.get(key);
  const varName = opts.localsName || 'locals';
  const re = /<%([=-]?)([\s\S]+?)%>/g;
  let src = "let __out = '';\nwith (" + varName + ' || {}) {\n';
  let last = 0;
  let m;
  while ((m = re.exec(template))) {
    src += '__out += ' + JSON.stringify(template.slice(last, m.index)) + ';\n';
    const code = m[2].trim();
    if (m[1] === '=') src += '__out += __esc(' + code + ');\n';
    else if (m[1] === '-') src += '__out += (' + code + ');\n';
    else src += code + '\n';
    last = re.lastIndex;
  }
  src += '__out += ' + JSON.stringify(template.slice(last)) + ';\n}\nreturn __out;';
  let fn;
  try {
    // eslint-disable-next-line no-new-func
    fn = new Function(varName, '__esc', src);
  } catch (e) {
    e.message += ' while compiling template' + (opts.filename ? ' ' + opts.filename : '');
    throw e;
  }
  const render = (locals) => fn(locals, escapeHtml);
  if (key) cache.set(key, render);
  return render;
}

function render(template, locals, opts) {
  return compile(template, opts)(locals);
}

module.exports = { compile, render, escapeHtml };
