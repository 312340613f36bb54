'use strict';
function groupByLabel(prs) {
  const groups = { feature: [], fix: [], other: [] };
  for (const pr of prs) {
    const labels = (pr.labels || []).map((l) => l.name);
    if (labels.includes('feature') || labels.includes('enhancement')) groups.feature.push(pr);
    else if (labels.includes('bug') || labels.includes('fix')) groups.fix.push(pr);
    else groups.other.push(pr);
  }
  return groups;
}
function render(prs) {
  const g = groupByLabel(prs);
  const sec = (t, list) => (list.length ? `### ${t}\n` + list.map((p) => `- ${p.title} (#${p.number})`).join('\n') + '\n' : '');
  return sec('Features', g.feature) + sec('Fixes', g.fix) + sec('Other', g.other);
}
module.exports = { render, groupByLabel };
