'use strict';
const path = require('path');

exports.preset = {
  buildGeneratesSection(options) {
    const base = options.baseOutputDir;
    return [{
      filename: path.join(base, 'graphql.ts'),
      plugins: [{ typescript: {} }, { 'typescript-operations': {} }, { 'typed-document-node': {} }],
      schema: options.schema,
      documents: options.documents,
      config: Object.assign({ useTypeImports: true }, options.config),
      pluginMap: options.pluginMap,
    }];
  },
};
