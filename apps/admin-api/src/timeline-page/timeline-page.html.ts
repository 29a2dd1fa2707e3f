/**
 * The read-only project page: a status card, the development timeline as an SVG chart, and the history. Plain HTML
 * and browser JavaScript on purpose — no build step — reading the same API an integrator would, with the key the
 * visitor types in (kept in this browser's localStorage only).
 */
export const TIMELINE_PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reelwire · project timeline</title>
<style>
  :root { --ink: #1d2430; --muted: #667085; --line: #d0d5dd; --accent: #1f6feb; --dev: #fff4d6; --fix: #c0392b; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans KR", sans-serif; color: var(--ink); }
  body { margin: 0; background: #f6f7f9; }
  header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.25rem; background: #101828; color: #fff; flex-wrap: wrap; }
  header h1 { font-size: 1.1rem; margin: 0 1rem 0 0; font-weight: 600; }
  header input, header select { font: inherit; padding: .35rem .5rem; border-radius: 6px; border: 1px solid #475467; background: #fff; color: var(--ink); }
  #search { width: 16rem; } #project { min-width: 22rem; max-width: 40rem; } #key { width: 10rem; }
  main { padding: 1rem 1.25rem 3rem; max-width: 1200px; margin: 0 auto; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
  h2 { font-size: 1.25rem; margin: 0 0 .25rem; } h3 { font-size: .95rem; margin: 1rem 0 .4rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
  .titles { color: var(--muted); margin: 0 0 .75rem; }
  .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .5rem 1.5rem; margin: 0; }
  .facts dt { font-size: .8rem; color: var(--muted); } .facts dd { margin: 0 0 .25rem; }
  .badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; background: #eef4ff; color: var(--accent); font-weight: 600; font-size: .85rem; }
  .note { font-size: .85rem; color: var(--fix); }
  svg text { font-size: 11px; fill: var(--ink); } svg .axis { stroke: var(--line); } svg .tick { fill: var(--muted); }
  svg .dev { fill: var(--dev); stroke: #f5b700; } svg .lane { fill: var(--muted); font-weight: 600; }
  svg .mark { fill: var(--accent); } svg .range { fill: #1f6feb33; stroke: var(--accent); }
  svg .fixed .mark, svg .fixed .range { fill: #fff; stroke: var(--fix); stroke-dasharray: 3 2; } svg .fixed text { fill: var(--fix); text-decoration: line-through; }
  table { width: 100%; border-collapse: collapse; font-size: .88rem; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; } .legend { font-size: .8rem; color: var(--muted); display: flex; gap: 1.25rem; flex-wrap: wrap; margin-top: .5rem; }
  .legend span::before { content: ""; display: inline-block; width: .9rem; height: .6rem; margin-right: .3rem; vertical-align: middle; border: 1px solid; }
  .l-dev::before { background: var(--dev); border-color: #f5b700 !important; } .l-range::before { background: #1f6feb33; border-color: var(--accent) !important; }
  .l-day::before { background: var(--accent); border-radius: 50%; width: .6rem !important; } .l-fix::before { border-style: dashed !important; border-color: var(--fix) !important; }
  #message { color: var(--muted); } .error { color: var(--fix) !important; }
</style>
</head>
<body>
<header>
  <h1>reelwire</h1>
  <label>Find <input id="search" type="search" placeholder="title in any language" aria-label="Search projects by title"></label>
  <label>Project <select id="project" aria-label="Project"></select></label>
  <label>API key <input id="key" type="password" aria-label="API key"></label>
</header>
<main>
  <p id="message">Loading projects…</p>
  <section id="card" hidden></section>
  <section id="timeline-section" hidden>
    <h3>Development timeline</h3>
    <div id="timeline"></div>
    <div class="legend"><span class="l-dev">development span</span><span class="l-range">known to a year or month</span><span class="l-day">known to the day</span><span class="l-fix">corrected or retracted (hover for the note)</span></div>
  </section>
  <section id="history-section" hidden>
    <h3>History (every recorded event)</h3>
    <table><thead><tr><th>recorded</th><th>by</th><th>event</th><th>in the world</th><th>source</th><th>note</th></tr></thead><tbody id="history"></tbody></table>
  </section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const keyInput = $('key');
keyInput.value = localStorage.getItem('reelwire-key') || 'dev-auditor-key';
keyInput.addEventListener('change', () => { localStorage.setItem('reelwire-key', keyInput.value); loadProjects(); });

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: 'Bearer ' + keyInput.value } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || body.title || response.statusText);
  return body;
}
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const showDate = (d) => d ? d.date + (d.precision === 'day' ? '' : ' (' + d.precision + ')') : '—';
function message(text, isError) { const m = $('message'); m.textContent = text; m.className = isError ? 'error' : ''; m.hidden = !text; }

async function loadProjects() {
  try {
    const q = $('search').value.trim();
    const page = await api('/projects?limit=100' + (q ? '&q=' + encodeURIComponent(q) : ''));
    const select = $('project');
    select.innerHTML = page.items.map((p) => '<option value="' + esc(p.workId) + '">' + esc(p.primaryTitle) + (p.productionYear ? ' (' + p.productionYear + ')' : '') + ' · ' + esc(p.status) + '</option>').join('');
    const wanted = params.get('work');
    if (wanted && page.items.some((p) => p.workId === wanted)) select.value = wanted;
    if (page.items.length === 0) { message('No project matches.'); return; }
    message('');
    await show(select.value);
  } catch (error) { message(error.message, true); }
}
$('search').addEventListener('input', () => { clearTimeout(window.searchTimer); window.searchTimer = setTimeout(loadProjects, 250); });
$('project').addEventListener('change', (event) => { params.set('work', event.target.value); history.replaceState(null, '', '?' + params); show(event.target.value); });

async function show(workId) {
  try {
    const [status, timeline, events] = await Promise.all([api('/projects/' + workId), api('/projects/' + workId + '/timeline'), api('/works/' + workId + '/history')]);
    renderCard(status);
    renderTimeline(status, timeline);
    renderHistory(events.entries);
  } catch (error) { message(error.message, true); }
}

function people(byRole) {
  return Object.entries(byRole || {}).map(([role, list]) => '<dt>' + esc(role) + '</dt><dd>' + list.map((p) => esc(p.name || p.personId || p.organizationId) + (p.country ? ' <small>(' + esc(p.country) + ')</small>' : '') + (p.character ? ' as ' + esc(p.character) : '')).join(', ') + '</dd>').join('');
}

function renderCard(s) {
  const card = $('card');
  card.hidden = false;
  card.innerHTML =
    '<h2>' + esc(s.primaryTitle && s.primaryTitle.text) + ' <span class="badge" data-testid="status">' + esc(s.status) + '</span></h2>' +
    '<p class="titles">' + s.titles.filter((t) => !s.primaryTitle || t.text !== s.primaryTitle.text).map((t) => esc(t.text) + ' <small>[' + esc(t.language) + ']</small>').join(' · ') + '</p>' +
    '<dl class="facts">' +
      '<dt>status since</dt><dd>' + showDate(s.statusSince) + '</dd>' +
      '<dt>kind · countries</dt><dd>' + esc(s.kind) + ' · ' + esc(s.countries.join(', ')) + '</dd>' +
      (s.originalWork ? '<dt>' + esc(s.originalWork.relation) + '</dt><dd><a href="?work=' + esc(s.originalWork.workId) + '">' + esc(s.originalWork.primaryTitle) + '</a></dd>' : '') +
      (s.developmentYears !== null
        ? s.inDevelopment
          ? '<dt>in development</dt><dd data-testid="development">' + s.developmentYears + ' years, since ' + showDate(s.developmentStart) + '</dd>'
          : '<dt>developed</dt><dd data-testid="development">' + s.developmentYears + ' years, ' + showDate(s.developmentStart) + ' → release ' + showDate(s.developmentEnd) + '</dd>'
        : '') +
      (s.latestMilestone ? '<dt>latest milestone</dt><dd>' + esc(s.latestMilestone.label) + ' · ' + showDate(s.latestMilestone.date || s.latestMilestone.occurredAt) + '</dd>' : '') +
      people(s.companiesByRole) + people(s.peopleByRole) +
    '</dl>' +
    (s.notes && s.notes.length ? '<h3>Editor\'s notes</h3>' + s.notes.map((n) => '<p class="note">' + esc(n.note) + '</p>').join('') : '') +
    '<p class="titles"><small>as of log position ' + esc(s.freshness.globalPosition) + '</small></p>';
}

const start = (d) => new Date(Date.UTC(+d.date.slice(0, 4), d.date.length >= 7 ? +d.date.slice(5, 7) - 1 : 0, d.date.length === 10 ? +d.date.slice(8, 10) : 1));
function end(d) {
  const s = start(d);
  if (d.precision === 'year') return new Date(Date.UTC(s.getUTCFullYear() + 1, 0, 1));
  if (d.precision === 'month') return new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1));
  return new Date(s.getTime() + 86400000);
}

function renderTimeline(status, timeline) {
  $('timeline-section').hidden = false;
  const entries = timeline.entries;
  const box = $('timeline');
  if (entries.length === 0) { box.innerHTML = '<p class="titles">No dated facts yet.</p>'; return; }
  const lanes = [...new Set(entries.map((e) => e.kind))];
  const years = entries.flatMap((e) => [start(e.occurredAt).getUTCFullYear(), end(e.occurredAt).getUTCFullYear()]);
  if (status.developmentStart) years.push(start(status.developmentStart).getUTCFullYear());
  if (status.inDevelopment) years.push(new Date().getUTCFullYear() + 1);
  const from = Date.UTC(Math.min(...years), 0, 1), to = Date.UTC(Math.max(...years) + (years.every((y) => y === years[0]) ? 1 : 0), 0, 1);
  const left = 150, width = 1000, rowHeight = 34, top = 30;
  const x = (date) => left + ((date.getTime() - from) / (to - from)) * (width - left - 10);
  const labelOf = (e) => (e.label.length > 48 ? e.label.slice(0, 46) + '…' : e.label);
  // Entries of one lane that would overlap (same date, long labels) go to the next row of that lane.
  const placed = entries.map((e) => ({ e, x0: x(start(e.occurredAt)), x1: x(end(e.occurredAt)) }));
  const laneRows = lanes.map((lane) => {
    const rowEnds = [];
    for (const p of placed.filter((p) => p.e.kind === lane)) {
      const labelWidth = labelOf(p.e).length * 6.4 + 8;
      const anchoredEnd = p.x0 + labelWidth > width - 10;
      const leftEdge = anchoredEnd ? Math.max(p.x1, p.x0 + 4) - labelWidth : p.x0;
      const right = anchoredEnd ? Math.max(p.x1, p.x0 + 4) : Math.max(p.x1, p.x0 + labelWidth);
      let row = rowEnds.findIndex((endX) => endX < leftEdge);
      if (row === -1) row = rowEnds.push(0) - 1;
      rowEnds[row] = right;
      p.row = row;
    }
    return Math.max(1, rowEnds.length);
  });
  const laneTop = laneRows.map((_, i) => top + laneRows.slice(0, i).reduce((a, b) => a + b, 0) * rowHeight);
  const height = top + laneRows.reduce((a, b) => a + b, 0) * rowHeight + 30;
  const parts = ['<svg role="img" aria-label="Development timeline" data-testid="timeline-chart" viewBox="0 0 ' + width + ' ' + height + '" width="100%">'];
  if (status.developmentStart) {
    const devEnd = status.inDevelopment ? new Date() : status.developmentEnd ? end(status.developmentEnd) : (timeline.span ? end(timeline.span.to) : new Date());
    const x0 = x(start(status.developmentStart)), x1 = x(devEnd);
    parts.push('<rect class="dev" data-testid="development-span" x="' + x0 + '" y="' + (top - 18) + '" width="' + Math.max(2, x1 - x0) + '" height="' + (height - top - 12) + '" rx="4"></rect>');
    parts.push('<text x="' + (x0 + 4) + '" y="' + (top - 6) + '">development' + (status.developmentYears !== null ? ': ' + status.developmentYears + (status.inDevelopment ? ' years to date' : ' years to release') : '') +
      (timeline.span ? ' · dated facts ' + timeline.span.from.date + ' → ' + timeline.span.to.date + ' (' + timeline.span.years + ' years)' : '') + '</text>');
  }
  for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
    const tx = x(new Date(Date.UTC(year, 0, 1)));
    parts.push('<line class="axis" x1="' + tx + '" x2="' + tx + '" y1="' + top + '" y2="' + (height - 22) + '"></line><text class="tick" x="' + (tx + 2) + '" y="' + (height - 8) + '">' + year + '</text>');
  }
  lanes.forEach((lane, i) => parts.push('<text class="lane" x="4" y="' + (laneTop[i] + 20) + '">' + esc(lane) + '</text>'));
  placed.forEach(({ e, x0, x1, row }) => {
    const y = laneTop[lanes.indexOf(e.kind)] + row * rowHeight + 8;
    const fixed = e.corrected || e.retracted;
    const tip = esc(e.label + ' — ' + showDate(e.occurredAt) + (e.corrected ? ' — corrected: ' : e.retracted ? ' — retracted: ' : '') + (fixed ? e.note || '' : ''));
    parts.push('<g class="entry' + (fixed ? ' fixed' : '') + '" data-testid="entry" data-precision="' + esc(e.occurredAt.precision) + '" data-fixed="' + fixed + '"><title>' + tip + '</title>');
    if (e.occurredAt.precision === 'day') parts.push('<circle class="mark" cx="' + x0 + '" cy="' + (y + 8) + '" r="6"></circle>');
    else parts.push('<rect class="range" x="' + x0 + '" y="' + y + '" width="' + Math.max(4, x1 - x0) + '" height="16" rx="3"></rect>');
    // Labels near the right edge end at their mark instead of running off the chart.
    const runsOff = x0 + labelOf(e).length * 6.4 > width - 10;
    parts.push('<text x="' + (runsOff ? Math.max(x1, x0 + 4) - 3 : x0 + 3) + '" y="' + (y + 28) + '"' + (runsOff ? ' text-anchor="end"' : '') + '>' + esc(labelOf(e)) + '</text></g>');
  });
  parts.push('</svg>');
  box.innerHTML = parts.join('');
}

function renderHistory(entries) {
  $('history-section').hidden = false;
  $('history').innerHTML = entries.slice().reverse().map((e) =>
    '<tr data-testid="history-row"><td>' + esc(e.recordedAt.replace('T', ' ').slice(0, 19)) + '</td><td>' + esc(e.actor.id) + '</td><td>' + esc(e.type) + '</td><td>' + showDate(e.occurredAt) + '</td><td>' +
    (e.source.url ? '<a href="' + esc(e.source.url) + '">' + esc(e.source.publisher) + '</a>' : esc(e.source.publisher)) +
    (e.source.confidential ? ' <small>(confidential source' + (e.source.confidential.erased ? ', erased' : '') + ')</small>' : '') + '</td><td>' + esc(e.note) + '</td></tr>').join('');
}

loadProjects();
</script>
</body>
</html>`;
