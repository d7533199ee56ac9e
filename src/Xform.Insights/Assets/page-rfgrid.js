// Recency x frequency: customers per (r_score, f_score), each cell coloured and labelled by its RFM segment.
(window.xformInsightsModules = window.xformInsightsModules || []).push(function (x) {
  'use strict';
  var C = x.C, $ = x.$;

  function render(idx) {
    var div = $('chart-rfgrid'), empty = div.parentNode.querySelector('.empty');
    if (idx.length === 0) {
      var why = x.emptyReason();
      div.innerHTML = '';
      empty.innerHTML = '<strong>' + x.esc(why[0]) + '</strong><span>' + x.esc(why[1]) + '</span>' + (why[2] ? '<button type="button" data-clear>Clear filters</button>' : '');
      empty.hidden = false;
      x.api.charts['chart-rfgrid'] = { empty: true, message: why[0] };
      return;
    }
    // counts[r][f] and, per cell, customers by segment (the seed grid maps R and F to a segment; M never splits a cell
    // in the spec's grid, but a cell holding two segments is labelled by its largest and lists all in its tooltip).
    var counts = {}, segs = {};
    for (var r = 1; r <= 5; r++) { counts[r] = {}; segs[r] = {}; for (var f = 1; f <= 5; f++) { counts[r][f] = 0; segs[r][f] = {}; } }
    var unscored = 0;
    idx.forEach(function (i) {
      var rs = C.r[i], fs = C.f[i];
      if (!(rs >= 1 && rs <= 5 && fs >= 1 && fs <= 5)) { unscored++; return; }
      counts[rs][fs]++;
      segs[rs][fs][C.segment[i]] = (segs[rs][fs][C.segment[i]] || 0) + 1;
    });
    var max = 0;
    for (r = 1; r <= 5; r++) for (f = 1; f <= 5; f++) max = Math.max(max, counts[r][f]);
    var head = '<tr><th class="corner">R \\ F</th>' + [1, 2, 3, 4, 5].map(function (f) { return '<th class="num">F' + f + '</th>'; }).join('') + '</tr>';
    var cellSegments = {};
    var body = [5, 4, 3, 2, 1].map(function (r) {
      return '<tr><th>R' + r + '</th>' + [1, 2, 3, 4, 5].map(function (f) {
        var n = counts[r][f], names = Object.keys(segs[r][f]).sort(function (a, b) { return segs[r][f][b] - segs[r][f][a] || (a < b ? -1 : 1); });
        cellSegments[r + '' + f] = names[0] || null;
        if (!n) return '<td class="rf none" data-r="' + r + '" data-f="' + f + '"></td>';
        var color = x.colorOf(x.SEGMENT_COLORS, names[0], 0);
        var alpha = 0.35 + 0.65 * (max ? n / max : 0);
        var tip = 'R' + r + ' F' + f + ': ' + names.map(function (s) { return s + ' ' + x.int(segs[r][f][s]); }).join(', ');
        return '<td class="rf" data-r="' + r + '" data-f="' + f + '" title="' + x.esc(tip) + '" style="background:' + color +
          Math.round(alpha * 255).toString(16).padStart(2, '0') + (alpha < 0.6 ? ';color:#1d2433' : '') + '"><b>' + x.int(n) + '</b><span>' + x.esc(names[0]) + '</span></td>';
      }).join('') + '</tr>';
    }).join('');
    empty.hidden = true;
    div.innerHTML = '<table class="heat rf-table"><thead>' + head + '</thead><tbody>' + body + '</tbody></table>' +
      (unscored ? '<p class="chart-note">' + x.int(unscored) + ' customers without scores are not placed.</p>' : '');
    x.api.charts['chart-rfgrid'] = { empty: false, counts: counts, segments: cellSegments };
  }
  return { render: render };
});
