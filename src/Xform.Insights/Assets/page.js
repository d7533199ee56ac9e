// The insights page: reads the inlined mart data, filters and aggregates it in the browser, draws with Plotly.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('insights-data').textContent);
  var C = D.customers;
  var N = C.id.length;
  var O = D.overall;
  var E = D.engagement;
  var M = D.months;
  var $ = function (id) { return document.getElementById(id); };

  // from/to: the date range (yyyy-mm-dd) of the time charts and of the table's last purchases.
  var state = { country: '', segment: '', from: '', to: '', tableChurn: '', tableSegment: '', search: '', sort: 'net', dir: -1, page: 0 };
  var api = window.xformInsights = { ready: false, renders: 0, kpis: {}, charts: {}, state: state };

  // ---- formatting -------------------------------------------------------------------------------
  var nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var nf2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var nf1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  function int(v) { return v == null || !isFinite(v) ? '–' : nf0.format(v); }
  // Amounts carry the project's currency (var currency, GBP by default) in the tiles and hovers; the
  // table's columns name it in their headers instead, to keep the figures aligned.
  var cf2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: D.currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var cf0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: D.currency, minimumFractionDigits: 0, maximumFractionDigits: 0 });
  function money(v) { return v == null || !isFinite(v) ? '–' : cf2.format(v); }
  function money0(v) { return v == null || !isFinite(v) ? '–' : cf0.format(v); }
  function amount(v) { return v == null || !isFinite(v) ? '–' : nf2.format(v); }
  function pct(v) { return v == null || !isFinite(v) ? '–' : nf1.format(v * 100) + '%'; }
  function compact(v) {
    if (v == null || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 1e9) return nf1.format(v / 1e9) + 'B';
    if (a >= 1e6) return nf1.format(v / 1e6) + 'M';
    if (a >= 1e4) return nf1.format(v / 1e3) + 'K';
    return nf0.format(v);
  }
  // A log axis's tick (10, 100, 1K, 10K, 2.5M): round values need no ".0", and "1,000" beside "10.0K" crowded a narrow chart.
  function tickLabel(v) {
    var a = Math.abs(v);
    if (a >= 1e3 && a < 1e4) return nf1.format(v / 1e3).replace(/\.0$/, '') + 'K';
    return compact(v).replace(/\.0(?=[KMB]$)/, '');
  }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // ---- colours ----------------------------------------------------------------------------------
  var SEGMENT_COLORS = {
    'Champions': '#1b7f5a', 'Loyal Customers': '#2f9e73', 'Potential Loyalists': '#5bbf8f', 'New Customers': '#2f6fde',
    'Promising': '#6c9be8', 'Need Attention': '#e0a526', 'About to Sleep': '#e8c25c', 'At Risk': '#e2762f',
    "Can't Lose Them": '#cc4339', 'Hibernating': '#8a94a6'
  };
  var TIER_COLORS = { 'High': '#1b7f5a', 'Medium': '#2f6fde', 'Low': '#a9b4c6' };
  var CHURN_COLORS = { 'Low': '#1f9d6b', 'Medium': '#e0a526', 'High': '#e2762f', 'Churned': '#cc4339' };
  var FALLBACK = ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#868e96'];
  function colorOf(map, name, i) { return map[name] || FALLBACK[i % FALLBACK.length]; }

  var FONT = { family: 'Inter, "Segoe UI", system-ui, -apple-system, Arial, sans-serif', size: 12, color: '#1d2433' };
  // No mode bar: hover shows the values, the time series zooms by dragging (double-click resets) and by its
  // range slider and buttons, and the bar charts have nothing to zoom.
  var CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, doubleClick: 'reset' };
  function baseLayout(extra) {
    var l = {
      font: FONT, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
      margin: { l: 10, r: 10, t: 10, b: 10 }, hoverlabel: { font: { family: FONT.family, size: 12 } },
      showlegend: false
    };
    for (var k in extra) l[k] = extra[k];
    return l;
  }

  // ---- filtering and aggregation ------------------------------------------------------------------
  function filtered() {
    var idx = [];
    for (var i = 0; i < N; i++) {
      if (state.country && C.country[i] !== state.country) continue;
      if (state.segment && C.segment[i] !== state.segment) continue;
      idx.push(i);
    }
    return idx;
  }
  function isFiltered() { return !!(state.country || state.segment); }
  // A yyyy-mm-dd[...] date inside the date filter (either end may be open).
  function inRange(date) {
    if (!state.from && !state.to) return true;
    if (!date) return false;
    var d = String(date).slice(0, 10);
    return (!state.from || d >= state.from) && (!state.to || d <= state.to);
  }

  function aggregate(idx) {
    var a = { customers: idx.length, revenue: 0, orders: 0, cltvSum: 0, cltvN: 0, churned: 0, netCltvSum: 0, netCltvN: 0 };
    for (var j = 0; j < idx.length; j++) {
      var i = idx[j];
      a.revenue += C.monetary[i];
      a.orders += C.frequency[i];
      if (C.cltv[i] != null) { a.cltvSum += C.cltv[i]; a.cltvN++; }
      if (C.cltvNet[i] != null) { a.netCltvSum += C.cltvNet[i]; a.netCltvN++; }
      a.churned += C.churned[i];
    }
    a.aov = a.orders > 0 ? a.revenue / a.orders : null;
    a.avgCltv = a.cltvN > 0 ? a.cltvSum / a.cltvN : null;
    a.avgNetCltv = a.netCltvN > 0 ? a.netCltvSum / a.netCltvN : null;
    a.churnRate = a.customers > 0 ? a.churned / a.customers : null;
    return a;
  }

  function groupBy(idx, key, names) {
    var g = {};
    (names || []).forEach(function (n) { g[n] = { name: n, customers: 0, revenue: 0, cltvSum: 0, cltvN: 0 }; });
    for (var j = 0; j < idx.length; j++) {
      var i = idx[j], k = C[key][i];
      var b = g[k] || (g[k] = { name: k, customers: 0, revenue: 0, cltvSum: 0, cltvN: 0 });
      b.customers++;
      b.revenue += C.monetary[i];
      if (C.cltv[i] != null) { b.cltvSum += C.cltv[i]; b.cltvN++; }
    }
    return g;
  }

  // ---- KPI tiles ----------------------------------------------------------------------------------
  function tile(id, value, text, sub) {
    var el = $(id);
    el.dataset.value = value == null || !isFinite(value) ? '' : String(value);
    el.querySelector('.kpi-value').textContent = text;
    el.querySelector('.kpi-sub').textContent = sub || '';
    api.kpis[id.replace('kpi-', '')] = value == null || !isFinite(value) ? null : value;
  }

  // The heuristic score's tile names the interpretable CLTV (money: 3 years of margin on the net value) beneath it.
  function netCltvSub(a) {
    api.kpis.cltvInterpretable = a.avgNetCltv;
    return a.avgNetCltv == null ? 'heuristic score' : 'heuristic score · interpretable CLTV avg ' + money0(a.avgNetCltv);
  }
  function renderKpis(idx) {
    var all = aggregate(allIdx);
    var stick = O ? O.avgStickiness : null;
    var stickSub = O && O.avgDau != null ? 'avg DAU ' + nf1.format(O.avgDau) + ' · MAU ' + nf1.format(O.avgMau) : '';
    if (!isFiltered() && O) {
      // Unfiltered, the tiles are the overall mart's own numbers.
      tile('kpi-customers', O.customers, int(O.customers), int(O.orders) + ' orders');
      tile('kpi-revenue', O.grossSales, money0(O.grossSales), 'net after returns ' + money0(O.netRevenue));
      tile('kpi-aov', O.overallAov, money(O.overallAov), 'gross sales / orders');
      tile('kpi-cltv', O.avgCltvProfit, money0(O.avgCltvProfit), netCltvSub(all));
      tile('kpi-churn', O.churnRate, pct(O.churnRate), int(O.churnedCustomers) + ' churned customers');
      tile('kpi-stickiness', stick, pct(stick), stickSub);
      return;
    }
    var a = aggregate(idx);
    var share = all.customers > 0 ? a.customers / all.customers : null;
    var revShare = all.revenue !== 0 ? a.revenue / all.revenue : null;
    tile('kpi-customers', a.customers, int(a.customers), isFiltered() ? pct(share) + ' of ' + int(all.customers) : int(a.orders) + ' orders');
    tile('kpi-revenue', a.customers ? a.revenue : null, a.customers ? money0(a.revenue) : '–', isFiltered() ? pct(revShare) + ' of all revenue' : '');
    tile('kpi-aov', a.aov, money(a.aov), int(a.orders) + ' orders');
    tile('kpi-cltv', a.avgCltv, money0(a.avgCltv), a.cltvN ? netCltvSub(a) : '');
    tile('kpi-churn', a.churnRate, pct(a.churnRate), a.customers ? int(a.churned) + ' churned customers' : '');
    tile('kpi-stickiness', stick, pct(stick), 'store-wide · not split by customer');
  }

  // ---- charts -------------------------------------------------------------------------------------
  function showEmpty(chartId, title, detail, clearButton) {
    var div = $(chartId), box = div.parentNode.querySelector('.empty');
    if (window.Plotly && div.data) window.Plotly.purge(div);
    div._xfClick = false;
    div.style.visibility = 'hidden';
    box.innerHTML = '<strong>' + esc(title) + '</strong><span>' + esc(detail) + '</span>' +
      (clearButton ? '<button type="button" data-clear>Clear filters</button>' : '');
    box.hidden = false;
    api.charts[chartId] = { empty: true, message: title };
  }
  function draw(chartId, traces, layout) {
    var div = $(chartId), box = div.parentNode.querySelector('.empty');
    box.hidden = true;
    div.style.visibility = 'visible';
    if (!window.Plotly) return;
    window.Plotly.react(div, traces, baseLayout(layout), CONFIG);
    api.charts[chartId] = { empty: false, traces: traces.length };
    if (chartId === 'chart-segments' && !div._xfClick) {
      div._xfClick = true;
      // Clicking a segment bar filters the page to that segment (again: back to all).
      div.on('plotly_click', function (ev) {
        var p = ev && ev.points && ev.points[0];
        if (!p || !p.y) return;
        state.segment = state.segment === p.y ? '' : p.y;
        $('filter-segment').value = state.segment;
        state.page = 0;
        render();
      });
    }
  }
  function emptyReason() {
    if (N === 0) return ['No customers in the marts yet', 'obt_customer_kpis_and_segmentation has no rows: run xform build, then reload.', false];
    return ['No customers match these filters', describeFilters() + ' matches no customer.', true];
  }

  function renderSegments(idx) {
    if (idx.length === 0) return showEmpty.apply(null, ['chart-segments'].concat(emptyReason()));
    var names = D.segments.map(function (s) { return s.name; });
    var g = groupBy(idx, 'segment', names);
    var seg = names.filter(function (n) { return !state.segment || n === state.segment; });
    var colors = seg.map(function (n, i) { return colorOf(SEGMENT_COLORS, n, i); });
    var cust = seg.map(function (n) { return g[n].customers; });
    var rev = seg.map(function (n) { return g[n].revenue; });
    var total = idx.length;
    var info = {};
    D.segments.forEach(function (s) { info[s.name] = s; });
    var range = seg.map(function (n) {
      var s = info[n];
      return s && s.minR != null ? 'R ' + s.minR + '–' + s.maxR + ', F ' + s.minF + '–' + s.maxF : '';
    });
    draw('chart-segments', [
      { type: 'bar', orientation: 'h', y: seg, x: cust, marker: { color: colors }, name: 'Customers',
        text: cust.map(function (v) { return v ? int(v) : ''; }), textposition: 'outside', cliponaxis: false,
        customdata: seg.map(function (n, i) { return [total ? cust[i] / total * 100 : 0, range[i]]; }),
        hovertemplate: '<b>%{y}</b><br>%{x:,} customers (%{customdata[0]:.1f}%)<br>%{customdata[1]}<extra></extra>' },
      { type: 'bar', orientation: 'h', y: seg, x: rev, marker: { color: colors, opacity: 0.75 }, name: 'Revenue',
        xaxis: 'x2', text: rev.map(function (v) { return v ? compact(v) : ''; }), textposition: 'outside', cliponaxis: false,
        hovertemplate: '<b>%{y}</b><br>revenue %{x:,.2f} ' + D.currency + '<extra></extra>' }
    ], {
      margin: { l: 130, r: 40, t: 28, b: 30 },
      bargap: 0.28,
      yaxis: { autorange: 'reversed', automargin: true, ticks: '', fixedrange: true },
      xaxis: { domain: [0, 0.46], title: { text: '' }, gridcolor: '#eef1f5', zeroline: false, fixedrange: true, rangemode: 'tozero' },
      xaxis2: { domain: [0.54, 1], anchor: 'y', gridcolor: '#eef1f5', zeroline: false, fixedrange: true, rangemode: 'tozero' },
      annotations: [
        { text: '<b>Customers</b>', x: 0.0, xref: 'paper', xanchor: 'left', y: 1.0, yref: 'paper', yanchor: 'bottom', yshift: 6, showarrow: false, font: { size: 12, color: '#5f6b7d' } },
        { text: '<b>Revenue</b>', x: 0.54, xref: 'paper', xanchor: 'left', y: 1.0, yref: 'paper', yanchor: 'bottom', yshift: 6, showarrow: false, font: { size: 12, color: '#5f6b7d' } }
      ]
    });
  }

  // Log-spaced bins of customer_cltv_profit, four per decade. Bin k holds edges[k] <= v < edges[k+1]; the last
  // bin also holds its upper edge. Values <= 0 have no place on a log axis and are counted aside.
  function cltvHistogram(idx) {
    var pos = [], nonPositive = 0, missing = 0;
    for (var j = 0; j < idx.length; j++) {
      var v = C.cltv[idx[j]];
      if (v == null) missing++; else if (v > 0) pos.push(v); else nonPositive++;
    }
    var h = { edges: [], counts: [], nonPositive: nonPositive, missing: missing };
    if (pos.length === 0) return h;
    var lo = Math.floor(Math.log10(Math.min.apply(null, pos)) * 4) / 4;
    var hi = Math.max(lo + 0.25, Math.ceil(Math.log10(Math.max.apply(null, pos)) * 4) / 4);
    for (var e = lo; e <= hi + 1e-9; e += 0.25) h.edges.push(Math.pow(10, e));
    var last = h.edges.length - 1;
    if (h.edges[last] < Math.max.apply(null, pos)) { h.edges.push(Math.pow(10, hi + 0.25)); last++; }
    for (var k = 0; k < last; k++) h.counts.push(0);
    pos.forEach(function (v) {
      var a = 0, b = last - 1; // binary search for the bin whose lower edge is the last one <= v
      while (a < b) { var m = (a + b + 1) >> 1; if (h.edges[m] <= v) a = m; else b = m - 1; }
      h.counts[a]++;
    });
    return h;
  }

  function renderTiers(idx) {
    $('tiers-note').textContent = '';
    if (idx.length === 0) return showEmpty.apply(null, ['chart-tiers'].concat(emptyReason()));
    var h = cltvHistogram(idx);
    if (h.counts.length === 0) return showEmpty('chart-tiers', 'No positive CLTV profit', 'None of these customers has a CLTV profit above zero to place on a log scale.', isFiltered());
    var log = function (v) { return Math.log10(v); };
    // Tier cut-offs: the lower bounds of the tiers above the lowest (p33 and p66 in dim_cltv_group).
    var cuts = D.tiers.filter(function (t) { return t.min != null && t.min > 0; })
      .sort(function (a, b) { return a.min - b.min; });
    var tierOf = function (v) {
      var name = null;
      D.tiers.forEach(function (t) {
        if ((t.min == null || v >= t.min) && (t.maxExclusive == null || v < t.maxExclusive)) name = t.name;
      });
      return name;
    };
    var mids = [], widths = [], colors = [], custom = [];
    for (var k = 0; k < h.counts.length; k++) {
      var a = log(h.edges[k]), b = log(h.edges[k + 1]);
      mids.push((a + b) / 2);
      widths.push((b - a) * 0.96);
      var tier = tierOf(Math.sqrt(h.edges[k] * h.edges[k + 1]));
      colors.push(colorOf(TIER_COLORS, tier, 0));
      custom.push([money0(h.edges[k]), money0(h.edges[k + 1]), tier || '']);
    }
    // The x axis is log10 of the value, labelled in money at each decade (and at 2 and 5 when few decades).
    var tickvals = [], ticktext = [];
    var steps = log(h.edges[h.edges.length - 1]) - log(h.edges[0]) > 3 ? [1] : [1, 2, 5]; // a readable number of ticks
    for (var d = Math.floor(log(h.edges[0])); d <= Math.ceil(log(h.edges[h.edges.length - 1])); d++)
      steps.forEach(function (m) {
        var v = m * Math.pow(10, d), x = log(v);
        if (x >= log(h.edges[0]) - 1e-9 && x <= log(h.edges[h.edges.length - 1]) + 1e-9) { tickvals.push(x); ticktext.push(tickLabel(v)); }
      });
    var shapes = cuts.map(function (t) {
      return { type: 'line', xref: 'x', yref: 'paper', x0: log(t.min), x1: log(t.min), y0: 0, y1: 1,
        line: { color: '#1d2433', width: 1.5, dash: 'dash' } };
    });
    var counts = {};
    D.tiers.forEach(function (t) { counts[t.name] = 0; });
    idx.forEach(function (i) { counts[C.tier[i]] = (counts[C.tier[i]] || 0) + 1; });
    // The lower cut-off's label reads leftwards from its line and the upper one's rightwards, so they never collide.
    var annotations = cuts.map(function (t, i) {
      var left = i === 0 && cuts.length > 1;
      return { x: log(t.min), xref: 'x', y: 1, yref: 'paper', yanchor: 'bottom', xanchor: left ? 'right' : 'left', showarrow: false,
        text: t.name + ' ≥ ' + money0(t.min), font: { size: 11, color: '#1d2433' } };
    });
    draw('chart-tiers', [
      { type: 'bar', x: mids, y: h.counts, width: widths, marker: { color: colors }, name: 'Customers',
        customdata: custom,
        hovertemplate: '<b>CLTV %{customdata[0]} to %{customdata[1]}</b><br>%{y:,} customers<br>%{customdata[2]} tier<extra></extra>' }
    ], {
      margin: { l: 44, r: 12, t: 26, b: 40 }, shapes: shapes, annotations: annotations,
      xaxis: { tickvals: tickvals, ticktext: ticktext, tickangle: 0, fixedrange: true, zeroline: false,
        title: { text: 'CLTV profit, ' + D.currency + ' (log scale)', font: { size: 11, color: '#5f6b7d' } } },
      yaxis: { gridcolor: '#eef1f5', fixedrange: true, rangemode: 'tozero', title: { text: 'customers', font: { size: 11, color: '#5f6b7d' } } }
    });
    var legend = D.tiers.map(function (t) { return t.name + ' ' + int(counts[t.name] || 0); }).join(' · ');
    if (h.nonPositive) legend += ' · ' + int(h.nonPositive) + ' at or below 0 not on the log axis';
    if (h.missing) legend += ' · ' + int(h.missing) + ' without a CLTV';
    $('tiers-note').textContent = legend;
    api.charts['chart-tiers'].histogram = { edges: h.edges, counts: h.counts, nonPositive: h.nonPositive, missing: h.missing,
      cuts: cuts.map(function (t) { return t.min; }), tierCounts: counts };
  }

  function renderChurn(idx) {
    if (idx.length === 0) return showEmpty.apply(null, ['chart-churn'].concat(emptyReason()));
    var names = D.churnGroups.map(function (c) { return c.name; });
    var g = groupBy(idx, 'churn', names);
    var ranges = D.churnGroups.map(function (c) {
      if (c.minRecency == null) return '';
      if (c.maxRecency == null) return 'more than ' + int(c.minRecency - 1) + ' days since last purchase';
      if (c.minRecency > c.maxRecency) return 'no recency falls in this group';
      return int(c.minRecency) + '–' + int(c.maxRecency) + ' days since last purchase';
    });
    draw('chart-churn', [
      { type: 'pie', hole: 0.58, labels: names, values: names.map(function (n) { return g[n].customers; }), sort: false,
        direction: 'clockwise', marker: { colors: names.map(function (n, i) { return colorOf(CHURN_COLORS, n, i); }), line: { color: '#fff', width: 2 } },
        textinfo: 'percent', textposition: 'inside', insidetextfont: { color: '#fff', size: 12 },
        customdata: names.map(function (n, i) { return [money0(g[n].revenue), ranges[i]]; }),
        hovertemplate: '<b>%{label} risk</b><br>%{value:,} customers (%{percent})<br>revenue %{customdata[0]}<br>%{customdata[1]}<extra></extra>' }
    ], {
      margin: { l: 10, r: 10, t: 10, b: 10 }, showlegend: true,
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.02, yanchor: 'top', font: { size: 12 } },
      annotations: [{ text: '<b>' + int(idx.length) + '</b><br><span style="font-size:11px;color:#5f6b7d">customers</span>',
        showarrow: false, font: { size: 20 }, x: 0.5, y: 0.5, xref: 'paper', yref: 'paper' }]
    });
  }

  var engagementDrawn = false;
  function renderEngagement() {
    var note = $('engagement-note');
    note.textContent = isFiltered()
      ? 'Store-wide: obt_customer_dau_mau_stickiness counts active customers per day for the whole store, so the country and segment filters do not split it.'
      : 'Daily active customers, rolling 30-day MAU and stickiness. Drag across the chart to zoom, double-click to reset.';
    if (E.date.length === 0) return showEmpty('chart-engagement', 'No engagement days yet', 'obt_customer_dau_mau_stickiness has no rows: run xform build, then reload.', false);
    // The series does not depend on the country and segment filters: redraw only when the date range moves (keeping the reader's zoom).
    var key = state.from + '|' + state.to;
    if (engagementDrawn === key) return;
    engagementDrawn = key;
    var days = E.date.map(function (d, i) { return i; }).filter(function (i) { return inRange(E.date[i]); });
    if (days.length === 0) return showEmpty('chart-engagement', 'No engagement days in this date range', 'Widen the date range to see daily activity.', true);
    var pick = function (series) { return days.map(function (i) { return series[i]; }); };
    // Three panels on one date axis, each with its own scale: DAU (tens) would be invisible beside MAU
    // (thousands), and stickiness (a few %) flat against a 0-100% axis.
    var stickMax = 0;
    pick(E.stickiness).forEach(function (v) { if (v != null && v > stickMax) stickMax = v; });
    var axisTitle = function (text, color) { return { text: text, font: { size: 11, color: color || '#5f6b7d' } }; };
    draw('chart-engagement', [
      { type: 'bar', x: pick(E.date), y: pick(E.dau), name: 'DAU', marker: { color: '#2f6fde' },
        hovertemplate: '%{y:,} active customers<extra>DAU</extra>' },
      { type: 'scatter', mode: 'lines', x: pick(E.date), y: pick(E.mau), name: 'MAU (30-day rolling)', yaxis: 'y2',
        line: { color: '#16213e', width: 2 }, hovertemplate: '%{y:,} customers<extra>MAU</extra>' },
      { type: 'scatter', mode: 'lines', x: pick(E.date), y: pick(E.stickiness), name: 'Stickiness (DAU / MAU)', yaxis: 'y3',
        line: { color: '#1f9d6b', width: 1.6 }, connectgaps: false,
        hovertemplate: '%{y:.1%}<extra>Stickiness</extra>' }
    ], {
      margin: { l: 64, r: 16, t: 36, b: 10 }, showlegend: true, hovermode: 'x unified', bargap: 0.15,
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: 12 } },
      xaxis: { type: 'date', gridcolor: '#f0f2f6', anchor: 'y3',
        rangeslider: { visible: true, thickness: 0.07, bgcolor: '#f6f8fb' },
        rangeselector: { x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom', bgcolor: '#eef1f5', activecolor: '#c9dbfa', font: { size: 11 },
          buttons: [{ count: 1, label: '1m', step: 'month', stepmode: 'backward' }, { count: 3, label: '3m', step: 'month', stepmode: 'backward' },
            { count: 6, label: '6m', step: 'month', stepmode: 'backward' }, { step: 'all', label: 'All' }] } },
      yaxis: { domain: [0.7, 1], title: axisTitle('DAU', '#2f6fde'), gridcolor: '#eef1f5', rangemode: 'tozero', fixedrange: true },
      yaxis2: { domain: [0.37, 0.64], title: axisTitle('MAU'), gridcolor: '#eef1f5', rangemode: 'tozero', fixedrange: true },
      yaxis3: { domain: [0, 0.31], title: axisTitle('stickiness', '#1f9d6b'), gridcolor: '#eef1f5', tickformat: '.0%',
        range: [0, stickMax > 0 ? stickMax * 1.1 : 1], fixedrange: true, zeroline: false }
    });
  }

  // Store-wide like the engagement series (the lines are not split by the filters), so drawn once.
  var monthsDrawn = false;
  function renderMonths() {
    if (M.month.length === 0) return showEmpty('chart-months', 'No monthly trend', 'The lines of ' + D.monthlySource + ' could not be read or are empty: run xform build, then reload.', false);
    var key = state.from + '|' + state.to;
    if (monthsDrawn === key) return; // store-wide: only the date range changes it
    monthsDrawn = key;
    // The months the date range touches, whole (the lines are grouped by month in the database).
    var keep = M.month.map(function (m, i) { return i; }).filter(function (i) {
      var m = M.month[i].slice(0, 7);
      return (!state.from || m >= state.from.slice(0, 7)) && (!state.to || m <= state.to.slice(0, 7));
    });
    if (keep.length === 0) return showEmpty('chart-months', 'No month in this date range', 'Widen the date range to see the monthly trend.', true);
    var V = {};
    Object.keys(M).forEach(function (k) { V[k] = keep.map(function (i) { return M[k][i]; }); });
    var change = function (v) { return v == null || !isFinite(v) ? '' : (v > 0 ? '+' : v < 0 ? '−' : '±') + nf1.format(Math.abs(v) * 100) + '%'; };
    var label = V.month.map(function (m, i) { return m.slice(0, 7) + (V.partial[i] ? ' (partial)' : ''); });
    var series = [
      { key: 'revenue', chg: 'revenueChange', name: 'Revenue', axis: 'y', color: '#2f6fde', fmt: money0 },
      { key: 'orders', chg: 'ordersChange', name: 'Orders', axis: 'y2', color: '#16213e', fmt: int },
      { key: 'active', chg: 'activeChange', name: 'Active customers', axis: 'y3', color: '#1f9d6b', fmt: int }
    ];
    var traces = series.map(function (s) {
      return { type: 'bar', x: V.month, y: V[s.key], yaxis: s.axis, name: s.name,
        // A partial month is drawn paler: its change against a whole month is not a trend.
        marker: { color: V.partial.map(function (p) { return p ? s.color + '55' : s.color; }) },
        text: V[s.chg].map(change), textposition: 'outside', cliponaxis: false, textfont: { size: 10, color: '#5f6b7d' },
        customdata: V.month.map(function (m, i) { return [label[i], s.fmt(V[s.key][i]), change(V[s.chg][i]) || 'n/a']; }),
        hovertemplate: '<b>%{customdata[0]}</b><br>' + s.name.toLowerCase() + ' %{customdata[1]}<br>vs month before %{customdata[2]}<extra></extra>' };
    });
    var axis = function (domain, title, color) {
      return { domain: domain, title: { text: title, font: { size: 11, color: color } }, gridcolor: '#eef1f5', rangemode: 'tozero', fixedrange: true };
    };
    draw('chart-months', traces, {
      margin: { l: 70, r: 16, t: 18, b: 30 }, bargap: 0.25, hovermode: 'closest',
      xaxis: { type: 'date', anchor: 'y3', dtick: 'M1', tickformat: '%b %Y', fixedrange: true },
      yaxis: axis([0.7, 0.98], 'revenue (' + D.currency + ')', '#2f6fde'), yaxis2: axis([0.36, 0.64], 'orders', '#16213e'),
      yaxis3: axis([0, 0.3], 'active customers', '#1f9d6b')
    });
    api.charts['chart-months'].months = V;
    var partial = V.partial.indexOf(true);
    $('months-note').textContent = 'Revenue, orders and active customers per calendar month from ' + D.monthlySource +
      ' (the lines the customer marts are built from), store-wide; the labels are the change from the month before.' +
      (partial >= 0 ? ' ' + V.month[partial].slice(0, 7) + ' ends at the snapshot date, so it is partial (paler).' : '');
  }

  function renderCountries(idx) {
    if (idx.length === 0) return showEmpty.apply(null, ['chart-countries'].concat(emptyReason()));
    var g = groupBy(idx, 'country');
    var rows = Object.keys(g).map(function (k) { return g[k]; })
      .sort(function (a, b) { return b.revenue - a.revenue || b.customers - a.customers || (a.name < b.name ? -1 : 1); })
      .slice(0, 10);
    var names = rows.map(function (r) { return r.name; });
    draw('chart-countries', [
      { type: 'bar', orientation: 'h', y: names, x: rows.map(function (r) { return r.revenue; }),
        marker: { color: names.map(function (n, i) { return i === 0 ? '#2f6fde' : '#8fb0ec'; }) },
        text: rows.map(function (r) { return compact(r.revenue) + ' · ' + int(r.customers) + ' cust.'; }),
        textposition: 'outside', cliponaxis: false,
        customdata: rows.map(function (r) { return [r.customers, idx.length ? r.customers / idx.length * 100 : 0]; }),
        hovertemplate: '<b>%{y}</b><br>revenue %{x:,.2f} ' + D.currency + '<br>%{customdata[0]:,} customers (%{customdata[1]:.1f}%)<extra></extra>' }
    ], {
      margin: { l: 120, r: 90, t: 6, b: 30 }, bargap: rows.length < 4 ? 0.65 : 0.3,
      yaxis: { autorange: 'reversed', automargin: true, fixedrange: true },
      xaxis: { gridcolor: '#eef1f5', zeroline: false, fixedrange: true, rangemode: 'tozero', title: { text: 'revenue (' + D.currency + ')', font: { size: 11, color: '#5f6b7d' } } }
    });
  }

  // ---- page ---------------------------------------------------------------------------------------
  function describeFilters() {
    var parts = [];
    if (state.country) parts.push('country ' + state.country);
    if (state.segment) parts.push('segment ' + state.segment);
    return parts.length ? parts.join(' and ') : 'No filter';
  }
  var allIdx = [];
  for (var i0 = 0; i0 < N; i0++) allIdx.push(i0);

  function render() {
    var idx = filtered();
    var summary = $('filter-summary');
    var dated = !!(state.from || state.to);
    summary.hidden = !isFiltered() && !dated;
    summary.textContent = (isFiltered() ? 'Filtered to ' + describeFilters() + ': ' + int(idx.length) + ' of ' + int(N) + ' customers. ' +
        'Tiles, charts and table follow the filter; stickiness and engagement are store-wide. ' : '') +
      (dated ? 'Dates ' + (state.from || 'start') + ' to ' + (state.to || 'end') + ': the time charts, the cohorts and the table (by last purchase) follow them.' : '');
    $('filter-clear').disabled = !isFiltered() && !dated;
    renderKpis(idx);
    renderSegments(idx);
    renderTiers(idx);
    renderChurn(idx);
    renderEngagement();
    renderMonths();
    renderCountries(idx);
    modules.forEach(function (m) { if (m.render) m.render(idx); });
    api.renders++;
    api.filtered = idx.length;
  }

  function fillSelect(select, values, counts) {
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = v;
      o.textContent = counts ? v + ' (' + int(counts[v] || 0) + ')' : v;
      select.appendChild(o);
    });
  }

  function init() {
    var byCountry = {}, bySegment = {};
    for (var i = 0; i < N; i++) {
      byCountry[C.country[i]] = (byCountry[C.country[i]] || 0) + 1;
      bySegment[C.segment[i]] = (bySegment[C.segment[i]] || 0) + 1;
    }
    fillSelect($('filter-country'), Object.keys(byCountry).sort(function (a, b) { return byCountry[b] - byCountry[a] || (a < b ? -1 : 1); }), byCountry);
    var segs = D.segments.map(function (s) { return s.name; });
    fillSelect($('filter-segment'), segs, bySegment);

    $('subtitle').textContent = (D.snapshotDate ? 'As of ' + D.snapshotDate + ' · ' : '') + int(N) + ' customers · ' +
      D.adapter + ' target · amounts in ' + D.currency + ' · generated ' + D.generatedAt;
    $('footer').innerHTML = 'Built by <b>xform insights</b> from the mart tables ' +
      D.sources.map(function (s) { return '<code>' + esc(s) + '</code>'; }).join(' ') +
      ', and the monthly trend and the cohorts from <code>' + esc(D.monthlySource) + '</code>. Revenue is the sum of sale lines (returns shown separately); AOV is value per order; the CLTV score is the business\'s heuristic ' +
      '(average line value × orders × tenure days × gross margin), a ranking, not money; the table\'s CLTV is the interpretable one ' +
      '(annualised net value × expected lifetime × gross margin, int_customer_net_value). Net revenue is sales plus returns. Charts: ' + esc(D.chartLibrary) + ', bundled.' +
      (D.notes.length ? '<br>Notes: ' + D.notes.map(esc).join('; ') : '');
    if (D.warnings.length) {
      var w = $('health-banner');
      w.hidden = false;
      w.innerHTML = '<b>These numbers may not be current.</b> ' + D.warnings.map(esc).join('; ') + '.';
    }
    if (N === 0 && !O) {
      var b = $('banner');
      b.hidden = false;
      b.innerHTML = '<b>The marts are empty.</b> No customer has a sale yet in obt_customer_kpis_and_segmentation. Run <code>xform build</code> and reload this page.';
    }

    $('filter-country').addEventListener('change', function (e) { state.country = e.target.value; state.page = 0; render(); });
    $('filter-segment').addEventListener('change', function (e) { state.segment = e.target.value; state.page = 0; render(); });
    $('filter-clear').addEventListener('click', clearFilters);
    document.addEventListener('click', function (e) { if (e.target && e.target.hasAttribute && e.target.hasAttribute('data-clear')) clearFilters(); });
  }

  function clearFilters() {
    state.country = ''; state.segment = ''; state.from = ''; state.to = ''; state.page = 0;
    $('filter-country').value = ''; $('filter-segment').value = ''; $('filter-from').value = ''; $('filter-to').value = '';
    render();
  }

  // The parts in their own files (page-*.js, inlined before this one) get the page's data, state and helpers.
  var ctx = { D: D, C: C, N: N, state: state, api: api, $: $, esc: esc, int: int, money: money, money0: money0, amount: amount,
    pct: pct, nf1: nf1, colorOf: colorOf, SEGMENT_COLORS: SEGMENT_COLORS, TIER_COLORS: TIER_COLORS, CHURN_COLORS: CHURN_COLORS,
    filtered: filtered, render: function () { render(); }, showEmpty: showEmpty, emptyReason: emptyReason,
    inRange: inRange };
  var modules = (window.xformInsightsModules || []).map(function (make) { return make(ctx); });
  init();
  modules.forEach(function (m) { if (m.init) m.init(); });
  if (!window.Plotly) {
    var b = $('banner');
    b.hidden = false;
    b.textContent = 'The charting library did not load; the tiles and the table still work.';
  }
  render();
  api.ready = true;
})();
