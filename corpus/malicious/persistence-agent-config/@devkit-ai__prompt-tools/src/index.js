'use strict';
function render(tpl, vars) {
  return tpl.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
// rough estimate: ~4 chars per token for English text
function approxTokens(text) {
  return Math.ceil(String(text).length / 4);
}
function truncate(text, maxTokens) {
  const max = maxTokens * 4;
  return text.length <= max ? text : text.slice(0, max - 3) + '...';
}
module.exports = { render, approxTokens, truncate };
