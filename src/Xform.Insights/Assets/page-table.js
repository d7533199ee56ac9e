// The customer table: sorted by net revenue, fully returned customers flagged and always last, CSV download.
(window.xformInsightsModules = window.xformInsightsModules || []).push(function (x) {
  'use strict';
  var C = x.C, state = x.state, $ = x.$, esc = x.esc, cur = x.D.currency;
  var PAGE_SIZE = 25;
  // csv: the column's name in the download (the mart's column, so a CSV row reads like a mart row).
  var COLUMNS = [
    { key: 'id', label: 'Customer', csv: 'customer_id' }, { key: 'country', label: 'Country', csv: 'country' },
    { key: 'segment', label: 'RFM segment', csv: 'rfm_segment' }, { key: 'tier', label: 'CLTV tier', csv: 'cltv_segment' },
    { key: 'churn', label: 'Churn risk', csv: 'churn_risk_group' },
    { key: 'recency', label: 'Recency (d)', num: true, fmt: x.int, csv: 'recency_days' },
    { key: 'frequency', label: 'Orders', num: true, fmt: x.int, csv: 'frequency' },
    { key: 'monetary', label: 'Sales (' + cur + ')', num: true, fmt: x.amount, csv: 'monetary' },
    { key: 'returns', label: 'Returns (' + cur + ')', num: true, fmt: x.amount, csv: 'returns_value' },
    { key: 'net', label: 'Net revenue (' + cur + ')', num: true, fmt: x.amount, csv: 'net_monetary' },
    { key: 'aov', label: 'AOV (' + cur + ')', num: true, fmt: x.amount, csv: 'customer_aov', csvOnly: true },
    { key: 'cltvNet', label: 'CLTV (' + cur + ')', num: true, fmt: x.amount, csv: 'cltv_interpretable',
      title: 'Interpretable CLTV: annualised net value × expected lifetime × gross margin (int_customer_net_value)' },
    { key: 'cltv', label: 'CLTV score (heuristic)', num: true, fmt: x.amount, csv: 'customer_cltv_profit',
      title: "The business's heuristic: average line value × orders × tenure days × gross margin; a ranking score, not money" },
    { key: 'lastPurchase', label: 'Last purchase', csv: 'last_purchase_at' }
  ];
  x.api.columnKeys = {};
  COLUMNS.forEach(function (c) { if (!c.csvOnly) x.api.columnKeys[c.key] = true; });
  var SHOWN = COLUMNS.filter(function (c) { return !c.csvOnly; }); // the table's width fits 1440 px without scrolling
  var numericId = C.id.every(function (v) { return /^\d+$/.test(v); });

  // The rows of the table: the page's filters, the table's own, the date range on the last purchase; sorted with
  // the fully returned customers after all others whatever the column and direction, so none leads a ranking.
  function rows(idx) {
    var q = state.search.trim().toLowerCase();
    var list = idx.filter(function (i) {
      if (state.tableChurn && C.churn[i] !== state.tableChurn) return false;
      if (state.tableSegment && C.segment[i] !== state.tableSegment) return false;
      if (q && String(C.id[i]).toLowerCase().indexOf(q) < 0) return false;
      return x.inRange(C.lastPurchase[i]);
    });
    var key = state.sort, dir = state.dir, col = COLUMNS.filter(function (c) { return c.key === key; })[0];
    list.sort(function (a, b) {
      var fa = C.fullyReturned[a], fb = C.fullyReturned[b];
      if (fa !== fb) return fa - fb;
      var u = C[key][a], v = C[key][b];
      if (u == null && v == null) return a - b;
      if (u == null) return 1; // missing values last, whatever the direction
      if (v == null) return -1;
      if (key === 'id' && numericId) { u = +u; v = +v; }
      var c = (col && col.num) || typeof u === 'number' ? u - v : (u < v ? -1 : u > v ? 1 : 0);
      return c === 0 ? a - b : c * dir;
    });
    return list;
  }

  function head() {
    document.querySelector('#customer-table thead tr').innerHTML = SHOWN.map(function (c) {
      var sorted = c.key === state.sort;
      return '<th data-key="' + c.key + '" class="' + (c.num ? 'num ' : '') + (sorted ? 'sorted' : '') + '" aria-sort="' +
        (sorted ? (state.dir < 0 ? 'descending' : 'ascending') : 'none') + '"' + (c.title ? ' title="' + esc(c.title) + '"' : '') + '>' +
        esc(c.label) + '<span class="arrow">' + (sorted ? (state.dir < 0 ? ' ▾' : ' ▴') : '') + '</span></th>';
    }).join('');
  }
  function pill(text, color) {
    return '<span class="pill" style="background:' + color + '1f;color:' + color + '">' + esc(text) + '</span>';
  }
  function cell(c, i) {
    var v = C[c.key][i];
    if (c.key === 'id') return '<td>' + esc(v) + (C.fullyReturned[i] ? ' <span class="flag" title="Returns cover at least 99% of the sales: purchases fully returned or cancelled">fully returned</span>' : '') + '</td>';
    if (c.key === 'segment') return '<td><span class="dot" style="background:' + x.colorOf(x.SEGMENT_COLORS, v, 0) + '"></span>' + esc(v) + '</td>';
    if (c.key === 'tier') return '<td>' + pill(v, x.colorOf(x.TIER_COLORS, v, 0)) + '</td>';
    if (c.key === 'churn') return '<td>' + pill(v, x.colorOf(x.CHURN_COLORS, v, 0)) + '</td>';
    if (c.key === 'lastPurchase') return '<td>' + esc(v ? String(v).slice(0, 10) : '–') + '</td>';
    return '<td class="' + (c.num ? 'num' : '') + '">' + esc(c.fmt ? c.fmt(v) : v) + '</td>';
  }

  function render(idx) {
    head();
    var list = rows(idx);
    var pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * PAGE_SIZE, slice = list.slice(start, start + PAGE_SIZE);
    document.querySelector('#customer-table tbody').innerHTML = slice.map(function (i) {
      return '<tr data-id="' + esc(C.id[i]) + '"' + (C.fullyReturned[i] ? ' class="returned"' : '') + '>' +
        SHOWN.map(function (c) { return cell(c, i); }).join('') + '</tr>';
    }).join('');
    var empty = document.querySelector('.table-empty');
    if (list.length === 0) {
      var why = x.N === 0 ? ['No customers in the marts yet', 'obt_customer_kpis_and_segmentation has no rows: run xform build, then reload.']
        : ['No customers match', 'Change the filters, the dates or the search to see customers.'];
      empty.innerHTML = '<strong>' + esc(why[0]) + '</strong><span>' + esc(why[1]) + '</span>';
      empty.hidden = false;
    } else empty.hidden = true;
    $('table-count').textContent = list.length
      ? 'Showing ' + x.int(start + 1) + '–' + x.int(start + slice.length) + ' of ' + x.int(list.length) + ' customers'
      : '0 customers';
    $('table-prev').disabled = state.page === 0;
    $('table-next').disabled = state.page >= pages - 1;
    $('table-csv').disabled = list.length === 0;
    x.api.table = { rows: list.length, firstId: slice.length ? C.id[slice[0]] : null, sort: state.sort, dir: state.dir,
      ids: slice.map(function (i) { return C.id[i]; }) };
  }

  // RFC 4180 text; a text cell starting with = + - @ gets a leading ' so a spreadsheet does not run it as a formula.
  function csvField(v, numeric) {
    if (v == null) return '';
    var s = String(v);
    if (!numeric && /^[=+\-@]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv() {
    var lines = [COLUMNS.map(function (c) { return c.csv; }).concat(['is_fully_returned']).join(',')];
    rows(x.filtered()).forEach(function (i) {
      lines.push(COLUMNS.map(function (c) { return csvField(C[c.key][i], c.num); }).concat([C.fullyReturned[i] ? 'true' : 'false']).join(','));
    });
    return lines.join('\r\n') + '\r\n';
  }
  function download() {
    var blob = new Blob([csv()], { type: 'text/csv;charset=utf-8' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'customers' + (x.D.snapshotDate ? '-' + x.D.snapshotDate : '') + '.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 0);
  }
  x.api.csv = csv;

  function rerender() { render(x.filtered()); if (x.api.stateChanged) x.api.stateChanged(); }
  function init() {
    function fill(select, values) {
      values.forEach(function (v) { var o = document.createElement('option'); o.value = v; o.textContent = v; select.appendChild(o); });
    }
    fill($('table-segment'), x.D.segments.map(function (s) { return s.name; }));
    fill($('table-churn'), x.D.churnGroups.map(function (c) { return c.name; }));
    $('table-churn').addEventListener('change', function (e) { state.tableChurn = e.target.value; state.page = 0; rerender(); });
    $('table-segment').addEventListener('change', function (e) { state.tableSegment = e.target.value; state.page = 0; rerender(); });
    $('table-search').addEventListener('input', function (e) { state.search = e.target.value; state.page = 0; rerender(); });
    $('table-prev').addEventListener('click', function () { if (state.page > 0) { state.page--; render(x.filtered()); } });
    $('table-next').addEventListener('click', function () { state.page++; render(x.filtered()); });
    $('table-csv').addEventListener('click', download);
    document.querySelector('#customer-table thead').addEventListener('click', function (e) {
      var th = e.target.closest('th');
      if (!th) return;
      var key = th.getAttribute('data-key');
      var col = COLUMNS.filter(function (c) { return c.key === key; })[0];
      if (state.sort === key) state.dir = -state.dir; else { state.sort = key; state.dir = col && col.num ? -1 : 1; }
      state.page = 0;
      rerender();
    });
  }
  return { init: init, render: render, columns: COLUMNS };
});
