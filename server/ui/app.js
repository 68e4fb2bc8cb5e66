// The dashboard of `defender-scan serve`: reads /api/bans and /api/activity
// every 3 seconds and lifts a ban with POST /api/unblock. Every value is
// put in the page as text (textContent), never as markup: a log line that
// carries <script> shows as those characters. No inline handlers (the
// page's Content-Security-Policy allows only this file).
'use strict';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('defender-token') || '';
let bans = [];
let sortKey = 'target', sortUp = true;

// #token=... in the address (a bookmark, a test) is taken and removed from it.
const fragment = location.hash.match(/^#token=(.+)$/);
if (fragment) {
  token = decodeURIComponent(fragment[1]);
  sessionStorage.setItem('defender-token', token);
  history.replaceState(null, '', location.pathname);
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el('td', c));
  return tr;
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (options.body) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, { ...options, headers, cache: 'no-store' });
  if (res.status === 401) {
    askToken(token ? 'That token was refused.' : '');
    throw new Error('token');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `${path}: ${res.status}`);
  return body;
}

function askToken(message) {
  $('main').hidden = true;
  $('token-form').hidden = false;
  $('token-error').textContent = message;
  $('status').textContent = 'token needed';
}

function bars(svg, values) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  const max = Math.max(1, ...values);
  const bw = w / Math.max(1, values.length);
  values.forEach((v, i) => {
    if (!v) return;
    const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const bh = Math.max(1, (v * (h - 2)) / max);
    r.setAttribute('x', i * bw);
    r.setAttribute('y', h - bh);
    r.setAttribute('width', Math.max(bw - 1, 0.5));
    r.setAttribute('height', bh);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = String(v);
    r.appendChild(title);
    svg.appendChild(r);
  });
}

function renderBans() {
  const query = $('ban-search').value.trim().toLowerCase();
  const shown = bans
    .filter((b) => !query || `${b.target} ${b.reason} ${b.node}`.toLowerCase().includes(query))
    .sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return sortUp ? order : -order;
    });
  const body = $('bans').tBodies[0];
  body.replaceChildren();
  for (const b of shown) {
    const unban = el('button', 'unban');
    unban.dataset.target = b.target;
    const td = el('td');
    td.appendChild(unban);
    body.appendChild(row([el('td', b.target, 'target'), b.reason, b.since, b.until, el('td', b.ban_count, 'n'),
                          b.node || 'this node', td]));
  }
  $('ban-count').textContent = `(${shown.length} of ${bans.length})`;
}

function render(banList, activity) {
  const p = activity.pipeline;
  const a = p.activity;
  $('token-form').hidden = true;
  $('main').hidden = false;
  $('status').textContent = `log clock ${p.clock} · refreshed ${new Date().toLocaleTimeString()}`;
  const cards = $('cards');
  cards.replaceChildren();
  const check = activity.check;
  for (const [label, value] of [['lines read', p.lines], ['active bans', p.active_bans],
                                ['alerts, last hour', a.minutes.reduce((s, m) => s + m.alerts, 0)],
                                ['checks answered', check.requests],
                                ['check p50', check.requests ? `≤ ${check.p50_ms} ms` : '-'],
                                ['check p99', check.requests ? `≤ ${check.p99_ms} ms` : '-']]) {
    const card = el('div', null, 'card');
    card.appendChild(el('b', value));
    card.appendChild(document.createTextNode(label));
    cards.appendChild(card);
  }
  bars($('chart-requests'), a.minutes.map((m) => m.requests));
  bars($('chart-alerts'), a.minutes.map((m) => m.alerts));
  bars($('chart-bans'), a.minutes.map((m) => m.bans));

  bans = banList.bans;
  renderBans();

  const recent = $('recent').tBodies[0];
  recent.replaceChildren();
  for (const r of a.recent) {
    const evidence = el('td');
    evidence.appendChild(el('pre', r.evidence, 'evidence'));
    recent.appendChild(row([r.time, r.action, r.scenario, el('td', r.target, 'target'), evidence]));
  }
  const scenarios = $('scenarios').tBodies[0];
  scenarios.replaceChildren();
  for (const s of a.scenarios) scenarios.appendChild(row([s.name, el('td', s.alerts, 'n'), el('td', s.bans, 'n')]));
  const inputs = $('inputs').tBodies[0];
  inputs.replaceChildren();
  for (const i of p.inputs) inputs.appendChild(row([i.name, el('td', i.lines, 'n'), i.open ? 'open' : 'ended']));
  $('fleet').textContent = p.fleet
    ? `Fleet: Redis ${p.fleet.redis} ${p.fleet.connected ? 'connected' : 'NOT connected'}, ` +
      `${p.fleet.queued} queued, ${p.fleet.published} published, ${p.fleet.received} received, ${p.fleet.refused} refused`
    : 'No fleet (--redis) configured.';
}

async function refresh() {
  try {
    const [banList, activity] = await Promise.all([api('/api/bans'), api('/api/activity')]);
    render(banList, activity);
  } catch (e) {
    if (e.message !== 'token') $('status').textContent = `not reachable: ${e.message}`;
  }
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem('defender-token', token);
  refresh();
});
$('ban-search').addEventListener('input', renderBans);
$('bans').tHead.addEventListener('click', (event) => {
  const key = event.target.dataset && event.target.dataset.key;
  if (!key) return;
  sortUp = key === sortKey ? !sortUp : true;
  sortKey = key;
  renderBans();
});
$('bans').tBodies[0].addEventListener('click', async (event) => {
  const target = event.target.dataset && event.target.dataset.target;
  if (!target) return;
  try {
    await api('/api/unblock', { method: 'POST', body: JSON.stringify({ ip: target }) });
    $('unban-error').textContent = '';
  } catch (e) {
    if (e.message !== 'token') $('unban-error').textContent = `unban ${target}: ${e.message}`;
  }
  refresh();
});
refresh();
setInterval(refresh, 3000);
