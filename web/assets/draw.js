// The network as SVG: every node and link is an element with an accessible
// name (aria-label and a <title>), so a screen reader, a test and a
// projector all see the same drawing. Zoom with the wheel or the buttons,
// pan by dragging.

const NS = 'http://www.w3.org/2000/svg';
// VRF colours: distinct on a projector and for the common colour blindnesses
// (Okabe and Ito), then a few more.
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c564b', '#7f7f7f', '#bcbd22', '#17becf'];
const ROLE = { pe: 'PE router', p: 'P router', rr: 'route reflector', ce: 'CE router' };

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// vrfColour is a VRF's or an EVPN instance's colour (one list: VRFs, then
// EVPN instances).
export function vrfColour(g, vrf) {
  const i = [...g.vrfs, ...(g.evpns || [])].indexOf(vrf);
  return i < 0 ? '#444' : PALETTE[i % PALETTE.length];
}

export function linkName(l) { return `${l.a}–${l.b}`; }

function linkLabel(l, g) {
  const ends = `link ${linkName(l)} (${l.a} ${l.a_if}, ${l.b} ${l.b_if})`;
  const what = l.vrf ? `attachment circuit in VRF ${l.vrf}` : l.evpn ? `attachment circuit in EVPN ${l.evpn}` : l.metric ? `metric ${l.metric}` : 'link';
  return `${ends}, ${what}, ${l.failed || downEnd(l, g) ? 'down' : 'up'}`;
}

function downEnd(l, g) { return g.byName[l.a].down || g.byName[l.b].down; }

function nodeLabel(n) {
  let s = `${n.name}, ${ROLE[n.role] || n.role}`;
  if (n.loopback) s += `, loopback ${n.loopback}`;
  if (n.vrf) s += `, in ${n.vrf}`;
  return s + (n.down ? ', down' : ', up');
}

// Drawing owns the SVG element: draw once, then update states.
export class Drawing {
  constructor(svg, handlers) {
    this.svg = svg;
    this.on = handlers; // {node(name), link(index)}
    this.view = null;
    this.zoomable();
  }

