package p

import (
	"net/netip"

	"github.com/vpnsim/vpnsim/host"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// LSR is the data plane of a provider router (P, PE or RR): it switches
// labels by its LFIB, forwards IP by its global table, pushes LDP labels by
// its FTN, and answers and originates ICMP. On a PE it also forwards in the
// VRFs of its attachment circuits (vpn.go): the ingress push of VPN and
// transport labels and the egress its VPN labels lead to. The control
// plane installs Tables and the VRFs' routes; forwarding only reads them.
type LSR struct {
	Node   *sim.Node
	Config *topologies.Node
	Pipe   bool // ttl-propagation: pipe (or pipe-forwarded)
	// LocalUniform: what the router sends itself (its pings and
	// traceroutes, its ICMP errors) takes the uniform model though
	// forwarded traffic takes the pipe (ttl-propagation: pipe-forwarded;
	// IOS "no mpls ip propagate-ttl forwarded").
	LocalUniform bool
	Tables       *Router // IGP and LDP results, plus the PE's VPN labels in Tables.LFIB
	// A PE's VRFs (sorted by name) and attachment circuits (in interface
	// order), set by AttachVRFs; none on P and RR.
	VRFs   []*vrf.VRF
	Attach []*Attachment

	// Switched counts, per incoming label, the bytes of the labelled
	// frames the router switched (Ethernet header included), as IOS's
	// "Bytes Label Switched" does; counters outlive reconvergence.
	Switched mpls.Counters

	// A PE's EVPN instances (sorted by name), set by AttachEVIs.
	EVIs []*EVI

	addrs    map[netip.Addr]int // global addresses: loopback (-1) and provider interfaces
	byName   map[string]*vrf.VRF
	attachOn []*Attachment // by interface index; nil for a provider interface
	eviOn    []*EVI        // by interface index: the EVI of a bridge port
}

// NewLSR builds the data plane of provider router cfg on simulated node n.
// n's interfaces must be in cfg.Interfaces order.
func NewLSR(n *sim.Node, cfg *topologies.Node, ttl topologies.TTLMode) *LSR {
	r := &LSR{Node: n, Config: cfg, Pipe: ttl.Pipes(), LocalUniform: ttl == topologies.TTLPipeForwarded, addrs: map[netip.Addr]int{cfg.Loopback: -1}}
	for i, ifc := range cfg.Interfaces {
		if ifc.Link.IsProviderLink() {
			r.addrs[ifc.Addr.Addr()] = i
		}
	}
	return r
}

// IsLocal reports whether dst is one of the router's global addresses.
func (r *LSR) IsLocal(dst netip.Addr) bool { _, ok := r.addrs[dst]; return ok }

// IfaceAddr is the address of interface i.
func (r *LSR) IfaceAddr(i int) netip.Addr { return r.Config.Interfaces[i].Addr.Addr() }

// Receive implements sim.Handler: IP from a CE goes to its attachment's VRF,
// labels to the LFIB, IP from the core to the global table.
func (r *LSR) Receive(f *packet.Frame, in int) {
	if in < len(r.attachOn) && r.attachOn[in] != nil {
		r.receiveAttached(r.attachOn[in], f, in)
		return
	}
	if f.L2 {
		r.switchL2(f, in)
		return
	}
	if f.Labels > 0 {
		r.switchLabel(f, in)
		return
	}
	r.ReceiveIP(f, in)
}

// ReceiveIP handles a plain IPv4 packet that arrived on a provider interface.
func (r *LSR) ReceiveIP(f *packet.Frame, in int) {
	ip := f.IP()
	if r.IsLocal(ip.Dst()) {
		r.local(f)
		return
	}
	if isLoopbackNet(ip.Dst()) && r.mplsEcho(f, nil, in) { // it left its LSP here (PHP)
		return
	}
	ttl := ip.TTL()
	if ttl <= 1 {
		r.Node.Note("TTL expired: time exceeded to %s", ip.Src())
		r.Node.Drop(f, sim.DropTTLExpired)
		r.icmpError(f, in, packet.ICMPTimeExceeded, 0, nil)
		return
	}
	ip.SetTTL(ttl - 1)
	r.forwardIP(f)
}

// Originate sends a packet the router built itself, by its global table.
func (r *LSR) Originate(f *packet.Frame) {
	dst := f.IP().Dst()
	if r.IsLocal(dst) {
		r.local(f)
		return
	}
	r.forwardIP(f)
}

// forwardIP sends an IP packet by the global table.
func (r *LSR) forwardIP(f *packet.Frame) {
	ip := f.IP()
	dst := ip.Dst()
	if isLoopbackNet(dst) {
		// 127/8 is never forwarded (RFC 1812 section 5.3.7); an MPLS
		// echo request leaving its LSP here is answered.
		if !r.mplsEcho(f, nil, -1) {
			r.Node.Note("%s is a loopback address: not forwarded", dst)
			r.Node.Drop(f, sim.DropNotForwarded)
		}
		return
	}
	rt := r.Tables.Lookup(dst)
	if rt == nil || len(rt.NextHops) == 0 {
		r.Node.Note("no route to %s in the global table", dst)
		r.unreachable(f)
		return
	}
	if rt.Proto == ProtoConnected && packet.IsBroadcast(rt.Prefix, dst) {
		// A directed broadcast is not forwarded (RFC 2644; IOS "no ip
		// directed-broadcast").
		r.Node.Note("%s is the broadcast address of %s: a directed broadcast is not forwarded", dst, rt.Prefix)
		r.Node.Drop(f, sim.DropDirectedBroadcast)
		return
	}
	if rt.Prefix.Bits() == 32 {
		if choices := r.Tables.FTN(dst); len(choices) > 0 {
			nhl := r.impose(f, choices)
			if r.Node.Tracing() {
				if len(nhl.Out) > 0 {
					r.Node.Note("push %s toward %s (LDP, FEC %s)", mpls.Join(nhl.Out), nhl.Neighbor, rt.Prefix)
				} else {
					r.Node.Note("no label toward %s (implicit null, FEC %s)", nhl.Neighbor, rt.Prefix)
				}
			}
			r.Node.Send(f, nhl.IfIndex)
			return
		}
	}
	nh := rt.NextHops[ip.Choose(len(rt.NextHops))]
	if r.Node.Tracing() {
		r.Node.Note("route %s (%s) -> %s", rt.Prefix, rt.Proto, hopName(nh))
	}
	r.Node.Send(f, nh.IfIndex)
}

// impose pushes the labels an ingress LSR puts on f (RFC 3031 section 3.10):
// first inner (a VPN label, at the bottom of the stack; none for global
// traffic), then the transport labels of the LSP the packet's flow takes
// among choices (its FTN entries, one per equal-cost path). Every label
// takes the TTL RFC 3443 gives it at the ingress: the IP TTL in the uniform
// model (section 3.1), 255 when the IP TTL is not propagated (the pipe
// models, sections 3.2 and 3.3; IOS "no mpls ip propagate-ttl"); with
// pipe-forwarded, what the router built itself takes the IP TTL (IOS "no
// mpls ip propagate-ttl forwarded": a provider's own traceroute still sees
// the core, a customer's does not). Disposition is the pipe's either way:
// the egress and the penultimate hop treat every packet as forwarded. It returns
// the LSP taken, for the caller to send f on. The global table and every
// VRF push by it.
func (r *LSR) impose(f *packet.Frame, choices []mpls.NHLFE, inner ...mpls.Label) *mpls.NHLFE {
	ip := f.IP()
	nh := &choices[ip.Choose(len(choices))]
	lt := ip.TTL()
	if r.Pipe && !(r.LocalUniform && f.Origin == r.Node.Name) {
		lt = 255
	}
	for _, l := range inner {
		f.Push(l, lt)
	}
	for i := len(nh.Out) - 1; i >= 0; i-- {
		f.Push(nh.Out[i], lt)
	}
	return nh
}

// switchLabel runs the LFIB on a labelled frame. However many labels it pops,
// the router decrements the TTL once and writes the result into whatever
// becomes the top of the packet.
func (r *LSR) switchLabel(f *packet.Frame, in int) {
	ttl := f.Top().TTL()
	vpn := r.vpnEntry(f)
	if ttl <= 1 && !(vpn != nil && r.isLocalIn(r.VRF(vpn.VRF), f.IP().Dst())) {
		r.labelTTLExpired(f, in, vpn)
		return
	}
	ttl = max(ttl, 1) - 1
	for {
		l := f.Top().Label()
		if l == mpls.ExplicitNullV4 {
			f.Pop()
			r.Node.Note("pop explicit null")
			if f.Labels == 0 {
				r.toIP(f, ttl)
				ip := f.IP()
				if r.IsLocal(ip.Dst()) {
					r.local(f)
					return
				}
				if ip.TTL() == 0 {
					r.Node.Drop(f, sim.DropTTLExpired)
					r.icmpError(f, in, packet.ICMPTimeExceeded, 0, nil)
					return
				}
				r.forwardIP(f)
				return
			}
			continue
		}
		e := r.Tables.LFIB().Lookup(l)
		if e == nil {
			r.Node.Note("no LFIB entry for label %d", l)
			r.Node.Drop(f, sim.DropNoLabel)
			return
		}
		r.Switched.Add(l, packet.EthLen+len(f.Data()))
		switch e.Op {
		case mpls.OpSwap, mpls.OpPop:
			nh := r.relabel(f, e, ttl)
			switch {
			case f.Labels > 0:
				f.Top().SetTTL(ttl)
			case !r.Pipe:
				r.toIP(f, ttl)
			default:
				// Pipe mode with penultimate-hop popping (RFC 3443
				// section 3.3, the short pipe model): the IP header is
				// left as it entered the LSP; the egress decrements
				// its TTL only if it forwards the packet itself. So no
				// IPv4 packet with TTL 0 ever goes on the wire.
			}
			r.noteSwitch(l, e, nh)
			r.Node.Send(f, nh.IfIndex)
			return
		case mpls.OpPopLookup, mpls.OpPopDeliver:
			f.Pop()
			if f.Labels > 0 { // a VPN label is the bottom of the stack
				r.Node.Drop(f, sim.DropMalformed)
				return
			}
			r.toIP(f, ttl)
			// A router checks the TTL of what it forwards, not of what
			// is for itself: a packet for one of the PE's own VRF
			// addresses is delivered even with TTL 0 (IOS does the
			// same), so the egress PE is one hop of a traceroute, not two.
			if f.IP().TTL() == 0 && !r.isLocalIn(r.VRF(e.VRF), f.IP().Dst()) {
				r.Node.Note("pop %d: IP TTL expired at the egress", l)
				r.expiredAtEgress(f, e, in)
				return
			}
			r.egress(f, e, in)
			return
		}
		r.Node.Drop(f, sim.DropNoLabel)
		return
	}
}

// relabel does a swap or pop entry's label work on f: it picks the
// entry's next hop for f's flow, pops the incoming label and pushes the
// outgoing ones with TTL ttl. Labelled IP and labelled Ethernet frames
// share it; what becomes of the TTL under them is the caller's.
func (r *LSR) relabel(f *packet.Frame, e *mpls.Entry, ttl uint8) *mpls.NHLFE {
	nh := &e.NextHops[f.Choose(len(e.NextHops))]
	f.Pop()
	for i := len(nh.Out) - 1; i >= 0; i-- {
		f.Push(nh.Out[i], ttl)
	}
	return nh
}

// noteSwitch describes a swap or a penultimate-hop pop of label l.
func (r *LSR) noteSwitch(l mpls.Label, e *mpls.Entry, nh *mpls.NHLFE) {
	if !r.Node.Tracing() {
		return
	}
	if len(nh.Out) > 0 {
		r.Node.Note("swap %d -> %s toward %s (%s, FEC %s)", l, mpls.Join(nh.Out), nh.Neighbor, e.Owner, e.FEC)
	} else {
		r.Node.Note("pop %d toward %s (%s, FEC %s, penultimate hop)", l, nh.Neighbor, e.Owner, e.FEC)
	}
}

// toIP writes the TTL into the IP header once the last label is gone: the
// label TTL in uniform mode, the IP TTL less one in pipe mode (the egress's
// own decrement).
func (r *LSR) toIP(f *packet.Frame, ttl uint8) {
	ip := f.IP()
	if r.Pipe {
		ip.SetTTL(ip.TTL() - 1)
		return
	}
	ip.SetTTL(ttl)
}

// labelTTLExpired answers a labelled packet whose TTL ran out: an ICMP time
// exceeded carrying the received stack (RFC 4950), sent on down the same LSP
// under the same labels, since an LSR has no route back to a customer
// (RFC 3032 section 2.3.2).
//
// At the egress PE, whose own VPN label is on top (vpn), the answer comes
// from the VRF's interface, as from expiredAtEgress.
func (r *LSR) labelTTLExpired(f *packet.Frame, in int, vpn *mpls.Entry) {
	stack := f.Stack()
	if r.mplsEcho(f, stack, in) { // an LSP traceroute's request: answered as RFC 8029 says
		return
	}
	orig := f.IP()
	r.Node.Drop(f, sim.DropTTLExpired)
	src := r.IfaceAddr(in)
	if vpn != nil {
		if a := r.vrfSource(vpn.VRF, orig.Dst()); a.IsValid() {
			src = a
		}
	}
	ef := host.Error(r.Node, f, src, packet.ICMPTimeExceeded, 0, stack)
	if ef == nil {
		return
	}
	// One label and an IP route back to the source (global traffic, not a
	// customer's): the answer goes straight back by the global table, as
	// IOS sends it; only a VPN packet, whose source this router cannot
	// reach, is tunnelled on down the LSP (RFC 3032 section 2.3.2).
	if len(stack) == 1 && vpn == nil && r.Tables.Lookup(orig.Src()) != nil {
		r.Node.Note("label TTL expired: time exceeded to %s sent back by the global table", orig.Src())
		r.Originate(ef)
		return
	}
	r.Node.Note("label TTL expired: time exceeded to %s sent on down the LSP", orig.Src())
	for i := len(stack) - 1; i >= 0; i-- {
		ef.Push(stack[i].Label, 255)
	}
	r.switchLabel(ef, in)
}

// icmpError sends an ICMP error about f's IP packet from interface in's
// address, by the global table. No error is sent about an ICMP error.
func (r *LSR) icmpError(f *packet.Frame, in int, typ, code uint8, stack []mpls.StackEntry) {
	src := r.Config.Loopback
	if in >= 0 {
		src = r.IfaceAddr(in)
	}
	if e := host.Error(r.Node, f, src, typ, code, stack); e != nil {
		r.Originate(e)
	}
}

func (r *LSR) unreachable(f *packet.Frame) {
	r.Node.Drop(f, sim.DropNoRoute)
	r.icmpError(f, -1, packet.ICMPUnreachable, packet.UnreachHost, nil) // as IOS: host unreachable
}

// local handles a packet addressed to the router itself.
func (r *LSR) local(f *packet.Frame) {
	if reply := host.Answer(r.Node, f); reply != nil {
		r.Originate(reply)
	}
}

func hopName(nh mpls.NextHop) string {
	if nh.Neighbor == "" {
		return "directly connected on " + nh.Interface
	}
	return nh.Neighbor + " via " + nh.Interface
}

var _ sim.UnresolvedHandler = (*LSR)(nil)

// Unresolved: the next hop of a packet out of interface out never answered
// ARP, so the packet's source gets host unreachable (RFC 1812 section
// 4.3.3.1; IOS sends it once its ARP requests time out, Linux after three
// unanswered requests) inside the VRF of an attachment, else in the global
// table. A labelled frame's source is not known at this router: it is
// only dropped.
func (r *LSR) Unresolved(f *packet.Frame, out int) {
	if f.Labels > 0 {
		return
	}
	if a := r.Attachment(out); a != nil {
		r.icmpErrorIn(a.VRF, f, -1, packet.ICMPUnreachable, packet.UnreachHost)
		return
	}
	r.icmpError(f, -1, packet.ICMPUnreachable, packet.UnreachHost, nil)
}
