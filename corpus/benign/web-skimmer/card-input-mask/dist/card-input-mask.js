;(function (root) {
  'use strict';

  function digits(v) { return String(v || '').replace(/\D/g, ''); }

  function brand(n) {
    if (/^3[47]/.test(n)) return 'amex';
    if (/^4/.test(n)) return 'visa';
    if (/^(5[1-5]|2[2-7])/.test(n)) return 'mastercard';
    return 'unknown';
  }

  function formatNumber(v) {
    var n = digits(v).slice(0, 19);
    if (brand(n) === 'amex') return n.replace(/^(\d{0,4})(\d{0,6})(\d{0,5}).*/, function (m, a, b, c) { return [a, b, c].filter(Boolean).join(' '); });
    return n.replace(/(\d{4})(?=\d)/g, '$1 ');
  }

  function formatExpiry(v) {
    var d = digits(v).slice(0, 4);
    return d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2) : d;
  }

  function formatCvc(v, b) { return digits(v).slice(0, b === 'amex' ? 4 : 3); }

  function bind(form, sel) {
    sel = sel || {};
    var num = form.querySelector(sel.number || '[autocomplete="cc-number"]');
    var exp = form.querySelector(sel.expiry || '[autocomplete="cc-exp"]');
    var cvc = form.querySelector(sel.cvc || '[autocomplete="cc-csc"]');
    function on(el, fmt) {
      if (!el) return;
      el.addEventListener('input', function () {
        var pos = el.selectionStart, before = el.value.length;
        el.value = fmt(el.value);
        var delta = el.value.length - before;
        try { el.setSelectionRange(pos + delta, pos + delta); } catch (e) {}
        if (el === num) form.setAttribute('data-card-brand', brand(digits(el.value)));
      });
    }
    on(num, formatNumber);
    on(exp, formatExpiry);
    on(cvc, function (v) { return formatCvc(v, brand(digits(num && num.value))); });
    form.addEventListener('submit', function (e) {
      if (num && digits(num.value).length < 12) { e.preventDefault(); num.setCustomValidity('Card number is too short'); num.reportValidity(); }
    });
  }

  var api = { bind: bind, formatNumber: formatNumber, formatExpiry: formatExpiry, formatCvc: formatCvc, brand: brand };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.CardInputMask = api;
})(typeof self !== 'undefined' ? self : this);
