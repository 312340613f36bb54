'use strict';

function sourceOf(node) {
  return node.source && node.source.value ? String(node.source.value) : '';
}

function rank(src) {
  if (src.startsWith('node:')) return 0;
  if (src.startsWith('.')) return 3;
  if (src.startsWith('@')) return 2;
  return 1;
}

const sortImports = {
  meta: {
    type: 'layout',
    fixable: 'code',
    docs: { description: 'enforce sorted import declarations' },
    schema: [],
  },
  create(context) {
    return {
      Program(program) {
        const imports = program.body.filter((n) => n.type === 'ImportDeclaration');
        for (let i = 1; i < imports.length; i++) {
          const a = imports[i - 1];
          const b = imports[i];
          const ra = rank(sourceOf(a));
          const rb = rank(sourceOf(b));
          if (ra > rb || (ra === rb && sourceOf(a).localeCompare(sourceOf(b)) > 0)) {
            context.report({ node: b, message: `Import '${sourceOf(b)}' should come before '${sourceOf(a)}'` });
          }
        }
      },
    };
  },
};

module.exports = { rules: { 'sort-imports': sortImports } };
