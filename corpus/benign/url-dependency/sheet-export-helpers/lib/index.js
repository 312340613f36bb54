'use strict';
// SheetJS stopped publishing to the npm registry and distributes tarballs from
// its own CDN, so the dependency above is a URL on purpose.
const XLSX = require('xlsx');

function toWorkbook(rows, sheetName = 'Sheet1') {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.json_to_sheet(rows), sheetName);
  return wb;
}

function writeXlsx(rows, file, sheetName) {
  XLSX.writeFile(toWorkbook(rows, sheetName), file);
}

function toCsv(rows) {
  return XLSX.utils.sheet_to_csv(XLSX.utils.json_to_sheet(rows));
}

module.exports = { toWorkbook, writeXlsx, toCsv };
