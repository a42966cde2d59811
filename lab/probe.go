package lab

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// Probe results, as the scenario contract names them.
const (
	Reply       = "reply"
	Unreachable = "unreachable"
	TTLExceeded = "ttl-exceeded"
	Lost        = "lost"
)

// ProbeOptions are a ping's or traceroute's settings.
type ProbeOptions struct {
	VRF     string     // a PE's VRF; "" for the global table (or a CE's own routing)
	Source  netip.Addr // invalid: the node's default source
	TTL     int        // ping: initial TTL (0: 64)
	MaxHops int        // traceroute: 0 means 30
}

// PingResult is what one echo request brought back.
type PingResult struct {
	Result    string     // reply, unreachable, ttl-exceeded or lost
	ReplyFrom string     // the node that sent what came back
	ReplyAddr netip.Addr // its source address
	RTT       time.Duration
	Labels    []mpls.StackEntry // an ICMP error's RFC 4950 label stack
	Code      uint8             // an unreachable's ICMP code (packet.UnreachHost, ...)
	DroppedAt string            // lost: the node that dropped the request or its answer
	Reason    sim.DropReason    // lost: why
	// DeliveredTo is, for a lost probe whose answer reached another node
	// (a site of another customer with the same address, say), that node;
	// ReplyFrom and ReplyAddr then say who answered.
	DeliveredTo string
	// Silent is, for a lost probe that nothing dropped, the node the
	// request reached that sent nothing back.
	Silent string
}

// Outcome says in one phrase what happened: "reply from A2 (10.1.2.1)",
// "lost: dropped at PE2 (no-route)", "lost: the reply from B2 (10.1.2.1)
// reached A1, not B1". The RTT is not part of it.
func (r PingResult) Outcome(from string) string {
	switch {
	case r.Result != Lost:
		return fmt.Sprintf("%s from %s (%s)", r.Result, r.ReplyFrom, r.ReplyAddr)
	case r.DeliveredTo != "":
		return fmt.Sprintf("lost: the answer from %s (%s) reached %s, not %s", r.ReplyFrom, r.ReplyAddr, r.DeliveredTo, from)
	case r.DroppedAt != "":
		return fmt.Sprintf("lost: dropped at %s (%s)", r.DroppedAt, r.Reason)
	case r.Silent != "":
		return fmt.Sprintf("lost: the request reached %s, which sent nothing back", r.Silent)
	}
	return "lost: nothing came back and nothing was dropped"
}

// Hop is one TTL of a traceroute.
type Hop struct {
	TTL int
	PingResult
}

// TraceResult is a whole traceroute.
type TraceResult struct {
	Hops    []Hop
	Reached bool
}

// Ping sends one ICMP echo request from node from to dst and runs the
// network until nothing is in flight.
func (l *Lab) Ping(from string, dst netip.Addr, o ProbeOptions) (PingResult, error) {
	ttl := o.TTL
	if ttl == 0 {
		ttl = packet.DefaultTTL
	}
	return l.probeOnce(from, dst, o, uint8(ttl))
}

// Traceroute sends probes with TTL 1, 2, … until the destination answers
// or MaxHops is reached.
func (l *Lab) Traceroute(from string, dst netip.Addr, o ProbeOptions) (TraceResult, error) {
	max := o.MaxHops
	if max == 0 {
		max = 30
	}
	var tr TraceResult
	for ttl := 1; ttl <= max; ttl++ {
		r, err := l.probeOnce(from, dst, o, uint8(ttl))
		if err != nil {
			return tr, err
		}
		tr.Hops = append(tr.Hops, Hop{TTL: ttl, PingResult: r})
		if r.Result == Reply || r.Result == Unreachable {
			tr.Reached = r.Result == Reply
			break
		}
	}
	return tr, nil
}

// Source is the address node from's probes come from by default.
func (l *Lab) Source(from string, vrfName string) (netip.Addr, error) {
	n := l.Topo.Node(from)
	if n == nil {
		return netip.Addr{}, fmt.Errorf("no node %s", from)
	}
	switch {
	case n.Role == topologies.RoleCE:
		return l.ces[from].Source(), nil
	case vrfName != "":
		x := l.pes[from]
		if x == nil {
			return netip.Addr{}, fmt.Errorf("%s is a %s router: only a PE holds VRFs", from, n.Role)
		}
		v := x.VRF(vrfName)
		if v == nil {
			return netip.Addr{}, fmt.Errorf("%s has no VRF %s", from, vrfName)
		}
		a, _ := x.FirstAddr(v)
		return a, nil
	}
	return n.Loopback, nil
}

