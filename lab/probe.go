package lab

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// Ping sends one ICMP echo request from node from to dst and runs the
// network until nothing is in flight; o.Walk, when set, gets its walk.
func (l *Lab) Ping(from string, dst netip.Addr, o network.ProbeOptions) (network.PingResult, error) {
	defer l.walk(o.Walk)()
	ttl := o.TTL
	switch {
	case ttl == 0 && o.MPLS:
		ttl = 255 // an LSP ping's label TTL, as IOS sends it
	case ttl == 0:
		ttl = packet.DefaultTTL
	}
	return l.probeOnce(from, dst, o, uint8(ttl))
}

// walk records into w, when set, until the returned function is called.
func (l *Lab) walk(w *network.Walk) (stop func()) {
	if w == nil {
		return func() {}
	}
	return l.Watch(w, true)
}

// Traceroute sends probes with TTL 1, 2, … until the destination answers
// or MaxHops is reached; o.Walk, when set, gets the walk of every probe.
func (l *Lab) Traceroute(from string, dst netip.Addr, o network.ProbeOptions) (network.TraceResult, error) {
	defer l.walk(o.Walk)()
	max := o.MaxHops
	if max == 0 {
		max = 30
	}
	var tr network.TraceResult
	for ttl := 1; ttl <= max; ttl++ {
		r, err := l.probeOnce(from, dst, o, uint8(ttl))
		if err != nil {
			return tr, err
		}
		tr.Hops = append(tr.Hops, network.Hop{TTL: ttl, PingResult: r})
		if o.MPLS {
			// an LSP traceroute goes on while routers label switch
			if r.Result == network.Reply && r.ReturnCode != packet.RCLabelSwitched && r.ReturnCode != packet.RCNoMPLSForward {
				tr.Reached = r.ReturnCode == packet.RCEgress
				break
			}
			continue
		}
		if r.Result == network.Reply || r.Result == network.Unreachable {
			tr.Reached = r.Result == network.Reply
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

func (l *Lab) probeOnce(from string, dst netip.Addr, o network.ProbeOptions, ttl uint8) (network.PingResult, error) {
	src := o.Source
	if !src.IsValid() {
		var err error
		if src, err = l.Source(from, o.VRF); err != nil {
			return network.PingResult{}, err
		}
	}
	if !dst.Is4() || !src.Is4() {
		return network.PingResult{}, fmt.Errorf("vpnsim speaks IPv4 only: %s", dst)
	}
	l.probe++
	id := l.probe
	pr := &probeWatch{id: id, origin: from, src: src}
	l.obs.add(pr)
	defer l.obs.remove(pr)
	if o.MPLS {
		return l.mplsProbe(from, dst, ttl, id, pr)
	}
	size := o.Size
	if size == 0 {
		size = packet.EchoLen
	}
	f := packet.NewFrame(packet.SizedEchoRequest(src, dst, ttl, uint16(id), uint16(ttl), size, o.DF), packet.Meta{Origin: from, Probe: id})
	start := l.Net.Now()
	sn := l.nodes[from]
	if sn.Down {
		return network.PingResult{Result: network.Lost, DroppedAt: from, Reason: sim.DropLinkDown}, nil
	}
	switch {
	case l.ces[from] != nil:
		l.ces[from].Originate(f)
	case o.VRF != "":
		x := l.pes[from]
		v := x.VRF(o.VRF)
		if v == nil {
			return network.PingResult{}, fmt.Errorf("%s has no VRF %s", from, o.VRF)
		}
		x.OriginateIn(v, f)
	default:
		l.lsrs[from].Originate(f)
	}
	if err := l.Net.Run(); err != nil {
		return network.PingResult{}, err
	}
	if err := l.afterProbe(); err != nil {
		return network.PingResult{}, err
	}
	if pr.got == nil {
		r := network.PingResult{Result: network.Lost, DroppedAt: pr.dropAt, Reason: pr.reason, Silent: pr.silent}
		if pr.astray != nil {
			// An answer that reached another node is what happened, whatever
			// was dropped on the way (a copy that looped, say).
			r = *pr.astray
			r.Result = network.Lost
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
	got    *network.PingResult
	at     time.Duration
	dropAt string
	reason sim.DropReason
	astray *network.PingResult // an answer delivered to another node
	silent string              // the node the request was delivered to
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
	if ip.IsFragment() {
		return // a piece of a datagram: the host delivers it whole when it is
	}
	if e := packet.MPLSEchoOf(ip); e != nil && e.MessageType() == packet.EchoReplyType && n.Name == w.origin && e.Handle() == w.id {
		w.got = &network.PingResult{Result: network.Reply, ReplyFrom: f.Origin, ReplyAddr: ip.Src(), ReturnCode: e.ReturnCode()}
		w.at = at
		return
	}
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
			w.astray = &network.PingResult{ReplyFrom: f.Origin, ReplyAddr: ip.Src(), DeliveredTo: n.Name}
		}
		return
	}
	r := &network.PingResult{ReplyFrom: f.Origin, ReplyAddr: ip.Src()}
	switch m.Type() {
	case packet.ICMPEchoReply:
		r.Result = network.Reply
	case packet.ICMPUnreachable:
		r.Result = network.Unreachable
		r.Code = m.Code()
		if r.Code == packet.UnreachFrag {
			r.NextHopMTU = m.NextHopMTU()
		}
	case packet.ICMPTimeExceeded:
		r.Result = network.TTLExceeded
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

// mplsProbe sends one MPLS echo request (RFC 8029) from provider router
// from for the LDP FEC dst/32, its labels with TTL ttl, and runs the
// network until nothing is in flight.
func (l *Lab) mplsProbe(from string, dst netip.Addr, ttl uint8, id uint32, pr *probeWatch) (network.PingResult, error) {
	x := l.lsrs[from]
	if x == nil {
		return network.PingResult{}, fmt.Errorf("%s is a CE: LSP ping runs from a provider router (pe, p or rr)", from)
	}
	fec := netip.PrefixFrom(dst, 32)
	f := packet.NewFrame(packet.MPLSEchoRequest(x.Config.Loopback, fec, id, uint32(ttl)), packet.Meta{Origin: from, Probe: id})
	start := l.Net.Now()
	if l.nodes[from].Down {
		return network.PingResult{Result: network.Lost, DroppedAt: from, Reason: sim.DropLinkDown}, nil
	}
	if err := x.OriginateMPLSEcho(f, fec, ttl); err != nil {
		return network.PingResult{}, err
	}
	if err := l.Net.Run(); err != nil {
		return network.PingResult{}, err
	}
	if pr.got == nil {
		return network.PingResult{Result: network.Lost, DroppedAt: pr.dropAt, Reason: pr.reason}, nil
	}
	res := *pr.got
	res.RTT = pr.at - start
	return res, nil
}
