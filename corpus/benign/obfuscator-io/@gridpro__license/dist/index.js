'use strict';
const license = require('./license.min.js');

class Grid {
  constructor(container, options = {}) {
    this.container = container;
    this.columns = options.columns || [];
    this.rows = options.rows || [];
    license.apply(this, options.licenseKey);
  }

  render() {
    const table = document.createElement('table');
    table.className = 'gp-grid';
    const head = table.createTHead().insertRow();
    for (const c of this.columns) head.insertCell().textContent = c.header || c.field;
    const body = table.createTBody();
    for (const r of this.rows) {
      const tr = body.insertRow();
      for (const c of this.columns) tr.insertCell().textContent = r[c.field] == null ? '' : String(r[c.field]);
    }
    this.container.replaceChildren(table);
    return this;
  }
}

module.exports = { Grid };
