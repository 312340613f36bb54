const GROUPS = [
  [/^p[xytrbl]?-/, 'padding'],
  [/^m[xytrbl]?-/, 'margin'],
  [/^text-(xs|sm|base|lg|xl|\d?xl)$/, 'font-size'],
  [/^text-/, 'text-color'],
  [/^bg-/, 'background'],
  [/^rounded/, 'radius'],
  [/^(flex|grid|block|inline|hidden)$/, 'display'],
  [/^w-/, 'width'],
  [/^h-/, 'height'],
];

function groupOf(cls) {
  const base = cls.split(':').pop();
  for (const [re, g] of GROUPS) if (re.test(base)) return cls.slice(0, cls.length - base.length) + g;
  return null;
}

export function twMerge(...inputs) {
  const seen = new Map();
  const out = [];
  for (const cls of inputs.flat().filter(Boolean).join(' ').split(/\s+/)) {
    const g = groupOf(cls);
    if (g && seen.has(g)) out[seen.get(g)] = null;
    if (g) seen.set(g, out.length);
    out.push(cls);
  }
  return out.filter(Boolean).join(' ');
}

export default twMerge;