  draw(g) {
    this.g = g;
    g.byName = {};
    for (const n of g.nodes) g.byName[n.name] = n;
    // a CE takes the colour of its attachment's VRF
    for (const l of g.links) {
      const group = l.vrf || l.evpn;
      if (!group) continue;
      for (const end of [l.a, l.b]) if (g.byName[end].role === 'ce' && !g.byName[end].vrf) g.byName[end].vrf = group;
    }
    this.ifLink = new Map(); // NODE:IF -> link index
    g.links.forEach((l, i) => { this.ifLink.set(`${l.a}:${l.a_if}`, i); this.ifLink.set(`${l.b}:${l.b_if}`, i); });
    const svg = this.svg;
    svg.replaceChildren();
    const big = g.nodes.length > 150;
    const links = el('g', { id: 'links', 'aria-label': 'links', role: 'list' }, svg);
    const nodes = el('g', { id: 'nodes', 'aria-label': 'nodes', role: 'list' }, svg);
    this.linkEls = g.links.map((l, i) => {
      const a = g.byName[l.a], b = g.byName[l.b];
      const grp = el('g', { class: 'link', role: 'listitem', tabindex: big ? -1 : 0, 'data-link': linkName(l) }, links);
      const colour = l.vrf || l.evpn ? vrfColour(g, l.vrf || l.evpn) : null;
      const wire = el('line', { class: 'wire', x1: a.x, y1: a.y, x2: b.x, y2: b.y }, grp);
      if (colour) wire.style.stroke = colour;
      el('line', { class: 'hit', x1: a.x, y1: a.y, x2: b.x, y2: b.y }, grp);
      el('title', {}, grp);
      if (l.metric) {
        const t = el('text', { class: 'metric', x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, grp);
        t.textContent = l.metric;
      }
      grp.addEventListener('click', () => this.on.link(i));
      grp.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.on.link(i); } });
      return grp;
    });
    this.nodeEls = new Map();
    for (const n of g.nodes) {
      const grp = el('g', { class: `node ${n.role}`, role: 'button', tabindex: big ? -1 : 0, 'data-node': n.name, transform: `translate(${n.x},${n.y})` }, nodes);
      let shape;
      if (n.role === 'ce') {
        shape = el('rect', { class: 'shape', x: -13, y: -13, width: 26, height: 26, rx: 5 }, grp);
        if (n.vrf) shape.style.fill = vrfColour(g, n.vrf);
      } else {
        shape = el('circle', { class: 'shape', r: n.role === 'p' ? 14 : 16 }, grp);
      }
      el('title', {}, grp);
      const t = el('text', { y: -22 }, grp);
      t.textContent = n.name;
      grp.addEventListener('click', () => this.on.node(n.name));
      grp.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.on.node(n.name); } });
      this.nodeEls.set(n.name, grp);
    }
    this.packet = el('circle', { id: 'packet', r: 9, visibility: 'hidden' }, svg);
    this.packetLabel = el('text', { id: 'packet-label', visibility: 'hidden' }, svg);
    this.update(g);
    this.fit();
    this.big = big;
  }

  // update applies a fresh graph's states (down, failed, metric) to the
  // elements drawn.
  update(fresh) {
    const g = this.g;
    for (const n of fresh.nodes) {
      const old = g.byName[n.name];
      old.down = !!n.down;
      const e = this.nodeEls.get(n.name);
      e.classList.toggle('down', old.down);
      e.setAttribute('aria-label', nodeLabel(old));
      e.querySelector('title').textContent = nodeLabel(old);
    }
    fresh.links.forEach((l, i) => {
      const old = g.links[i];
      old.failed = !!l.failed;
      old.metric = l.metric;
      const e = this.linkEls[i];
      e.classList.toggle('failed', old.failed || downEnd(old, g));
      e.setAttribute('aria-label', linkLabel(old, g));
      e.querySelector('title').textContent = linkLabel(old, g);
      const m = e.querySelector('text.metric');
      if (m) m.textContent = old.metric;
    });
  }

  // zoom and pan: the viewBox is the view
  setView(v) {
    this.view = v;
    this.svg.setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
    // labels smaller than about 7 pixels on screen are left out
    const px = Math.min(this.svg.clientWidth / v.w, this.svg.clientHeight / v.h);
    this.svg.classList.toggle('far', px * 15 < 7);
  }

  // fit shows the nodes named (default: all of them).
  fit(names) {
    const ns = names ? names.map((n) => this.g.byName[n]).filter(Boolean) : this.g.nodes;
    if (ns.length === 0) return;
    const xs = ns.map((n) => n.x), ys = ns.map((n) => n.y);
    const x0 = Math.min(...xs) - 60, y0 = Math.min(...ys) - 60;
    this.setView({ x: x0, y: y0, w: Math.max(...xs) - x0 + 60, h: Math.max(...ys) - y0 + 60 });
  }

  zoom(f, cx, cy) {
    const v = this.view;
    if (cx === undefined) { cx = v.x + v.w / 2; cy = v.y + v.h / 2; }
    this.setView({ x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f, w: v.w * f, h: v.h * f });
  }

  toUser(ev) {
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(this.svg.getScreenCTM().inverse());
    return p;
  }

  zoomable() {
    const svg = this.svg;
    svg.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const p = this.toUser(ev);
      this.zoom(ev.deltaY > 0 ? 1.2 : 1 / 1.2, p.x, p.y);
    }, { passive: false });
    let drag = null;
    svg.addEventListener('pointerdown', (ev) => {
      drag = { x: ev.clientX, y: ev.clientY, v: { ...this.view }, moved: false, id: ev.pointerId };
    });
    svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) { drag.moved = true; svg.setPointerCapture(drag.id); svg.classList.add('dragging'); }
      const s = drag.v.w / svg.clientWidth;
      const k = Math.max(s, drag.v.h / svg.clientHeight);
      this.setView({ ...drag.v, x: drag.v.x - dx * k, y: drag.v.y - dy * k });
    });
    const end = (ev) => {
      if (drag && drag.moved) {
        svg.classList.remove('dragging');
        // the click that ends a drag selects nothing
        svg.addEventListener('click', (e) => e.stopPropagation(), { capture: true, once: true });
      }
      drag = null;
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    window.addEventListener('resize', () => this.view && this.setView(this.view));
  }

  select(name) {
    for (const [n, e] of this.nodeEls) e.classList.toggle('selected', n === name);
  }

  // mark shows a walk step: the node at work (drop: where it was dropped),
  // the links crossed so far, and the packet on its link.
  mark(at, drop, crossed) {
    for (const [n, e] of this.nodeEls) {
      e.classList.toggle('at', n === at && !drop);
      e.classList.toggle('drop', n === at && drop);
    }
    this.linkEls.forEach((e, i) => e.classList.toggle('path', crossed.has(i)));
  }

  // movePacket puts the packet on the link between NODE:IF from and to,
  // moving from the sender to the receiver, labelled with its top header.
  movePacket(from, to, label) {
    const a = this.g.byName[from.split(':')[0]], b = this.g.byName[to.split(':')[0]];
    if (!a || !b) return this.hidePacket();
    const p = this.packet, t = this.packetLabel;
    p.setAttribute('visibility', 'visible');
    t.setAttribute('visibility', 'visible');
    t.textContent = label;
    const start = performance.now(), dur = 500;
    const anim = (now) => {
      const f = Math.min(1, (now - start) / dur);
      const x = a.x + (b.x - a.x) * (0.15 + 0.7 * f), y = a.y + (b.y - a.y) * (0.15 + 0.7 * f);
      p.setAttribute('cx', x); p.setAttribute('cy', y);
      t.setAttribute('x', x + 12); t.setAttribute('y', y - 14);
      if (f < 1 && this.packetAnim === anim) requestAnimationFrame(anim);
    };
    this.packetAnim = anim;
    requestAnimationFrame(anim);
  }

  hidePacket() {
    this.packetAnim = null;
    this.packet.setAttribute('visibility', 'hidden');
    this.packetLabel.setAttribute('visibility', 'hidden');
  }

  legend(div) {
    div.replaceChildren();
    const add = (colour, text) => {
      const s = document.createElement('span');
      const i = document.createElement('i');
      i.style.background = colour;
      s.append(i, text);
      div.append(s);
    };
    for (const v of this.g.vrfs) add(vrfColour(this.g, v), `VRF ${v}`);
    for (const v of this.g.evpns || []) add(vrfColour(this.g, v), `EVPN ${v}`);
    add('#444', 'provider link (metric)');
    add('#c00', 'down');
  }
}
