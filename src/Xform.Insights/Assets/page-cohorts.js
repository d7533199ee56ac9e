// Cohort retention: customers by first-purchase month (rows) x months since (columns), the share who bought again.
(window.xformInsightsModules = window.xformInsightsModules || []).push(function (x) {
  'use strict';
  var K = x.D.cohorts, state = x.state, $ = x.$;
  var drawn = null;

  function box(title, detail) {
    var div = $('chart-cohorts'), empty = div.parentNode.querySelector('.empty');
    div.innerHTML = '';
    empty.innerHTML = '<strong>' + x.esc(title) + '</strong><span>' + x.esc(detail) + '</span>';
    empty.hidden = false;
    x.api.charts['chart-cohorts'] = { empty: true, message: title };
  }

  function render() {
    var key = state.from + '|' + state.to;
    if (drawn === key) return; // store-wide: only the date range changes it
    drawn = key;
    $('cohorts-note').textContent = 'Share of each first-purchase month\'s customers who bought again N months later, from ' +
      x.D.monthlySource + ', store-wide (the country and segment filters do not split it). The latest month is partial.';
    if (K.month.length === 0) return box('No cohorts', 'The lines of ' + x.D.monthlySource + ' could not be read or are empty: run xform build, then reload.');
    // The cohorts whose first month the date range touches.
    var rows = K.month.map(function (m, i) { return i; }).filter(function (i) {
      var m = K.month[i].slice(0, 7);
      return (!state.from || m >= state.from.slice(0, 7)) && (!state.to || m <= state.to.slice(0, 7));
    });
    if (rows.length === 0) return box('No cohort in this date range', 'Widen the date range to see the cohorts that started in it.');
    var width = 0, top = 0, shares = [];
    rows.forEach(function (i) {
      var s = K.active[i].map(function (a) { return K.customers[i] > 0 ? a / K.customers[i] : null; });
      shares.push(s);
      width = Math.max(width, s.length);
      s.forEach(function (v, k) { if (k > 0 && v != null && v > top) top = v; });
    });
    // Colour by the largest share after month 0 (month 0 is 100% by definition and drawn neutral), so the returns stand out.
    var head = '<tr><th>Cohort</th><th class="num" title="customers">Cust.</th>';
    for (var k = 0; k < width; k++) head += '<th class="num">' + (k === 0 ? 'M0' : '+' + k) + '</th>';
    var body = rows.map(function (i, r) {
      var cells = '';
      for (var k = 0; k < width; k++) {
        var v = shares[r][k];
        if (v == null) { cells += '<td class="none"></td>'; continue; }
        var a = k === 0 || top <= 0 ? 0 : Math.min(1, v / top);
        var style = k === 0 ? 'background:#eef1f5' : 'background:rgba(47,111,222,' + (0.06 + 0.94 * a).toFixed(3) + ');color:' + (a > 0.55 ? '#fff' : '#1d2433');
        cells += '<td class="num" style="' + style + '" title="' + x.esc(K.month[i].slice(0, 7) + ': ' + x.int(K.active[i][k]) + ' of ' +
          x.int(K.customers[i]) + ' customers bought ' + (k === 0 ? 'in their first month' : k + ' month' + (k > 1 ? 's' : '') + ' later')) + '">' +
          Math.round(v * 100) + '%</td>';
      }
      return '<tr><th>' + x.esc(K.month[i].slice(0, 7)) + '</th><td class="num">' + x.int(K.customers[i]) + '</td>' + cells + '</tr>';
    }).join('');
    var div = $('chart-cohorts');
    div.parentNode.querySelector('.empty').hidden = true;
    div.innerHTML = '<table class="heat cohort-table"><thead>' + head + '</tr></thead><tbody>' + body + '</tbody></table>';
    x.api.charts['chart-cohorts'] = { empty: false, months: rows.map(function (i) { return K.month[i]; }),
      customers: rows.map(function (i) { return K.customers[i]; }), shares: shares };
  }
  return { render: render };
});
