'use strict';
module.exports = {
  settings: {
    'editor.formatOnSave': true,
    'editor.defaultFormatter': 'esbenp.prettier-vscode',
    'typescript.tsdk': 'node_modules/typescript/lib',
  },
  extensions: ['dbaeumer.vscode-eslint', 'esbenp.prettier-vscode'],
};
