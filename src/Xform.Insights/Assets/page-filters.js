// The date-range filter and the filter state in the URL (#country=…&from=…): a reload keeps it, a shared link restores it.
(window.xformInsightsModules = window.xformInsightsModules || []).push(function (x) {
  'use strict';
  var state = x.state, $ = x.$;
  // URL name -> state key; a missing parameter is the state's default.
  var KEYS = { country: 'country', segment: 'segment', from: 'from', to: 'to', sort: 'sort', dir: 'dir',
    churn: 'tableChurn', tableSegment: 'tableSegment', search: 'search' };
  var DEFAULTS = {};
  Object.keys(KEYS).forEach(function (k) { DEFAULTS[KEYS[k]] = state[KEYS[k]]; });
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  function hash() {
    var p = new URLSearchParams();
    Object.keys(KEYS).forEach(function (k) {
      var v = state[KEYS[k]];
      if (v !== DEFAULTS[KEYS[k]]) p.set(k, String(v));
    });
    var text = p.toString();
    return text ? '#' + text : '';
  }
  function write() {
    var h = hash();
    if ((location.hash || '') === h) return;
    var url = location.href.split('#')[0] + h;
    try { history.replaceState(null, '', url); } catch (e) { location.replace(h || '#'); }
  }
  x.api.stateChanged = write;

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  // Reads the URL into the state and the controls; values the page cannot show (an unknown country, a bad date) are dropped.
  function read() {
    var p = new URLSearchParams((location.hash || '').replace(/^#/, ''));
    Object.keys(KEYS).forEach(function (k) { state[KEYS[k]] = DEFAULTS[KEYS[k]]; });
    p.forEach(function (v, k) {
      var key = KEYS[k];
      if (!key) return;
      if (key === 'dir') state.dir = v === '1' ? 1 : -1;
      else if ((key === 'from' || key === 'to') && !DATE.test(v)) return;
      else state[key] = v;
    });
    [['filter-country', 'country'], ['filter-segment', 'segment'], ['table-churn', 'tableChurn'], ['table-segment', 'tableSegment']]
      .forEach(function (pair) {
        var select = $(pair[0]);
        if (!hasOption(select, state[pair[1]])) state[pair[1]] = '';
        select.value = state[pair[1]];
      });
    if (!(x.api.columnKeys || {})[state.sort]) { state.sort = DEFAULTS.sort; state.dir = DEFAULTS.dir; }
    $('filter-from').value = state.from;
    $('filter-to').value = state.to;
    $('table-search').value = state.search;
    state.page = 0;
  }

  function init() {
    // The date inputs span the data: the engagement days and the customers' last purchases.
    var dates = x.D.engagement.date.concat(x.C.lastPurchase.filter(function (d) { return d; }).map(function (d) { return d.slice(0, 10); })).sort();
    if (dates.length) {
      ['filter-from', 'filter-to'].forEach(function (id) { $(id).min = dates[0]; $(id).max = dates[dates.length - 1]; });
    }
    $('filter-from').addEventListener('change', function (e) { state.from = DATE.test(e.target.value) ? e.target.value : ''; state.page = 0; x.render(); });
    $('filter-to').addEventListener('change', function (e) { state.to = DATE.test(e.target.value) ? e.target.value : ''; state.page = 0; x.render(); });
    window.addEventListener('hashchange', function () { if ((location.hash || '') !== hash()) { read(); x.render(); } });
    read();
  }
  return { init: init, render: write };
});
