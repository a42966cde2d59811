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

// This file is a PE's VRF forwarding (RFC 4364 section 5): IP from a CE is
// looked up in its attachment's VRF and leaves with a VPN label under a
// transport label (impose, as global traffic does); a VPN label the LFIB
// pops (switchLabel) leads here to a VRF lookup (per-VRF labels) or straight
// to a CE (per-prefix and per-CE labels). Which VRFs and labels a PE has is
// package pe's (the control plane).

// Attachment is one attachment circuit: a PE interface bound to a VRF.
type Attachment struct {
	IfIndex int
	VRF     *vrf.VRF
	Link    *topologies.Link
	Addr    netip.Addr // the PE's address on the link
	CE      string
	CEAddr  netip.Addr
	LANs    []netip.Prefix // the CE's LANs
	Routing topologies.Routing
}

// AttachVRFs makes the router a PE with VRFs vrfs (sorted by name, each
// created with its RD and targets): every attachment interface of its
// configuration is bound to its link's VRF.
func (r *LSR) AttachVRFs(vrfs []*vrf.VRF) {
	r.VRFs = vrfs
	r.byName = map[string]*vrf.VRF{}
	for _, v := range vrfs {
		r.byName[v.Name] = v
	}
	r.Attach = nil
	r.attachOn = make([]*Attachment, len(r.Config.Interfaces))
	for i, ifc := range r.Config.Interfaces {
		if !ifc.Link.IsAttachment() {
			continue
		}
		peer := ifc.Peer()
		a := &Attachment{IfIndex: i, VRF: r.byName[ifc.Link.VRF], Link: ifc.Link, Addr: ifc.Addr.Addr(),
			CE: peer.Node.Name, CEAddr: peer.Addr.Addr(), LANs: peer.Node.LANs, Routing: ifc.Link.Routing}
		r.Attach = append(r.Attach, a)
		r.attachOn[i] = a
	}
}

// VRF returns the named VRF, or nil when the router has none by that name.
func (r *LSR) VRF(name string) *vrf.VRF { return r.byName[name] }

// Attachment returns the attachment on interface i, or nil.
func (r *LSR) Attachment(i int) *Attachment {
	if i < 0 || i >= len(r.attachOn) {
		return nil
	}
	return r.attachOn[i]
}

// FirstAddr is the PE's address on its first attachment in v: the source of
// its own pings inside the VRF.
func (r *LSR) FirstAddr(v *vrf.VRF) (netip.Addr, int) {
	for _, a := range r.Attach {
		if a.VRF == v {
			return a.Addr, a.IfIndex
		}
	}
	return netip.Addr{}, -1
}

// receiveAttached handles a frame from the CE on attachment a.
func (r *LSR) receiveAttached(a *Attachment, f *packet.Frame, in int) {
	if f.Labels > 0 {
		r.Node.Note("labelled frame on attachment %s: dropped", r.Node.Ifaces[in].Name)
		r.Node.Drop(f, sim.DropNoVRF)
		return
	}
	ip := f.IP()
	if r.isLocalIn(a.VRF, ip.Dst()) {
		r.answerIn(a.VRF, f)
		return
	}
	ttl := ip.TTL()
	if ttl <= 1 {
		r.Node.Note("TTL expired: time exceeded to %s in VRF %s", ip.Src(), a.VRF.Name)
		r.Node.Drop(f, sim.DropTTLExpired)
		r.icmpErrorIn(a.VRF, f, in, packet.ICMPTimeExceeded, 0)
		return
	}
	ip.SetTTL(ttl - 1)
	r.forwardIn(a.VRF, f, in)
}

// OriginateIn sends a packet the PE built itself inside VRF v.
func (r *LSR) OriginateIn(v *vrf.VRF, f *packet.Frame) {
	if r.isLocalIn(v, f.IP().Dst()) {
		r.answerIn(v, f)
		return
	}
	r.forwardIn(v, f, -1)
}

// vpnEntry is the LFIB entry of f's top label when it is one of this PE's
// VPN labels (popped into a VRF), else nil.
func (r *LSR) vpnEntry(f *packet.Frame) *mpls.Entry {
	if len(r.VRFs) == 0 {
		return nil
	}
	e := r.Tables.LFIB().Lookup(f.Top().Label())
	if e == nil || e.VRF == "" || (e.Op != mpls.OpPopLookup && e.Op != mpls.OpPopDeliver) {
		return nil
	}
	return e
}

// egress takes an IP packet whose VPN label e was just popped (its TTL
// already written) that arrived on interface in: straight to the CE the
// label names (pop and deliver), else a lookup in the label's VRF.
func (r *LSR) egress(f *packet.Frame, e *mpls.Entry, in int) {
	v := r.byName[e.VRF]
	if v == nil {
		r.Node.Drop(f, sim.DropNoVRF)
		return
	}
	if e.Op == mpls.OpPopDeliver {
		nh := e.NextHops[0]
		if r.Node.Tracing() {
			r.Node.Note("VPN label %d = VRF %s, prefix %s: straight to %s", e.In, v.Name, e.FEC, nh.Neighbor)
		}
		r.Node.Send(f, nh.IfIndex)
		return
	}
	if r.Node.Tracing() {
		r.Node.Note("VPN label %d = VRF %s, lookup %s", e.In, v.Name, f.IP().Dst())
	}
	if r.isLocalIn(v, f.IP().Dst()) {
		r.answerIn(v, f)
		return
	}
	r.forwardIn(v, f, in)
}

