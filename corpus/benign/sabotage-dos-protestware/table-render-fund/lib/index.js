'use strict';
const B = { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│', t: '┬', b: '┴', l: '├', r: '┤', x: '┼' };
const width = (s) => String(s).replace(/\u001b\[[0-9;]*m/g, '').length;

function table(rows, { head } = {}) {
  const all = head ? [head, ...rows] : rows;
  const cols = Math.max(...all.map((r) => r.length));
  const w = Array.from({ length: cols }, (_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (l, m, r) => l + w.map((n) => B.h.repeat(n + 2)).join(m) + r;
  const row = (r) => B.v + w.map((n, i) => ' ' + String(r[i] ?? '') + ' '.repeat(n - width(r[i] ?? '') + 1)).join(B.v) + B.v;
  const out = [line(B.tl, B.t, B.tr)];
  if (head) out.push(row(head), line(B.l, B.x, B.r));
  for (const r of rows) out.push(row(r));
  out.push(line(B.bl, B.b, B.br));
  return out.join('\n');
}

module.exports = { table };
