import { parse as parseYaml } from './yaml-lite.js';
import './locale-data.js';

export default function loader(source) {
  const lang = (this && this.resourceQuery && /lang=(\w+)/.exec(this.resourceQuery)?.[1]) || 'json';
  let messages;
  if (lang === 'yaml' || lang === 'yml') messages = parseYaml(source);
  else messages = JSON.parse(source);
  return `export default function (Component) {
  const c = Component.options || Component;
  c.__i18n = c.__i18n || [];
  c.__i18n.push(${JSON.stringify(JSON.stringify(messages))});
}`;
}
