export function parse(src) {
  const root = {};
  const stack = [{ indent: -1, obj: root }];
  for (const raw of src.split(/\r?\n/)) {
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const m = /^\s*([^:]+):\s*(.*)$/.exec(raw);
    if (!m) continue;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].obj;
    const key = m[1].trim();
    const val = m[2].trim();
    if (val === '') { parent[key] = {}; stack.push({ indent, obj: parent[key] }); }
    else parent[key] = val.replace(/^['"]|['"]$/g, '');
  }
  return root;
}
