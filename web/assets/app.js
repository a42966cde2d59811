// The page of vpnsim web: the drawing, the packet walk, a node's tables,
// changes (with the token) and the event stream. It talks only to the
// control API of the server that served it (docs/control-api.md).
import { Drawing, linkName } from './draw.js';
import { Walk } from './walk.js';

const $ = (id) => document.getElementById(id);
const state = { graph: null, token: '', node: null, consoleSession: '' };

// The token comes in the URL's fragment (#token=...), which the browser
// never sends to a server; it is kept for this tab only.
function readToken() {
  const m = location.hash.match(/token=([0-9a-f]+)/);
  if (m) {
    sessionStorage.setItem('vpnsim-token', m[1]);
    history.replaceState(null, '', location.pathname);
  }
  state.token = sessionStorage.getItem('vpnsim-token') || '';
}

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (state.token) headers['X-Vpnsim-Token'] = state.token;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) {
    let msg = text;
    try { msg = JSON.parse(text).error || text; } catch { /* not JSON */ }
    throw new Error(msg);
  }
  return r.headers.get('Content-Type')?.startsWith('application/json') ? JSON.parse(text) : text;
}

function log(kind, what, time) {
  const li = document.createElement('li');
  li.className = kind;
  const t = time ? new Date(time).toLocaleTimeString() : new Date().toLocaleTimeString();
  li.textContent = `${t}  ${what}`;
  $('event-log').prepend(li);
  while ($('event-log').children.length > 200) $('event-log').lastChild.remove();
}

const canChange = () => !state.graph.token_required || state.token !== '';

function showMode() {
  $('mode').textContent = canChange() ? 'click a node for its tables, a link to fail or restore it' : 'watching (read-only: changes need the token)';
}

// changes: a link fails or comes back with a click
async function toggleLink(i) {
  const l = state.graph.links[i];
  if (!canChange()) { log('error', `${linkName(l)}: changes need the token vpnsim printed`); return; }
  const kind = l.failed ? 'restore' : 'fail';
  try {
    await api('POST', `/v1/${kind}`, { link: [l.a, l.b] });
  } catch (e) { log('error', e.message); }
}

async function toggleNode(name) {
  const n = state.graph.byName[name];
  try {
    await api('POST', `/v1/${n.down ? 'restore' : 'fail'}`, { node: name });
  } catch (e) { log('error', e.message); }
}

async function refresh() {
  const g = await api('GET', '/v1/graph');
  drawing.update(g);
  if (state.node) showNode(state.node);
  walk.rerun();
}

// a node's tables, as vpnsim show prints them
const TABLES = { ce: ['routes', 'interfaces', 'arp'], default: ['routes', 'vpnv4', 'lfib', 'ldp', 'ldp-neighbors', 'bgp', 'vrfs', 'interfaces', 'arp', 'evpn', 'mac', 'bgp-evpn'] };

function showNode(name) {
  state.node = name;
  drawing.select(name);
  const n = state.graph.byName[name];
  $('node').hidden = false;
  $('node-name').textContent = `${name} (${n.role.toUpperCase()}${n.loopback ? ', ' + n.loopback : ''})${n.down ? ' — down' : ''}`;
  const acts = $('node-actions');
  acts.replaceChildren();
  if (canChange()) {
    const b = document.createElement('button');
    b.textContent = n.down ? `restore ${name}` : `fail ${name}`;
    b.id = 'node-toggle';
    b.addEventListener('click', () => toggleNode(name));
    const c = document.createElement('button');
    c.textContent = 'console';
    c.addEventListener('click', () => openConsole(name));
    acts.append(b, ' ', c);
  }
  const sel = $('node-table');
  const want = sel.value;
  sel.replaceChildren(...(TABLES[n.role] || TABLES.default).map((t) => new Option(t, t)));
  if ([...sel.options].some((o) => o.value === want)) sel.value = want;
  const vs = $('node-vrf');
  const wantVRF = vs.value;
  vs.replaceChildren(new Option('(global)', ''), ...(n.role === 'pe' ? state.graph.vrfs : []).map((v) => new Option(v, v)));
  vs.value = [...vs.options].some((o) => o.value === wantVRF) ? wantVRF : '';
  $('node-vrf-label').hidden = n.role !== 'pe';
  loadTable();
}

async function loadTable() {
  const q = new URLSearchParams({ node: state.node, table: $('node-table').value, vrf: $('node-vrf').value, format: 'text' });
  try {
    $('node-out').textContent = await api('GET', `/v1/show?${q}`);
  } catch (e) { $('node-out').textContent = e.message; }
}

// the router console, in the node's pane
async function openConsole(name) {
  state.consoleSession = '';
  $('console-form').hidden = false;
  $('console-out').textContent = '';
  await consoleLine('', name);
  $('console-line').focus();
}

async function consoleLine(line, router) {
  try {
    const r = await api('POST', '/v1/console', { session: state.consoleSession || undefined, router, line });
    state.consoleSession = r.session;
    const out = $('console-out');
    if (line !== '' || r.output) out.textContent += `${$('console-prompt').textContent} ${line}\n${r.output}`;
    out.scrollTop = out.scrollHeight;
    $('console-prompt').textContent = r.prompt;
    if (r.done) { $('console-form').hidden = true; state.consoleSession = ''; }
  } catch (e) { $('console-out').textContent += e.message + '\n'; }
}

// listen opens the event stream; the promise resolves once it is open
// (or has failed once: the page works without it, only not live).
function listen() {
  const es = new EventSource('/v1/events');
  es.addEventListener('change', (ev) => { const e = JSON.parse(ev.data); log('change', `${e.what}: converging…`, e.time); });
  es.addEventListener('log', (ev) => { const e = JSON.parse(ev.data); log('log', e.what, e.time); });
  es.addEventListener('converged', (ev) => {
    const e = JSON.parse(ev.data);
    log('change', `${e.what}: converged`, e.time);
    if (state.graph) refresh();
  });
  let broken = false;
  return new Promise((opened) => {
    es.onerror = () => { if (!broken) log('error', 'the event stream broke; reconnecting'); broken = true; opened(); };
    // back after a break: what happened meanwhile is in the graph
    es.onopen = () => {
      opened();
      if (broken) { broken = false; log('log', 'the event stream is back'); if (state.graph) refresh(); }
    };
  });
}

let drawing, walk;

async function main() {
  readToken();
  drawing = new Drawing($('net'), { node: showNode, link: toggleLink });
  // the stream first, then the graph: no change falls between the two
  const streaming = listen();
  const g = await api('GET', '/v1/graph');
  state.graph = g;
  document.title = `vpnsim: ${g.name}`;
  $('title').textContent = g.name;
  $('desc').textContent = g.description || '';
  drawing.draw(g);
  drawing.legend($('legend'));
  showMode();
  walk = new Walk(drawing, api, g);
  $('zoom-in').addEventListener('click', () => drawing.zoom(1 / 1.4));
  $('zoom-out').addEventListener('click', () => drawing.zoom(1.4));
  $('zoom-fit').addEventListener('click', () => drawing.fit());
  $('node-table').addEventListener('change', loadTable);
  $('node-vrf').addEventListener('change', loadTable);
  $('console-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const line = $('console-line').value;
    $('console-line').value = '';
    consoleLine(line);
  });
  await streaming;
  log('log', `${g.name}: ${g.nodes.length} nodes, ${g.links.length} links, converged`);
  window.vpnsimReady = performance.now(); // the browser test and the benchmark wait for it
  document.body.dataset.ready = 'true';
}

main().catch((e) => { $('desc').textContent = `cannot load the network: ${e.message}`; });
