// The packet walk: one ping's every frame and decision (what vpnsim trace
// prints), stepped through on the drawing. A frame step moves the packet
// over its link and shows its header stack as boxes, outermost first,
// exactly as on the wire; a decision step shows the router's one line.
const $ = (id) => document.getElementById(id);

// firstHost is an address to offer as a destination: a LAN's first host.
function firstHost(prefix) {
  const [a] = prefix.split('/');
  const o = a.split('.').map(Number);
  o[3] += 1;
  return o.join('.');
}

export class Walk {
  constructor(drawing, api, g) {
    this.d = drawing;
    this.api = api;
    this.steps = [];
    this.i = -1;
    this.timer = null;
    this.req = null;
    const from = $('walk-from');
    const names = g.nodes.map((n) => n.name);
    from.replaceChildren(...names.map((n) => new Option(n, n)));
    const ce = g.nodes.find((n) => n.role === 'ce');
    if (ce) from.value = ce.name;
    const addrs = [];
    for (const n of g.nodes) {
      for (const p of n.lans || []) addrs.push([firstHost(p), `${n.name} LAN ${p}`]);
      if (n.loopback) addrs.push([n.loopback, `${n.name} loopback`]);
    }
    $('walk-addrs').replaceChildren(...addrs.map(([a, label]) => new Option(label, a)));
    $('walk-form').addEventListener('submit', (e) => { e.preventDefault(); this.run(); });
    // a scenario's ping and traceroute steps (vpnsim web --scenario)
    api('GET', '/v1/walks').then((presets) => {
      if (presets.length === 0) return;
      const sel = $('walk-preset');
      sel.replaceChildren(new Option('(choose a step)', ''), ...presets.map((p, i) => new Option(p.label, String(i))));
      $('walk-preset-label').hidden = false;
      sel.addEventListener('change', () => {
        const p = presets[Number(sel.value)];
        if (!sel.value || !p) return;
        $('walk-from').value = p.probe.from;
        $('walk-to').value = p.probe.to;
        this.run(p.probe);
      });
    }).catch(() => {});
    $('walk-first').addEventListener('click', () => { this.pause(); this.show(0); });
    $('walk-back').addEventListener('click', () => { this.pause(); this.show(this.i - 1); });
    $('walk-fwd').addEventListener('click', () => { this.pause(); this.show(this.i + 1); });
    $('walk-play').addEventListener('click', () => (this.timer ? this.pause() : this.play()));
  }

  async run(req) {
    this.pause();
    this.req = req || { from: $('walk-from').value, to: $('walk-to').value.trim(), walk: true };
    $('walk-result').textContent = 'walking…';
    let r;
    try {
      r = await this.api('POST', '/v1/ping', this.req);
    } catch (e) {
      $('walk-result').textContent = e.message;
      return;
    }
    this.result = r;
    this.steps = r.walk || [];
    this.linkOf = this.steps.map((s) => (s.from ? this.d.ifLink.get(s.from) : undefined));
    // in a big network, show the walk's part of it
    if (this.d.big && this.steps.length > 0) {
      this.d.fit([...new Set(this.steps.map((st) => (st.node || st.from.split(':')[0])))]);
    }
    $('walk-result').textContent = outcome(this.req.from, r);
    $('walk-result').classList.toggle('dropped', r.result !== 'reply');
    const n = (Number(document.body.dataset.walk) || 0) + 1;
    // the capture of this walk: every frame, pcapng, for Wireshark
    const pcap = $('walk-pcap');
    pcap.href = r.capture || '';
    pcap.download = `walk-${this.req.from}-${this.req.to}.pcapng`;
    pcap.hidden = !r.capture;
    document.body.dataset.walk = String(n);
    this.show(0);
  }

  // rerun walks the same packet again (after a change: the new path).
  rerun() { if (this.req) this.run(this.req); }

  play() {
    if (this.i >= this.steps.length - 1) this.show(0);
    $('walk-play').textContent = '⏸';
    $('walk-play').setAttribute('aria-label', 'pause');
    this.timer = setInterval(() => {
      if (this.i >= this.steps.length - 1) return this.pause();
      this.show(this.i + 1);
    }, 1100);
  }

  pause() {
    clearInterval(this.timer);
    this.timer = null;
    $('walk-play').textContent = '▶';
    $('walk-play').setAttribute('aria-label', 'play');
  }

  show(i) {
    if (this.steps.length === 0) return;
    i = Math.max(0, Math.min(this.steps.length - 1, i));
    this.i = i;
    const s = this.steps[i];
    const crossed = new Set();
    let frame = null, note = null;
    for (let k = 0; k <= i; k++) {
      const st = this.steps[k];
      if (st.from) { frame = st; if (this.linkOf[k] !== undefined) crossed.add(this.linkOf[k]); } else note = st;
    }
    $('walk-pos').textContent = `step ${i + 1} of ${this.steps.length}`;
    const drop = !s.from && s.note.startsWith('dropped');
    if (s.from) {
      const [fn, fi] = s.from.split(':'), [tn, ti] = s.to.split(':');
      $('walk-where').textContent = `${fn} ${fi} → ${tn} ${ti}  (${(s.at_ms - this.steps[0].at_ms).toFixed(1)} ms)`;
      this.d.movePacket(s.from, s.to, s.headers[1] || '');
      this.d.mark(null, false, crossed);
    } else {
      $('walk-where').textContent = `at ${s.node}  (${(s.at_ms - this.steps[0].at_ms).toFixed(1)} ms)`;
      this.d.mark(s.node, drop, crossed);
      // no frame sent yet, a drop, a delivery: no packet on a link
      if (!frame || drop || s.note.startsWith('delivered')) this.d.hidePacket();
    }
    $('walk-where').dataset.frame = frame ? `${frame.from}>${frame.to}` : '';
    const ol = $('walk-stack');
    ol.replaceChildren();
    if (frame) {
      frame.headers.forEach((h, k) => {
        const li = document.createElement('li');
        li.className = frame.stack[k].kind;
        li.textContent = h.replace(/^\[|\]$/g, '');
        ol.append(li);
      });
    }
    const n = $('walk-note');
    n.textContent = note ? `${note.node}: ${note.note}` : '';
    n.classList.toggle('dropped', !!note && note.note.startsWith('dropped'));
  }
}

// outcome says in a phrase what came back, as vpnsim ping does.
function outcome(from, r) {
  switch (r.result) {
    case 'reply': return `reply from ${r.reply_from} (${r.reply_addr}), ${r.rtt_ms} ms`;
    case 'unreachable': return `unreachable: ${r.reply_from} (${r.reply_addr}) answered host unreachable (code ${r.code})`;
    case 'ttl-exceeded': return `TTL exceeded at ${r.reply_from} (${r.reply_addr})`;
  }
  if (r.dropped_at) return `lost: dropped at ${r.dropped_at} (${r.reason})`;
  if (r.delivered_to) return `lost: the answer from ${r.reply_from} reached ${r.delivered_to}, not ${from}`;
  if (r.silent) return `lost: the request reached ${r.silent}, which sent nothing back`;
  return 'lost';
}
