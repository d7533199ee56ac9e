namespace Xform.Core.Docs;

/// <summary>The docs page's HTML, CSS and script, written here (no third-party code, no network).</summary>
static class SiteAssets
{
    public const string Page = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__ · xform docs</title>
<style>/*__STYLE__*/</style>
</head>
<body>
<header>
  <button id="toggle-sidebar" title="Show or hide the list of nodes">☰</button>
  <strong id="project-title">__TITLE__</strong>
  <input id="search" type="search" placeholder="Search nodes, columns, descriptions" autocomplete="off">
  <input id="filter" type="text" placeholder="Filter graph: +name  name+  tag:x  resource_type:model ..." autocomplete="off">
  <label><input id="show-tests" type="checkbox"> tests</label>
  <button id="fit" title="Fit the graph">fit</button>
  <span id="filter-status"></span>
</header>
<main id="main" class="nothing-selected">
  <nav id="sidebar"><div id="search-results"></div><div id="node-list"></div></nav>
  <section id="graph-pane"><svg id="graph" xmlns="http://www.w3.org/2000/svg"><g id="viewport"><g id="edges"></g><g id="nodes"></g></g></svg>
    <p id="graph-hint" class="hint">Click a node to see its description, columns, SQL and lineage. Drag to pan, wheel to zoom.</p></section>
  <article id="details"><button id="close-details" title="Close">×</button><div id="details-body"></div></article>
</main>
<script id="xform-data" type="application/json">/*__DATA__*/</script>
<script>/*__SCRIPT__*/</script>
</body>
</html>
""";

    public const string Style = """
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2933; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 8px; align-items: center; padding: 6px 10px; background: #102a43; color: #fff; }
header input[type=search], header input[type=text] { padding: 4px 6px; border-radius: 3px; border: 1px solid #829ab1; }
#search { width: 240px; } #filter { flex: 1; font-family: ui-monospace, monospace; }
#filter.bad { background: #ffe3e3; }
#filter-status { min-width: 160px; font-size: 12px; }
main { flex: 1; display: flex; min-height: 0; }
body.no-sidebar #sidebar { display: none; }
#sidebar { width: 230px; flex: none; overflow: auto; border-right: 1px solid #d9e2ec; padding: 6px; background: #f8fafc; }
#sidebar h4 { margin: 8px 0 2px; font-size: 11px; text-transform: uppercase; color: #627d98; }
#sidebar a { display: block; padding: 1px 4px; color: #243b53; text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
#sidebar a:hover, #sidebar a.current { background: #d9e2ec; }
#graph-pane { flex: 1; position: relative; min-width: 0; }
#graph { width: 100%; height: 100%; background: #fff; cursor: grab; user-select: none; }
#graph.dragging { cursor: grabbing; }
.node rect { stroke: #486581; stroke-width: 1; rx: 4; }
.node text { font: 12px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; pointer-events: none; }
.node { cursor: pointer; }
.node.model rect { fill: #d6e4ff; } .node.seed rect { fill: #d3f9d8; } .node.source rect { fill: #fff3bf; } .node.exposure rect { fill: #ffd8a8; } .node.metric rect, .node.semantic_model rect, .node.saved_query rect { fill: #e5dbff; }
.node.snapshot rect { fill: #f3d9fa; } .node.test rect { fill: #ffe3e3; }
.node.selected rect { stroke: #d9480f; stroke-width: 3; }
.node.up rect { stroke: #1c7ed6; stroke-width: 2; } .node.down rect { stroke: #2b8a3e; stroke-width: 2; }
.node.dim { opacity: 0.25; } .edge.dim { opacity: 0.1; }
.edge { fill: none; stroke: #9fb3c8; stroke-width: 1.2; }
.edge.hl { stroke: #d9480f; stroke-width: 2; }
#details { width: min(560px, 45vw); flex: none; overflow: auto; border-left: 1px solid #d9e2ec; padding: 8px 14px; position: relative; }
main.nothing-selected #details { display: none; } /* the graph gets the room until a node is chosen */
#close-details { position: absolute; top: 6px; right: 8px; border: none; background: none; font-size: 18px; cursor: pointer; color: #627d98; }
#graph-hint { position: absolute; left: 10px; bottom: 4px; margin: 0; font-size: 12px; pointer-events: none; }
main:not(.nothing-selected) #graph-hint { display: none; }
#columns-table p, #columns-table ul { margin: 0; }
#details h2 { margin: 4px 0; font-size: 18px; word-break: break-all; }
#details h3 { margin: 14px 0 4px; font-size: 14px; border-bottom: 1px solid #d9e2ec; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e4e7eb; font-size: 11px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; border-bottom: 1px solid #eef2f6; padding: 3px 4px; }
th { font-size: 11px; color: #627d98; }
pre { background: #f0f4f8; padding: 6px; overflow: auto; font-size: 12px; max-height: 360px; }
code { font-family: ui-monospace, monospace; font-size: 12px; }
a.node-link, a.col-link, a.trace { color: #1c7ed6; cursor: pointer; text-decoration: none; } a.node-link:hover, a.col-link:hover { text-decoration: underline; }
#columns-table { table-layout: fixed; } #columns-table td { overflow-wrap: anywhere; }
#columns-table th:nth-child(1) { width: 30%; } #columns-table th:nth-child(2) { width: 30%; }
.unknown { color: #c92a2a; font-size: 11px; } .direct { color: #2b8a3e; font-size: 11px; }
.hint { color: #829ab1; }
.hit { padding: 2px 4px; border-bottom: 1px solid #eef2f6; cursor: pointer; } .hit:hover { background: #d9e2ec; } .hit small { color: #627d98; display: block; }
""";

    public const string Script = """
(function () {
'use strict';
const DATA = JSON.parse(document.getElementById('xform-data').textContent);
const nodes = DATA.nodes;
const byId = new Map(nodes.map(n => [n.id, n]));
const $ = id => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const state = { selected: null, visible: new Set(), pos: new Map(), tx: 20, ty: 20, scale: 1 };
window.xformDocs = { state: state, data: DATA };

function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
function label(id) { const n = byId.get(id); return n ? n.label : id; }

// ---- graph walks (the whole graph, tests included, like the command line's selectors) ----
function walk(start, depth, next) {
  const seen = new Set(); let frontier = [start];
  for (let level = 0; frontier.length && (depth == null || level < depth); level++) {
    const following = [];
    for (const id of frontier) for (const n of next(byId.get(id))) if (!seen.has(n)) { seen.add(n); following.push(n); }
    frontier = following;
  }
  return seen;
}
const ancestors = (id, d) => walk(id, d, n => n.parents);
const descendants = (id, d) => walk(id, d, n => n.children);

// ---- selectors: the same syntax and rules as xform's NodeSelector ----
function wildcard(pattern, text) {
  if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) return pattern === text;
  const re = '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$';
  return new RegExp(re).test(text);
}
function fqnMatches(n, value) {
  const parts = value.split('.'), fqn = n.fqn;
  for (let start = 0; start <= 1; start++) {
    if (parts.length > fqn.length - start) continue;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) ok = wildcard(parts[i], fqn[start + i]);
    if (ok && (start === 0 || parts.length < fqn.length)) return true;
  }
  return false;
}
function pathMatches(n, value) {
  let v = value.replace(/\/+$/, '').replace(/\\/g, '/');
  if (v.startsWith('./')) v = v.slice(2);
  const p = n.path;
  return p === v || p.startsWith(v + '/') || wildcard(v, p);
}
function configMatches(c, value) {
  if (c == null) return false;
  if (typeof c === 'boolean') return (c ? 'true' : 'false') === value.toLowerCase();
  if (typeof c === 'string') return wildcard(value, c);
  if (Array.isArray(c)) return c.some(x => configMatches(x, value));
  return String(c) === value;
}
function matchBody(body, text) {
  const colon = body.indexOf(':');
  let method = colon < 0 ? '' : body.slice(0, colon);
  const value = colon < 0 ? body : body.slice(colon + 1);
  let sub = '';
  const dot = method.indexOf('.');
  if (dot >= 0) { sub = method.slice(dot + 1); method = method.slice(0, dot); }
  let f;
  switch (method) {
    case '':
      f = (value.indexOf('/') >= 0 || value.endsWith('.sql') || value.endsWith('.csv'))
        ? n => pathMatches(n, value)
        : n => wildcard(value, n.name) || (n.type !== 'source' && fqnMatches(n, value));
      break;
    case 'tag': f = n => n.tags.some(t => wildcard(value, t)); break;
    case 'path': case 'file': f = n => pathMatches(n, value); break;
    case 'config': if (!sub) throw new Error("config needs a key: config.materialized:table"); f = n => configMatches(n.config[sub], value); break;
    case 'resource_type': f = n => n.type === value.toLowerCase(); break;
    case 'source': f = n => { if (n.type !== 'source') return false; const p = value.split('.');
      return p.length === 1 ? wildcard(p[0], n.source_name) : p.length === 2 ? wildcard(p[0], n.source_name) && wildcard(p[1], n.name) : false; }; break;
    case 'fqn': f = n => fqnMatches(n, value); break;
    case 'package': f = n => wildcard(value, n.package); break;
    case 'test_type': f = n => n.type === 'test' && ((value === 'generic') === (n.test_name != null)) && ['generic', 'singular', 'data'].includes(value); break;
    case 'test_name': f = n => n.test_name != null && wildcard(value, n.test_name); break;
    case 'state': throw new Error("state: selectors need --state on the command line; the docs page has no previous manifest");
    default: throw new Error("unknown selector method '" + method + "' in '" + text + "'");
  }
  return new Set(nodes.filter(f).map(n => n.id));
}
function criterion(text) {
  const m = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/.exec(text);
  if (!m) throw new Error("cannot read selector '" + text + "'");
  const at = !!m[1], up = m[2] !== undefined, down = m[4] !== undefined;
  if (at && down) throw new Error("selector '" + text + "': '@' cannot be combined with a trailing '+'");
  if (/^\+|\+$/.test(m[3].slice(m[3].indexOf(':') + 1))) throw new Error("selector '" + text + "': misplaced '+'");
  if (/^[\w.]+:$/.test(m[3])) throw new Error("selector '" + text + "': needs a value after the colon");
  const upDepth = up && m[2] !== '' ? parseInt(m[2], 10) : null;
  const downDepth = down && m[4] !== '' ? parseInt(m[4], 10) : null;
  const seeds = matchBody(m[3], text);
  const result = new Set(seeds);
  for (const id of seeds) {
    if (up) for (const a of ancestors(id, upDepth)) result.add(a);
    if (down || at) for (const d of descendants(id, at ? null : downDepth)) result.add(d);
  }
  if (at) for (const id of Array.from(result)) for (const a of ancestors(id, null)) result.add(a);
  return result;
}
function select(spec) {
  const result = new Set();
  for (const term of spec.split(/\s+/).filter(Boolean)) {
    let acc = null;
    for (const part of term.split(',')) {
      if (!part) throw new Error("empty selector in '" + term + "'");
      const s = criterion(part);
      acc = acc == null ? s : new Set(Array.from(acc).filter(x => s.has(x)));
    }
    for (const x of acc || []) result.add(x);
  }
  return result;
}
window.xformDocs.select = spec => Array.from(select(spec)).sort();

// ---- layout: layers by longest path, barycentric crossing reduction ----
// Labels wrap after '_' and '.' so a column stays narrow: thirteen layers of snake_case names still fit a laptop
// screen at a readable size. Sizes are in graph units; fit() decides the zoom.
const LABEL_FONT = 12, LINE = 15, PAD = 6, WRAP = 70, MAX_LINES = 5, MIN_SCREEN_FONT = 11;
const measure = (() => {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = LABEL_FONT + 'px ' + getComputedStyle(document.body).fontFamily;
  return text => ctx.measureText(text).width;
})();
function wrapLabel(text) {
  const lines = []; let line = '';
  for (const part of text.match(/[^_.]+[_.]*|[_.]+/g) || [text]) {
    if (line && measure(line + part) > WRAP) { lines.push(line); line = part; } else line += part;
  }
  if (line) lines.push(line);
  const cut = s => { while (s.length > 1 && measure(s + '…') > 2 * WRAP) s = s.slice(0, -1); return s; };
  const out = lines.slice(0, MAX_LINES).map(l => measure(l) > 2 * WRAP ? cut(l) + '…' : l);
  if (lines.length > MAX_LINES) out[MAX_LINES - 1] = cut(out[MAX_LINES - 1]) + '…';
  return out;
}
function layout(ids) {
  const set = new Set(ids);
  const parents = id => byId.get(id).parents.filter(p => set.has(p));
  const children = id => byId.get(id).children.filter(c => set.has(c));
  const order = nodes.map(n => n.id).filter(id => set.has(id)); // graph order: parents first
  const layer = new Map(); // longest path from a root: sources and seeds, then staging, intermediate, marts
  const depth = id => { if (!layer.has(id)) { layer.set(id, 0); layer.set(id, Math.max(0, ...parents(id).map(p => depth(p) + 1))); } return layer.get(id); };
  order.forEach(depth);
  const layers = [];
  for (const id of order) { const l = layer.get(id); (layers[l] = layers[l] || []).push(id); }
  for (const L of layers) L.sort((a, b) => byId.get(a).type.localeCompare(byId.get(b).type) || label(a).localeCompare(label(b)));
  const index = new Map();
  const reindex = () => layers.forEach(L => L.forEach((id, i) => index.set(id, i)));
  reindex();
  const bary = (id, nb) => { const xs = nb(id).map(x => index.get(x)); return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : index.get(id); };
  for (let sweep = 0; sweep < 8; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? layers.map((_, i) => i).slice(1) : layers.map((_, i) => i).reverse().slice(1);
    for (const l of range) {
      const nb = down ? parents : children;
      const b = new Map(layers[l].map(id => [id, bary(id, nb)]));
      layers[l].sort((x, y) => b.get(x) - b.get(y));
      layers[l].forEach((id, i) => index.set(id, i));
    }
  }
  const pos = new Map(), GX = 16, GY = 12;
  const lines = new Map(order.map(id => [id, wrapLabel(label(id))]));
  const height = id => lines.get(id).length * LINE + 2 * PAD - 3;
  const stack = L => L.reduce((sum, id) => sum + height(id), 0) + GY * (L.length - 1);
  const tallest = Math.max(0, ...layers.map(L => L ? stack(L) : 0));
  let x = 0;
  layers.forEach((L, l) => {
    if (!L) return;
    const w = Math.max(...L.map(id => Math.max(...lines.get(id).map(measure)))) + 2 * PAD;
    let y = (tallest - stack(L)) / 2;
    for (const id of L) { pos.set(id, { x, y, w, h: height(id), lines: lines.get(id), layer: l }); y += height(id) + GY; }
    x += w + GX;
  });
  return pos;
}

function el(name, attrs) { const e = document.createElementNS(SVG, name); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; }
function graphNodes() { const t = $('show-tests').checked; return nodes.filter(n => t || n.type !== 'test').map(n => n.id); }

function draw() {
  const ids = graphNodes().filter(id => state.visible.has(id));
  state.pos = layout(ids);
  const gE = $('edges'), gN = $('nodes');
  gE.textContent = ''; gN.textContent = '';
  for (const id of ids) for (const c of byId.get(id).children) {
    if (!state.pos.has(c)) continue;
    const a = state.pos.get(id), b = state.pos.get(c);
    const x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2, mx = (x1 + x2) / 2;
    gE.appendChild(el('path', { class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'data-from': id, 'data-to': c }));
  }
  for (const id of ids) {
    const n = byId.get(id), p = state.pos.get(id);
    const g = el('g', { class: 'node ' + n.type, 'data-id': id, 'data-layer': p.layer, transform: `translate(${p.x},${p.y})` });
    g.appendChild(el('rect', { width: p.w, height: p.h }));
    const t = el('text', { x: PAD, y: PAD + LABEL_FONT - 1 });
    p.lines.forEach((line, i) => { const s = el('tspan', { x: PAD, dy: i ? LINE : 0 }); s.textContent = line; t.appendChild(s); });
    const title = el('title', {}); title.textContent = n.label + ' (' + n.type + ')';
    g.appendChild(title); g.appendChild(t);
    g.addEventListener('click', ev => { ev.stopPropagation(); selectNode(id); });
    gN.appendChild(g);
  }
  $('filter-status').textContent = ids.length + ' of ' + graphNodes().length + ' nodes';
  highlight();
}

function highlight() {
  const id = state.selected;
  const up = id ? ancestors(id, null) : new Set(), down = id ? descendants(id, null) : new Set();
  for (const g of document.querySelectorAll('#nodes .node')) {
    const nid = g.getAttribute('data-id');
    g.classList.toggle('selected', nid === id);
    g.classList.toggle('up', up.has(nid));
    g.classList.toggle('down', down.has(nid));
    g.classList.toggle('dim', !!id && nid !== id && !up.has(nid) && !down.has(nid));
  }
  const lit = new Set([id, ...up, ...down]);
  for (const e of document.querySelectorAll('#edges .edge')) {
    const on = !!id && lit.has(e.getAttribute('data-from')) && lit.has(e.getAttribute('data-to'));
    e.classList.toggle('hl', on); e.classList.toggle('dim', !!id && !on);
  }
}

// ---- pan and zoom ----
function applyTransform() { $('viewport').setAttribute('transform', `translate(${state.tx},${state.ty}) scale(${state.scale})`); }
// readable: never zoom out below labels of MIN_SCREEN_FONT px; a graph too big for that starts at its sources
// (top left) instead of shrinking to unreadable boxes. The fit button shows everything whatever the size.
function fit(readable) {
  const svg = $('graph'), r = svg.getBoundingClientRect(), M = 12;
  let maxX = 0, maxY = 0;
  for (const p of state.pos.values()) { maxX = Math.max(maxX, p.x + p.w); maxY = Math.max(maxY, p.y + p.h); }
  if (!maxX || !r.width) return;
  state.fitScale = Math.min((r.width - 2 * M) / maxX, (r.height - 2 * M) / maxY);
  const least = MIN_SCREEN_FONT / LABEL_FONT;
  if (readable === true && state.fitScale < least) { state.scale = least; state.tx = M; state.ty = M; }
  else {
    state.scale = Math.min(1.5, Math.max(0.05, state.fitScale));
    state.tx = M + ((r.width - 2 * M) - maxX * state.scale) / 2; state.ty = M + ((r.height - 2 * M) - maxY * state.scale) / 2;
  }
  applyTransform();
}
// Keeps the selected node on screen when the details pane opens and narrows the graph.
function reveal(id) {
  const p = state.pos.get(id), r = $('graph').getBoundingClientRect();
  if (!p) return;
  const left = state.tx + p.x * state.scale, right = left + p.w * state.scale, top = state.ty + p.y * state.scale;
  if (left < 0 || right > r.width) state.tx += r.width / 2 - (left + right) / 2;
  if (top < 0 || top > r.height) state.ty += r.height / 2 - top;
  applyTransform();
}
function closeDetails() { state.selected = null; $('main').classList.add('nothing-selected'); highlight(); }
(function panZoom() {
  const svg = $('graph'); let drag = null;
  svg.addEventListener('mousedown', e => { drag = { x: e.clientX, y: e.clientY, tx: state.tx, ty: state.ty, moved: false }; svg.classList.add('dragging'); });
  window.addEventListener('mousemove', e => { if (!drag) return; state.tx = drag.tx + e.clientX - drag.x; state.ty = drag.ty + e.clientY - drag.y;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) drag.moved = true; applyTransform(); });
  window.addEventListener('mouseup', () => { svg.classList.remove('dragging'); setTimeout(() => { drag = null; }, 0); });
  svg.addEventListener('click', () => { if (drag && drag.moved) return; if (state.selected) closeDetails(); });
  svg.addEventListener('wheel', e => {
    e.preventDefault();
    const r = svg.getBoundingClientRect(), mx = e.clientX - r.left, my = e.clientY - r.top;
    const k = Math.exp(-e.deltaY * 0.0015), s = Math.min(4, Math.max(0.05, state.scale * k));
    state.tx = mx - (mx - state.tx) * s / state.scale; state.ty = my - (my - state.ty) * s / state.scale; state.scale = s;
    applyTransform();
  }, { passive: false });
})();

// ---- details ----
function nodeLink(id) { return `<a class="node-link" data-id="${esc(id)}">${esc(label(id))}</a>`; }
// Inline Markdown after CommonMark's rules for the parts descriptions use: code spans stay literal, backslash
// escapes, http(s) links, and * / _ emphasis only where a delimiter run is left- or right-flanking, so
// `a * b * c` and snake_case names print as written. Text is HTML-escaped; nothing in a description becomes markup.
function inline(src) {
  const out = []; let text = '';
  const flush = () => { if (text) { out.push({ html: esc(text) }); text = ''; } };
  const space = c => c === undefined || /\s/u.test(c);
  const punct = c => c !== undefined && /[\p{P}\p{S}]/u.test(c);
  for (let i = 0; i < src.length;) {
    const c = src[i];
    if (c === '\\' && /[!-\/:-@[-`{-~]/.test(src[i + 1] || '')) { text += src[i + 1]; i += 2; continue; }
    if (c === '`') {
      let n = 0; while (src[i + n] === '`') n++;
      let j = i + n, end = -1;
      while ((j = src.indexOf('`', j)) >= 0) { let m = 0; while (src[j + m] === '`') m++; if (m === n) { end = j; break; } j += m; }
      if (end < 0) { text += src.slice(i, i + n); i += n; continue; }
      let code = src.slice(i + n, end).replace(/\n/g, ' ');
      if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
      flush(); out.push({ html: '<code>' + esc(code) + '</code>' }); i = end + n; continue;
    }
    const link = c === '[' ? /^\[([^\]]+)\]\((https?:[^)\s]+)\)/.exec(src.slice(i)) : null;
    if (link) { flush(); out.push({ html: '<a href="' + esc(link[2]) + '">' + inline(link[1]) + '</a>' }); i += link[0].length; continue; }
    if (c === '*' || c === '_') {
      let n = 0; while (src[i + n] === c) n++;
      const before = src[i - 1], after = src[i + n];
      const left = !space(after) && (!punct(after) || space(before) || punct(before));
      const right = !space(before) && (!punct(before) || space(after) || punct(after));
      flush();
      out.push({ delim: c, n, size: n, open: c === '*' ? left : left && (!right || punct(before)),
        close: c === '*' ? right : right && (!left || punct(after)), opens: [], closes: [] });
      i += n; continue;
    }
    text += c; i++;
  }
  flush();
  // Match closers with the nearest opener of the same character (innermost first); two of each make <strong>.
  for (let ci = 0; ci < out.length; ci++) {
    const closer = out[ci];
    while (closer.delim && closer.close && closer.n > 0) {
      let oi = ci - 1;
      for (; oi >= 0; oi--) {
        const o = out[oi];
        if (o.delim !== closer.delim || !o.open || !o.n) continue;
        if ((o.close || closer.open) && (o.size + closer.size) % 3 === 0 && (o.size % 3 || closer.size % 3)) continue; // rule of 3
        break;
      }
      if (oi < 0) break;
      const opener = out[oi], use = opener.n >= 2 && closer.n >= 2 ? 2 : 1, tag = use === 2 ? 'strong' : 'em';
      opener.n -= use; closer.n -= use;
      opener.opens.unshift('<' + tag + '>'); closer.closes.push('</' + tag + '>');
      for (let k = oi + 1; k < ci; k++) if (out[k].delim) out[k].open = out[k].close = false;
    }
  }
  return out.map(t => t.delim ? t.closes.join('') + t.delim.repeat(t.n) + t.opens.join('') : t.html).join('');
}
function markdown(text) {
  if (!text) return '<p class="hint">No description.</p>';
  const blocks = String(text).replace(/\r/g, '').split(/\n{2,}/);
  return blocks.map(b => {
    if (/^```/.test(b)) return '<pre><code>' + esc(b.replace(/^```\w*\n?/, '').replace(/\n?```$/, '')) + '</code></pre>';
    const h = /^(#{1,4})\s+(.*)$/.exec(b);
    if (h && b.indexOf('\n') < 0) return `<h${h[1].length + 2}>${inline(h[2])}</h${h[1].length + 2}>`;
    const lines = b.split('\n');
    if (lines.every(l => /^\s*([-*+]|\d+\.)\s+/.test(l))) return '<ul>' + lines.map(l => '<li>' + inline(l.replace(/^\s*([-*+]|\d+\.)\s+/, '')) + '</li>').join('') + '</ul>';
    return '<p>' + inline(lines.join(' ')) + '</p>';
  }).join('');
}
window.xformDocs.markdown = markdown;
function lineageCell(c) {
  if (!c.lineage) return '<span class="hint">—</span>';
  const l = c.lineage;
  let html = l.sources.map(s => `<a class="col-link" data-id="${esc(s.node)}" data-column="${esc(s.column)}">${esc(label(s.node))}.${esc(s.column)}</a>`).join(', ');
  if (l.direct) html += ' <span class="direct">(copy)</span>';
  if (!l.sources.length && !l.unknown.length) html += '<span class="hint">constant / no column</span>';
  if (l.unknown.length) html += `<div class="unknown">unknown: ${l.unknown.map(esc).join('; ')}</div>`;
  return html;
}
function showDetails(id) {
  const n = byId.get(id), d = $('details-body');
  const sec = (title, body) => body ? `<h3>${title}</h3>${body}` : '';
  const list = ids => ids.length ? '<ul>' + ids.map(x => '<li>' + nodeLink(x) + ' <span class="badge">' + esc(byId.get(x).type) + '</span></li>').join('') + '</ul>' : '<p class="hint">none</p>';
  const cols = n.columns.length ? `<table id="columns-table"><tr><th>column</th><th>description and tests</th><th>upstream columns</th></tr>` +
    n.columns.map(c => `<tr data-column="${esc(c.name)}"><td><a class="trace" data-column="${esc(c.name)}" title="Trace this column upstream and downstream"><code class="col-name">${esc(c.name)}</code></a><br><small class="col-type">${esc(c.type || '')}</small></td>` +
      `<td>${c.description ? markdown(c.description) : ''}<div>${c.tests.map(t => '<span class="badge test">' + esc(t) + '</span>').join('')}</div></td><td class="col-lineage">${lineageCell(c)}</td></tr>`).join('') + '</table>'
    : '<p class="hint">No columns known: declare them in YAML, or build the project and run docs generate again.</p>';
  d.innerHTML = `<h2 id="details-name">${esc(n.label)}</h2>
    <span class="badge">${esc(n.type)}</span>${n.materialized && n.type === 'model' ? '<span class="badge">' + esc(n.materialized) + '</span>' : ''}
    ${n.tags.map(t => '<span class="badge">tag:' + esc(t) + '</span>').join('')}
    <p><code>${esc(n.relation || '')}</code> ${n.row_count != null ? '· ' + n.row_count + ' rows' : ''}<br><small>${esc(n.path)}</small></p>
    ${n.owner || n.url ? '<p>' + (n.owner ? 'owner: ' + esc(n.owner) + ' ' : '') + (n.url ? '<a href="' + esc(n.url) + '">' + esc(n.url) + '</a>' : '') + '</p>' : ''}
    ${sec('Description', markdown(n.description))}
    ${sec('Columns', cols)}
    <div id="column-trace"></div>
    ${n.lineage_error ? '<p class="unknown">Column lineage: ' + esc(n.lineage_error) + '</p>' : ''}
    ${sec('Depends on', list(n.parents))}
    ${sec('Referenced by', list(n.children))}
    ${n.tests.length ? sec('Tests', list(n.tests)) : ''}
    ${sec('Config', '<pre>' + esc(JSON.stringify(n.config, null, 2)) + '</pre>')}
    ${n.compiled_sql ? sec('Compiled SQL', '<pre id="compiled-sql">' + esc(n.compiled_sql) + '</pre>') : ''}
    ${n.raw_sql ? sec('Source code', '<pre>' + esc(n.raw_sql) + '</pre>') : ''}`;
  for (const a of d.querySelectorAll('a.node-link, a.col-link')) a.addEventListener('click', () => selectNode(a.getAttribute('data-id'), a.getAttribute('data-column')));
  for (const a of d.querySelectorAll('a.trace')) a.addEventListener('click', () => traceColumn(id, a.getAttribute('data-column')));
}

// ---- column trace: every upstream column a column is computed from, and every downstream column computed from it ----
const colKey = (node, col) => node + '\u0000' + col.toLowerCase();
const downstreamIndex = new Map();
for (const n of nodes) for (const c of n.columns) if (c.lineage) for (const s of c.lineage.sources) {
  const k = colKey(s.node, s.column);
  if (!downstreamIndex.has(k)) downstreamIndex.set(k, []);
  downstreamIndex.get(k).push({ node: n.id, column: c.name });
}
function findColumn(node, col) { const n = byId.get(node); return n ? n.columns.find(c => c.name.toLowerCase() === col.toLowerCase()) : null; }
function traceColumn(node, col) {
  const up = [], down = [], unknown = [], seen = new Set([colKey(node, col)]);
  const walkCols = (start, next, out) => {
    let frontier = [start];
    while (frontier.length) {
      const following = [];
      for (const ref of frontier) for (const r of next(ref)) {
        const k = colKey(r.node, r.column);
        if (seen.has(k)) continue;
        seen.add(k); out.push(r); following.push(r);
      }
      frontier = following;
    }
  };
  walkCols({ node, column: col }, r => {
    const c = findColumn(r.node, r.column);
    if (c && c.lineage && c.lineage.unknown.length) unknown.push(label(r.node) + '.' + r.column + ': ' + c.lineage.unknown.join('; '));
    return c && c.lineage ? c.lineage.sources : [];
  }, up);
  walkCols({ node, column: col }, r => downstreamIndex.get(colKey(r.node, r.column)) || [], down);
  const nodesUp = new Set(up.map(r => r.node)), nodesDown = new Set(down.map(r => r.node));
  for (const g of document.querySelectorAll('#nodes .node')) {
    const nid = g.getAttribute('data-id');
    g.classList.toggle('up', nodesUp.has(nid)); g.classList.toggle('down', nodesDown.has(nid));
    g.classList.toggle('dim', nid !== node && !nodesUp.has(nid) && !nodesDown.has(nid));
  }
  const link = r => `<a class="col-link" data-id="${esc(r.node)}" data-column="${esc(r.column)}">${esc(label(r.node))}.${esc(r.column)}</a>`;
  const box = $('column-trace');
  box.innerHTML = `<h3>Column trace: ${esc(col)}</h3>` +
    `<p><strong>Computed from</strong> (all upstream columns): ${up.length ? up.map(link).join(', ') : '<span class="hint">no upstream column</span>'}</p>` +
    (unknown.length ? `<p class="unknown">Not resolved on the way: ${unknown.map(esc).join('<br>')}</p>` : '') +
    `<p><strong>Used by</strong> (all downstream columns): ${down.length ? down.map(link).join(', ') : '<span class="hint">no downstream column</span>'}</p>`;
  for (const a of box.querySelectorAll('a.col-link')) a.addEventListener('click', () => selectNode(a.getAttribute('data-id'), a.getAttribute('data-column')));
  box.scrollIntoView({ block: 'nearest' });
  window.xformDocs.trace = { up, down, unknown };
}
window.xformDocs.traceColumn = traceColumn;
function selectNode(id, column) {
  if (!byId.has(id)) return;
  state.selected = id;
  if (!state.visible.has(id) || (byId.get(id).type === 'test' && !$('show-tests').checked)) { /* keep the graph; details still show */ }
  const opening = $('main').classList.contains('nothing-selected');
  $('main').classList.remove('nothing-selected');
  highlight(); showDetails(id);
  if (opening) reveal(id);
  for (const a of document.querySelectorAll('#node-list a')) a.classList.toggle('current', a.getAttribute('data-id') === id);
  if (column) { const row = document.querySelector(`#columns-table tr[data-column="${CSS.escape(column)}"]`); if (row) { row.style.background = '#fff3bf'; row.scrollIntoView({ block: 'center' }); } }
  location.hash = encodeURIComponent(id);
}
window.xformDocs.selectNode = selectNode;

// ---- sidebar and search ----
function sidebar() {
  const groups = ['model', 'seed', 'snapshot', 'source', 'test', 'exposure', 'semantic_model', 'metric', 'saved_query'];
  $('node-list').innerHTML = groups.map(g => {
    const items = nodes.filter(n => n.type === g).sort((a, b) => a.label.localeCompare(b.label));
    return items.length ? `<h4>${g}s (${items.length})</h4>` + items.map(n => `<a data-id="${esc(n.id)}" title="${esc(n.id)}">${esc(n.label)}</a>`).join('') : '';
  }).join('');
  for (const a of $('node-list').querySelectorAll('a')) a.addEventListener('click', () => selectNode(a.getAttribute('data-id')));
}
function search(q) {
  const box = $('search-results');
  q = q.trim().toLowerCase();
  if (!q) { box.innerHTML = ''; $('node-list').style.display = ''; return; }
  const hits = [];
  for (const n of nodes) {
    let why = null;
    if (n.label.toLowerCase().includes(q)) why = 'name';
    else if (n.columns.some(c => c.name.toLowerCase().includes(q))) why = 'column ' + n.columns.find(c => c.name.toLowerCase().includes(q)).name;
    else if ((n.description || '').toLowerCase().includes(q)) why = 'description';
    else if (n.columns.some(c => (c.description || '').toLowerCase().includes(q))) why = 'column description';
    else if ((n.raw_sql || '').toLowerCase().includes(q)) why = 'code';
    if (why) hits.push({ n, why });
  }
  $('node-list').style.display = 'none';
  box.innerHTML = `<h4>${hits.length} results</h4>` + hits.map(h => `<div class="hit" data-id="${esc(h.n.id)}">${esc(h.n.label)}<small>${esc(h.n.type)} · ${esc(h.why)}</small></div>`).join('');
  for (const e of box.querySelectorAll('.hit')) e.addEventListener('click', () => selectNode(e.getAttribute('data-id')));
}

function applyFilter() {
  const spec = $('filter').value.trim();
  try {
    state.visible = spec ? select(spec) : new Set(nodes.map(n => n.id));
    $('filter').classList.remove('bad'); $('filter').title = '';
  } catch (e) {
    $('filter').classList.add('bad'); $('filter').title = e.message; $('filter-status').textContent = e.message; return;
  }
  draw(); fit(true);
}

let timer = null;
$('filter').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(applyFilter, 250); });
$('filter').addEventListener('keydown', e => { if (e.key === 'Enter') { clearTimeout(timer); applyFilter(); } });
$('search').addEventListener('input', e => { if (document.body.classList.contains('no-sidebar')) { document.body.classList.remove('no-sidebar'); fit(true); } search(e.target.value); });
$('show-tests').addEventListener('change', () => { draw(); fit(true); });
$('fit').addEventListener('click', () => fit(false));
$('close-details').addEventListener('click', closeDetails);
$('toggle-sidebar').addEventListener('click', () => { document.body.classList.toggle('no-sidebar'); fit(true); });
window.xformDocs.filter = spec => { $('filter').value = spec; applyFilter(); return document.querySelectorAll('#nodes .node').length; };
sidebar();
state.visible = new Set(nodes.map(n => n.id));
draw(); fit(true);
// On a narrow screen the node list gives its room to the graph when the graph would not be readable beside it.
if (state.fitScale < MIN_SCREEN_FONT / LABEL_FONT) { document.body.classList.add('no-sidebar'); fit(true); }
window.addEventListener('resize', () => fit(true));
if (location.hash.length > 1) selectNode(decodeURIComponent(location.hash.slice(1)));
document.body.setAttribute('data-ready', 'true');
})();
""";
}
