// Package pe is the provider edge: a label-switching router (package p)
// with VRFs, attachment circuits toward CEs and, in the control plane, an
// MP-BGP speaker. This file is its data plane: IP from a CE is looked up in
// the attachment's VRF and leaves with a VPN label under a transport label;
// a VPN label popped from the core leads to a VRF lookup (per-VRF labels) or
// straight to a CE (per-prefix labels).
package pe

import (
	"net/netip"

	"github.com/vpnsim/vpnsim/host"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

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

// PE is the data plane of a provider edge router.
type PE struct {
	*p.LSR
	VRFs   []*vrf.VRF // sorted by name
	byName map[string]*vrf.VRF
	Attach []*Attachment // in interface order
	byIf   map[int]*Attachment
}

var _ sim.Handler = (*PE)(nil)
var _ p.VPNForwarder = (*PE)(nil)

// New builds a PE on node n from its topology node; vrfs are the VRFs that
// have an attachment on it (each created with its RD and targets).
func New(n *sim.Node, cfg *topologies.Node, t *topologies.Topology, vrfs []*vrf.VRF) *PE {
	pe := &PE{LSR: p.NewLSR(n, cfg, t.Provider.TTLPropagation == topologies.TTLPipe), VRFs: vrfs,
		byName: map[string]*vrf.VRF{}, byIf: map[int]*Attachment{}}
	pe.LSR.VPN = pe
	for _, v := range vrfs {
		pe.byName[v.Name] = v
	}
	for i, ifc := range cfg.Interfaces {
		if !ifc.Link.IsAttachment() {
			continue
		}
		peer := ifc.Peer()
		a := &Attachment{IfIndex: i, VRF: pe.byName[ifc.Link.VRF], Link: ifc.Link, Addr: ifc.Addr.Addr(),
			CE: peer.Node.Name, CEAddr: peer.Addr.Addr(), LANs: peer.Node.LANs, Routing: ifc.Link.Routing}
		pe.Attach = append(pe.Attach, a)
		pe.byIf[i] = a
	}
	return pe
}

// VRF returns the named VRF, or nil when the PE has none by that name.
func (pe *PE) VRF(name string) *vrf.VRF { return pe.byName[name] }

// Attachment returns the attachment on interface i, or nil.
func (pe *PE) Attachment(i int) *Attachment { return pe.byIf[i] }

// FirstAddr is the PE's address on its first attachment in v: the source of
// its own pings inside the VRF.
func (pe *PE) FirstAddr(v *vrf.VRF) (netip.Addr, int) {
	for _, a := range pe.Attach {
		if a.VRF == v {
			return a.Addr, a.IfIndex
		}
	}
	return netip.Addr{}, -1
}

// Receive implements sim.Handler.
func (pe *PE) Receive(f *packet.Frame, in int) {
	a := pe.byIf[in]
	if a == nil {
		pe.LSR.Receive(f, in)
		return
	}
	if f.Labels > 0 {
		pe.Node.Note("labelled frame on attachment %s: dropped", pe.Node.Ifaces[in].Name)
		pe.Node.Drop(f, sim.DropNoVRF)
		return
	}
	ip := f.IP()
	if pe.isLocal(a.VRF, ip.Dst()) {
		pe.local(a.VRF, f)
		return
	}
	ttl := ip.TTL()
	if ttl <= 1 {
		pe.Node.Note("TTL expired: time exceeded to %s in VRF %s", ip.Src(), a.VRF.Name)
		pe.Node.Drop(f, sim.DropTTLExpired)
		pe.icmpError(a.VRF, f, in, packet.ICMPTimeExceeded, 0)
		return
	}
	ip.SetTTL(ttl - 1)
	pe.forward(a.VRF, f, in)
}

// Originate sends a packet the PE built itself inside VRF v.
func (pe *PE) Originate(v *vrf.VRF, f *packet.Frame) {
	if pe.isLocal(v, f.IP().Dst()) {
		pe.local(v, f)
		return
	}
	pe.forward(v, f, -1)
}

// ForwardVPN implements p.VPNForwarder.
func (pe *PE) ForwardVPN(f *packet.Frame, e *mpls.Entry, in int) {
	v := pe.byName[e.VRF]
	if v == nil {
		pe.Node.Drop(f, sim.DropNoVRF)
		return
	}
	if e.Op == mpls.OpPopDeliver {
		nh := e.NextHops[0]
		if pe.Node.Tracing() {
			pe.Node.Note("VPN label %d = VRF %s, prefix %s: straight to %s", e.In, v.Name, e.FEC, nh.Neighbor)
		}
		pe.Node.Send(f, nh.IfIndex)
		return
	}
	if pe.Node.Tracing() {
		pe.Node.Note("VPN label %d = VRF %s, lookup %s", e.In, v.Name, f.IP().Dst())
	}
	if pe.isLocal(v, f.IP().Dst()) {
		pe.local(v, f)
		return
	}
	pe.forward(v, f, in)
}

// LocalIn implements p.VPNForwarder.
func (pe *PE) LocalIn(vrfName string, dst netip.Addr) bool {
	v := pe.byName[vrfName]
	return v != nil && pe.isLocal(v, dst)
}

// VRFSource implements p.VPNForwarder: the address of the attachment the
// VRF's route to dst leaves by, else the PE's first address in the VRF.
func (pe *PE) VRFSource(vrfName string, dst netip.Addr) netip.Addr {
	v := pe.byName[vrfName]
	if v == nil {
		return netip.Addr{}
	}
	if rt := v.Lookup(dst); rt != nil && rt.Local() && rt.IfIndex >= 0 && !rt.Discard {
		if a := pe.byIf[rt.IfIndex]; a != nil {
			return a.Addr
		}
	}
	a, _ := pe.FirstAddr(v)
	return a
}

func (pe *PE) isLocal(v *vrf.VRF, dst netip.Addr) bool {
	for _, a := range pe.Attach {
		if a.VRF == v && a.Addr == dst {
			return true
		}
	}
	return false
}

func (pe *PE) local(v *vrf.VRF, f *packet.Frame) {
	if reply := host.Answer(pe.Node, f); reply != nil {
		pe.Originate(v, reply)
	}
}

// forward looks the destination up in v and sends the packet on: out of an
// attachment, or into the core under the VPN label and a transport label.
// in is the interface it arrived on (-1 when the PE built it).
func (pe *PE) forward(v *vrf.VRF, f *packet.Frame, in int) {
	ip := f.IP()
	dst := ip.Dst()
	rt := v.Lookup(dst)
	if rt == nil {
		pe.Node.Note("VRF %s: no route to %s: unreachable", v.Name, dst)
		pe.Node.Drop(f, sim.DropNoRoute)
		pe.icmpError(v, f, in, packet.ICMPUnreachable, packet.UnreachHost) // as IOS: host unreachable
		return
	}
	if rt.Discard {
		pe.Node.Note("VRF %s: %s to null0: discarded", v.Name, rt.Prefix)
		pe.Node.Drop(f, sim.DropDiscard)
		return
	}
	if rt.Proto == vrf.Connected && packet.IsBroadcast(rt.Prefix, dst) {
		// A directed broadcast: routers do not forward it (RFC 2644; IOS
		// "no ip directed-broadcast", the default since 12.0).
		pe.Node.Note("VRF %s: %s is the broadcast address of %s: a directed broadcast is not forwarded", v.Name, dst, rt.Prefix)
		pe.Node.Drop(f, sim.DropDirectedBroadcast)
		return
	}
	if rt.Local() {
		if pe.Node.Tracing() {
			via := rt.CE
			if via == "" {
				via = "directly connected"
			}
			from := ""
			if rt.FromVRF != "" {
				from = ", leaked from VRF " + rt.FromVRF
			}
			pe.Node.Note("VRF %s: %s -> %s on %s (%s%s)", v.Name, rt.Prefix, via, pe.Node.Ifaces[rt.IfIndex].Name, rt.Proto, from)
		}
		pe.Node.Send(f, rt.IfIndex)
		return
	}
	choices := pe.Tables.FTN[rt.NextHop]
	if len(choices) == 0 {
		pe.Node.Note("VRF %s: %s via %s, but no LSP to it", v.Name, rt.Prefix, rt.NextHop)
		pe.Node.Drop(f, sim.DropNoLabel)
		return
	}
	nh := &choices[0]
	if len(choices) > 1 {
		nh = &choices[ip.FlowHash()%uint32(len(choices))]
	}
	lt := ip.TTL()
	if pe.Pipe {
		lt = 255
	}
	f.Push(rt.Label, lt)
	for i := len(nh.Out) - 1; i >= 0; i-- {
		f.Push(nh.Out[i], lt)
	}
	if pe.Node.Tracing() {
		pe.Node.Note("VRF %s: %s via %s (%s): push VPN label %d, transport %s, toward %s",
			v.Name, rt.Prefix, rt.PE, rt.NextHop, rt.Label, outLabels(nh.Out), nh.Neighbor)
	}
	pe.Node.Send(f, nh.IfIndex)
}

// icmpError sends an ICMP error about f back inside VRF v, from the address
// of the interface f arrived on (the PE's first address in v when the PE
// built f itself).
func (pe *PE) icmpError(v *vrf.VRF, f *packet.Frame, in int, typ, code uint8) {
	var src netip.Addr
	if in >= 0 {
		src = pe.IfaceAddr(in)
	} else {
		src, _ = pe.FirstAddr(v)
	}
	if e := host.Error(pe.Node, f, src, typ, code, nil); e != nil {
		pe.Originate(v, e)
	}
}

func outLabels(ls []mpls.Label) string {
	if len(ls) == 0 {
		return "none (implicit null)"
	}
	return mpls.Join(ls)
}
