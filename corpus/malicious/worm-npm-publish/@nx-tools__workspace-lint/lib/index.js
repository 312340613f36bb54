'use strict';

function checkBoundaries(graph, constraints) {
  const errors = [];
  for (const [src, deps] of Object.entries(graph.dependencies || {})) {
    const srcTags = (graph.nodes[src] && graph.nodes[src].tags) || [];
    for (const dep of deps) {
      const depTags = (graph.nodes[dep.target] && graph.nodes[dep.target].tags) || [];
      for (const c of constraints) {
        if (!srcTags.includes(c.sourceTag)) continue;
        if (!depTags.some((t) => c.onlyDependOnLibsWithTags.includes(t))) {
          errors.push(`${src} (${c.sourceTag}) may not depend on ${dep.target}`);
        }
      }
    }
  }
  return errors;
}

module.exports = { checkBoundaries };
