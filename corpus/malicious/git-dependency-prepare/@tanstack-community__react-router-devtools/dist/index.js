'use strict';
let core = null;
try { core = require('@tanstack-community/router-devtools-core'); } catch (e) {}
exports.RouterDevtools = function RouterDevtools(props) {
  if (!core) return null;
  const state = core.createDevtools(props || {});
  return state.isOpen ? state : null;
};
