package p

import (
	"github.com/vpnsim/vpnsim/host"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/vrf"
)

var _ sim.TooBigHandler = (*LSR)(nil)

// TooBig handles a frame larger than the MTU of link out, as a router does
// (RFC 1812 section 4.2.2.7; RFC 3032 section 3 for labelled packets).
// With DF set the packet is dropped and the source gets a fragmentation
// needed naming the MTU left for the IP packet under the labels (RFC
// 1191); a labelled customer packet's error goes on down the LSP to the
// egress PE, which routes it back in the VRF, as a time exceeded does
// (RFC 3032 section 3.2). Without DF the IP packet is cut into fragments
// that fit, each under the same labels.
func (r *LSR) TooBig(f *packet.Frame, out, mtu int) {
	if f.L2 {
		// an Ethernet frame is not fragmented, and there is no IP
		// source to tell
		r.Node.Note("%d bytes do not fit %s (MTU %d): an Ethernet frame cannot be fragmented: dropped", len(f.Data()), r.Node.Ifaces[out].Name, mtu)
		r.Node.Drop(f, sim.DropTooBig)
		return
	}
	stack := f.Stack()
	room := mtu - mpls.ShimLen*len(stack)
	ip := f.IP()
	if !ip.DF() {
		r.fragment(f, out, room, stack)
		return
	}
	r.Node.Note("%d bytes do not fit %s (MTU %d): DF set, fragmentation needed (next-hop MTU %d)",
		len(f.Data()), r.Node.Ifaces[out].Name, mtu, room)
	r.Node.Drop(f, sim.DropTooBig)
	src := r.IfaceAddr(out)
	if out < len(r.attachOn) && r.attachOn[out] != nil && len(stack) == 0 {
		a := r.attachOn[out]
		// toward a CE: the error goes back inside the VRF
		if e := host.FragNeeded(r.Node, f, r.vrfSource(a.VRF.Name, ip.Src()), room, nil); e != nil {
			r.OriginateIn(a.VRF, e)
		}
		return
	}
	ef := host.FragNeeded(r.Node, f, src, room, stack)
	if ef == nil {
		return
	}
	if len(stack) <= 1 && r.Tables.Lookup(ip.Src()) != nil {
		r.Originate(ef) // global traffic: straight back by the global table
		return
	}
	// A customer packet: this router cannot reach its source; the error
	// follows the LSP the packet was on to the egress PE.
	for i := len(stack) - 1; i >= 0; i-- {
		ef.Push(stack[i].Label, 255)
	}
	r.Node.Send(ef, out)
}

// fragment cuts f's IP packet into fragments of at most room bytes, puts
// stack back on each, and sends them out of out.
func (r *LSR) fragment(f *packet.Frame, out, room int, stack []mpls.StackEntry) {
	for range stack {
		f.Pop()
	}
	frags := packet.Fragment(f.IP(), room)
	if len(frags) == 0 {
		r.Node.Drop(f, sim.DropTooBig)
		return
	}
	r.Node.Note("%d bytes do not fit %s: fragmented into %d", f.IP().TotalLen()+mpls.ShimLen*len(stack), r.Node.Ifaces[out].Name, len(frags))
	for _, p := range frags {
		ff := packet.NewFrame(p, f.Meta)
		for i := len(stack) - 1; i >= 0; i-- {
			e := stack[i]
			ff.Push(e.Label, e.TTL)
		}
		r.Node.Send(ff, out)
	}
}

// vrfTooBig is the ingress check of a customer packet about to be pushed
// into the core: f with its labels does not fit out's MTU. The labels come
// off again and the error (or the fragments) is made where the VRF is
// known: a fragmentation needed back inside v, or fragments each pushed
// again. It reports whether it took care of f.
func (r *LSR) vrfTooBig(v *vrf.VRF, f *packet.Frame, in, out int, push func(*packet.Frame)) bool {
	l := r.Node.Ifaces[out].Link
	if l == nil || l.MTU == 0 || len(f.Data()) <= l.MTU {
		return false
	}
	n := f.Labels
	room := l.MTU - mpls.ShimLen*n
	for range n {
		f.Pop()
	}
	ip := f.IP()
	if ip.DF() {
		r.Node.Note("VRF %s: %d bytes with %d labels do not fit %s (MTU %d): DF set, fragmentation needed (next-hop MTU %d)",
			v.Name, ip.TotalLen(), n, r.Node.Ifaces[out].Name, l.MTU, room)
		r.Node.Drop(f, sim.DropTooBig)
		src := r.Config.Loopback
		if in >= 0 {
			src = r.IfaceAddr(in)
		}
		if e := host.FragNeeded(r.Node, f, src, room, nil); e != nil {
			r.OriginateIn(v, e)
		}
		return true
	}
	frags := packet.Fragment(ip, room)
	if len(frags) == 0 {
		r.Node.Drop(f, sim.DropTooBig) // not a packet that can be cut
		return true
	}
	r.Node.Note("VRF %s: %d bytes with %d labels do not fit %s (MTU %d): fragmented into %d", v.Name, ip.TotalLen(), n, r.Node.Ifaces[out].Name, l.MTU, len(frags))
	for _, p := range frags {
		push(packet.NewFrame(p, f.Meta))
	}
	return true
}