func (l *Lab) probeOnce(from string, dst netip.Addr, o ProbeOptions, ttl uint8) (PingResult, error) {
	src := o.Source
	if !src.IsValid() {
		var err error
		if src, err = l.Source(from, o.VRF); err != nil {
			return PingResult{}, err
		}
	}
	if !dst.Is4() || !src.Is4() {
		return PingResult{}, fmt.Errorf("vpnsim speaks IPv4 only: %s", dst)
	}
	l.probe++
	id := l.probe
	pr := &probeWatch{id: id, origin: from, src: src}
	l.obs.add(pr)
	defer l.obs.remove(pr)
	f := packet.NewFrame(packet.EchoRequest(src, dst, ttl, uint16(id), uint16(ttl)), packet.Meta{Origin: from, Probe: id})
	start := l.Net.Now()
	sn := l.nodes[from]
	if sn.Down {
		return PingResult{Result: Lost, DroppedAt: from, Reason: sim.DropLinkDown}, nil
	}
	switch {
	case l.ces[from] != nil:
		l.ces[from].Originate(f)
	case o.VRF != "":
		x := l.pes[from]
		v := x.VRF(o.VRF)
		if v == nil {
			return PingResult{}, fmt.Errorf("%s has no VRF %s", from, o.VRF)
		}
		x.OriginateIn(v, f)
	default:
		l.lsrs[from].Originate(f)
	}
	if err := l.Net.Run(); err != nil {
		return PingResult{}, err
	}
	if pr.got == nil {
		r := PingResult{Result: Lost, DroppedAt: pr.dropAt, Reason: pr.reason, Silent: pr.silent}
		if pr.astray != nil {
			// An answer that reached another node is what happened, whatever
			// was dropped on the way (a copy that looped, say).
			r = *pr.astray
			r.Result = Lost
		}
		return r, nil
	}
	res := *pr.got
	res.RTT = pr.at - start
	return res, nil
}

// probeWatch waits for the answer to one probe at its origin.
type probeWatch struct {
	id     uint32
	origin string
	src    netip.Addr
	got    *PingResult
	at     time.Duration
	dropAt string
	reason sim.DropReason
	astray *PingResult // an answer delivered to another node
	silent string      // the node the request was delivered to
}

func (w *probeWatch) Transmitted(time.Duration, *sim.Iface, []byte)     {}
func (w *probeWatch) Received(time.Duration, *sim.Iface, *packet.Frame) {}
func (w *probeWatch) Decided(time.Duration, *sim.Node, string)          {}

func (w *probeWatch) Dropped(_ time.Duration, n *sim.Node, r sim.DropReason, f *packet.Frame) {
	if f.Probe == w.id && w.got == nil {
		w.dropAt, w.reason = n.Name, r
	}
}

func (w *probeWatch) Delivered(at time.Duration, n *sim.Node, f *packet.Frame) {
	if f.Probe != w.id || w.got != nil {
		return
	}
	ip := f.IP()
	if ip.Protocol() != packet.ProtoICMP {
		return
	}
	m := packet.ICMP(ip.Payload())
	if m.Type() == packet.ICMPEchoRequest {
		w.silent = n.Name
		return
	}
	if ip.Dst() != w.src {
		return
	}
	if n.Name != w.origin {
		if w.astray == nil {
			w.astray = &PingResult{ReplyFrom: f.Origin, ReplyAddr: ip.Src(), DeliveredTo: n.Name}
		}
		return
	}
	r := &PingResult{ReplyFrom: f.Origin, ReplyAddr: ip.Src()}
	switch m.Type() {
	case packet.ICMPEchoReply:
		r.Result = Reply
	case packet.ICMPUnreachable:
		r.Result = Unreachable
		r.Code = m.Code()
	case packet.ICMPTimeExceeded:
		r.Result = TTLExceeded
		r.Labels = m.MPLSExtension()
	default:
		return
	}
	w.got, w.at = r, at
}

// multiObserver fans the network's events out to several observers.
type multiObserver struct{ obs []sim.Observer }

func (m *multiObserver) add(o sim.Observer) { m.obs = append(m.obs, o) }

func (m *multiObserver) remove(o sim.Observer) {
	for i, x := range m.obs {
		if x == o {
			m.obs = append(m.obs[:i], m.obs[i+1:]...)
			return
		}
	}
}

// Watch adds an observer (a packet walk, a capture) until the returned
// function is called. With notes, nodes describe their decisions to it
// (packet walks); without, they skip the formatting (captures).
func (l *Lab) Watch(o sim.Observer, notes bool) (stop func()) {
	l.obs.add(o)
	if notes {
		l.notes++
	}
	l.Net.Notes = l.notes > 0
	return func() {
		l.obs.remove(o)
		if notes {
			l.notes--
		}
		l.Net.Notes = l.notes > 0
	}
}

func (m *multiObserver) Transmitted(at time.Duration, from *sim.Iface, wire []byte) {
	for _, o := range m.obs {
		o.Transmitted(at, from, wire)
	}
}

func (m *multiObserver) Received(at time.Duration, in *sim.Iface, f *packet.Frame) {
	for _, o := range m.obs {
		o.Received(at, in, f)
	}
}

func (m *multiObserver) Decided(at time.Duration, n *sim.Node, note string) {
	for _, o := range m.obs {
		o.Decided(at, n, note)
	}
}

func (m *multiObserver) Dropped(at time.Duration, n *sim.Node, r sim.DropReason, f *packet.Frame) {
	for _, o := range m.obs {
		o.Dropped(at, n, r, f)
	}
}

func (m *multiObserver) Delivered(at time.Duration, n *sim.Node, f *packet.Frame) {
	for _, o := range m.obs {
		o.Delivered(at, n, f)
	}
}