// expiredAtEgress answers a packet whose IP TTL ran out as its VPN label was
// popped: the time exceeded goes back through the VRF the label names.
func (r *LSR) expiredAtEgress(f *packet.Frame, e *mpls.Entry, in int) {
	if len(r.VRFs) == 0 {
		r.Node.Drop(f, sim.DropTTLExpired)
		return
	}
	// The answer comes from the VRF's interface, as IOS sources it: a
	// customer's traceroute never shows a provider address, which pipe
	// mode exists to hide (the core-facing address arrived on is not in
	// the customer's VRF at all).
	src := r.vrfSource(e.VRF, f.IP().Dst())
	if !src.IsValid() {
		src = r.IfaceAddr(in)
	}
	ef := host.Error(r.Node, f, src, packet.ICMPTimeExceeded, 0, []mpls.StackEntry{{Label: e.In, Bottom: true, TTL: 1}})
	r.Node.Drop(f, sim.DropTTLExpired)
	if ef != nil {
		r.egress(ef, &mpls.Entry{In: e.In, Op: mpls.OpPopLookup, VRF: e.VRF}, in)
	}
}

// vrfSource is the address the PE answers from inside the named VRF about a
// packet for dst (never a provider address): the attachment the VRF's route
// to dst leaves by, else its first address in the VRF.
func (r *LSR) vrfSource(vrfName string, dst netip.Addr) netip.Addr {
	v := r.byName[vrfName]
	if v == nil {
		return netip.Addr{}
	}
	if rt := v.Lookup(dst); rt != nil && rt.Local() && rt.IfIndex >= 0 && !rt.Discard {
		if a := r.Attachment(rt.IfIndex); a != nil {
			return a.Addr
		}
	}
	a, _ := r.FirstAddr(v)
	return a
}

// isLocalIn reports whether dst is one of the PE's own addresses in VRF v
// (nil: none): a packet for it is delivered, whatever its TTL.
func (r *LSR) isLocalIn(v *vrf.VRF, dst netip.Addr) bool {
	if v == nil {
		return false
	}
	for _, a := range r.Attach {
		if a.VRF == v && a.Addr == dst {
			return true
		}
	}
	return false
}

func (r *LSR) answerIn(v *vrf.VRF, f *packet.Frame) {
	if reply := host.Answer(r.Node, f); reply != nil {
		r.OriginateIn(v, reply)
	}
}

// forwardIn looks the destination up in v and sends the packet on: out of an
// attachment, or into the core under the VPN label and a transport label.
// in is the interface it arrived on (-1 when the PE built it).
func (r *LSR) forwardIn(v *vrf.VRF, f *packet.Frame, in int) {
	ip := f.IP()
	dst := ip.Dst()
	rt := v.Lookup(dst)
	if rt == nil {
		r.Node.Note("VRF %s: no route to %s: unreachable", v.Name, dst)
		r.Node.Drop(f, sim.DropNoRoute)
		r.icmpErrorIn(v, f, in, packet.ICMPUnreachable, packet.UnreachHost) // as IOS: host unreachable
		return
	}
	if rt.Discard {
		r.Node.Note("VRF %s: %s to null0: discarded", v.Name, rt.Prefix)
		r.Node.Drop(f, sim.DropDiscard)
		return
	}
	if rt.Proto == vrf.Connected && packet.IsBroadcast(rt.Prefix, dst) {
		// A directed broadcast: routers do not forward it (RFC 2644; IOS
		// "no ip directed-broadcast", the default since 12.0).
		r.Node.Note("VRF %s: %s is the broadcast address of %s: a directed broadcast is not forwarded", v.Name, dst, rt.Prefix)
		r.Node.Drop(f, sim.DropDirectedBroadcast)
		return
	}
	if rt.Local() {
		if r.Node.Tracing() {
			via := rt.CE
			if via == "" {
				via = "directly connected"
			}
			from := ""
			if rt.FromVRF != "" {
				from = ", leaked from VRF " + rt.FromVRF
			}
			r.Node.Note("VRF %s: %s -> %s on %s (%s%s)", v.Name, rt.Prefix, via, r.Node.Ifaces[rt.IfIndex].Name, rt.Proto, from)
		}
		r.Node.Send(f, rt.IfIndex)
		return
	}
	choices := r.Tables.FTN(rt.NextHop)
	if len(choices) == 0 {
		r.Node.Note("VRF %s: %s via %s, but no LSP to it", v.Name, rt.Prefix, rt.NextHop)
		r.Node.Drop(f, sim.DropNoLabel)
		return
	}
	nh := r.impose(f, choices, rt.Label)
	if r.vrfTooBig(v, f, in, nh.IfIndex, func(ff *packet.Frame) {
		r.Node.Send(ff, r.impose(ff, choices, rt.Label).IfIndex)
	}) {
		return
	}
	if r.Node.Tracing() {
		r.Node.Note("VRF %s: %s via %s (%s): push VPN label %d, transport %s, toward %s",
			v.Name, rt.Prefix, rt.PE, rt.NextHop, rt.Label, outLabels(nh.Out), nh.Neighbor)
	}
	r.Node.Send(f, nh.IfIndex)
}

// icmpErrorIn sends an ICMP error about f back inside VRF v, from the
// address of the interface f arrived on (the PE's first address in v when
// the PE built f itself).
func (r *LSR) icmpErrorIn(v *vrf.VRF, f *packet.Frame, in int, typ, code uint8) {
	var src netip.Addr
	if in >= 0 {
		src = r.IfaceAddr(in)
	} else {
		src, _ = r.FirstAddr(v)
	}
	if e := host.Error(r.Node, f, src, typ, code, nil); e != nil {
		r.OriginateIn(v, e)
	}
}

func outLabels(ls []mpls.Label) string {
	if len(ls) == 0 {
		return "none (implicit null)"
	}
	return mpls.Join(ls)
}
