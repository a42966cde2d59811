package p

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// This file is a PE's EVPN forwarding (RFC 7432; E-Line as EVPN VPWS, RFC
// 8214): the customer's Ethernet frames, whatever they carry, are bridged
// per EVPN instance (EVI). A frame from an attachment circuit teaches the
// PE its source MAC (data-plane learning on the attachment, which the
// control plane advertises as a MAC/IP route), and goes out of the
// attachment that has its destination, under the MAC label of the PE that
// advertised it, or, for broadcast, multicast and unknown unicast, to every
// other attachment and to every remote PE of the EVI by ingress
// replication under the label of its inclusive multicast route (RFC 7432
// sections 11 and 12). A frame from the core is never sent back to the
// core (split horizon) and teaches nothing: remote MACs come from the
// control plane only (section 9.2).
//
// Across the core the frame travels whole, with the VLAN tag it arrived
// with, behind a pseudowire control word (RFC 7432 section 18, RFC 4385);
// the disposition PE rewrites the tag to its own attachment's (section
// 6.1, VLAN-based service). Labels pushed on a frame take TTL 255: there is
// no IP TTL to copy.

// EVI is one EVPN instance on a PE.
type EVI struct {
	Name   string
	Type   topologies.EVPNType
	RD     vrf.RD
	Import []vrf.RouteTarget
	Export []vrf.RouteTarget
	// Label is the label remote PEs push for a known MAC behind this PE
	// (its MAC/IP routes), or an E-Line's label (its Ethernet A-D route);
	// BUMLabel the label of its inclusive multicast route, for flooding.
	Label, BUMLabel mpls.Label
	ACs             []*EVIAC // in interface order
	// MACs is the MAC table: learned on the attachments, installed from
	// remote PEs' MAC/IP routes.
	MACs map[packet.MAC]*MACEntry
	// Remotes are the remote PEs flooding goes to (their inclusive
	// multicast routes), by loopback; Peer is an E-Line's other end.
	Remotes []RemotePE
	Peer    *RemotePE
	// Learned is set when a MAC is learned or moves on an attachment: the
	// control plane has something new to advertise.
	Learned bool
}

// EVIAC is one attachment circuit of an EVI: a bridge port.
type EVIAC struct {
	IfIndex int
	VLAN    uint16 // 0: untagged
	CE      string
	// ServiceID is an E-Line attachment's VPWS service instance ID (RFC
	// 8214): 1 for the first of the two in the file, 2 for the second.
	ServiceID uint32
}

// MACEntry is one MAC table entry.
type MACEntry struct {
	MAC     packet.MAC
	Local   bool
	IfIndex int // local: the attachment
	// remote: the PE behind which the MAC is, and its label
	PE      netip.Addr
	PEName  string
	Label   mpls.Label
	Learned time.Duration // local: the simulated time it was learned
}

// RemotePE is another PE of an EVI and the label it asks for.
type RemotePE struct {
	Addr  netip.Addr
	Name  string
	Label mpls.Label
}

// AttachEVIs binds the router's bridge ports to their EVIs (sorted by name).
func (r *LSR) AttachEVIs(evis []*EVI) {
	r.EVIs = evis
	r.eviOn = make([]*EVI, len(r.Config.Interfaces))
	for _, e := range evis {
		for _, ac := range e.ACs {
			r.eviOn[ac.IfIndex] = e
		}
		if e.MACs == nil {
			e.MACs = map[packet.MAC]*MACEntry{}
		}
	}
}

// EVI returns the named EVI, or nil.
func (r *LSR) EVI(name string) *EVI {
	for _, e := range r.EVIs {
		if e.Name == name {
			return e
		}
	}
	return nil
}

func (e *EVI) ac(ifIndex int) *EVIAC {
	for _, a := range e.ACs {
		if a.IfIndex == ifIndex {
			return a
		}
	}
	return nil
}

// SortedMACs returns the MAC table sorted by MAC.
func (e *EVI) SortedMACs() []*MACEntry {
	out := make([]*MACEntry, 0, len(e.MACs))
	for _, m := range e.MACs {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *MACEntry) int { return strings.Compare(string(a.MAC[:]), string(b.MAC[:])) })
	return out
}

// FlushAC forgets the MACs learned on attachment ifIndex (its link went
// down, as a bridge port going down flushes its entries).
func (e *EVI) FlushAC(ifIndex int) {
	for m, x := range e.MACs {
		if x.Local && x.IfIndex == ifIndex {
			delete(e.MACs, m)
			e.Learned = true
		}
	}
}

// InstallRemote replaces the EVI's remote state: the MACs behind other PEs
// (local entries win over a remote one for the same MAC), the PEs to flood
// to, and an E-Line's peer.
func (e *EVI) InstallRemote(macs []MACEntry, remotes []RemotePE, peer *RemotePE) {
	for m, x := range e.MACs {
		if !x.Local {
			delete(e.MACs, m)
		}
	}
	for _, x := range macs {
		if _, ok := e.MACs[x.MAC]; !ok {
			x := x
			e.MACs[x.MAC] = &x
		}
	}
	e.Remotes = slices.Clone(remotes)
	slices.SortFunc(e.Remotes, func(a, b RemotePE) int { return a.Addr.Compare(b.Addr) })
	e.Peer = peer
}

var _ sim.BridgeHandler = (*LSR)(nil)

// ReceiveFrame handles a frame from a bridge port: an EVPN attachment.
func (r *LSR) ReceiveFrame(f *packet.Frame, in int) {
	e := r.eviOn[in]
	if e == nil {
		r.Node.Drop(f, sim.DropNoEVPN)
		return
	}
	ac := e.ac(in)
	if len(f.Data()) < packet.EthLen {
		r.Node.Drop(f, sim.DropMalformed)
		return
	}
	vlan, tagged := f.PopVLAN()
	if vlan != ac.VLAN || tagged != (ac.VLAN != 0) {
		r.Node.Note("EVPN %s: a frame %s on %s, which takes %s: dropped", e.Name, tagName(vlan, tagged), r.Node.Ifaces[in].Name, vlanTake(ac.VLAN))
		r.Node.Drop(f, sim.DropVLANMismatch)
		return
	}
	if tagged {
		f.InsertVLAN(vlan) // carried across as it arrived (RFC 7432 section 6.1)
	}
	wire := f.Data()
	src, dst := packet.WireSrc(wire), packet.WireDst(wire)
	if e.Type == topologies.ELine {
		if e.Peer == nil {
			r.Node.Note("EVPN %s (E-Line): no route from the other end yet: dropped", e.Name)
			r.Node.Drop(f, sim.DropNoEVPN)
			return
		}
		r.toRemote(e, f, *e.Peer, "E-Line")
		return
	}
	if x, ok := e.MACs[src]; src[0]&1 == 0 && (!ok || !x.Local || x.IfIndex != in) {
		e.MACs[src] = &MACEntry{MAC: src, Local: true, IfIndex: in, Learned: r.Node.Now()}
		e.Learned = true
		r.Node.Note("EVPN %s: learned %s on %s", e.Name, src, r.Node.Ifaces[in].Name)
	}
	x, known := e.MACs[dst]
	switch {
	case dst[0]&1 == 1 || !known:
		r.flood(e, f, in, true)
	case x.Local && x.IfIndex == in:
		r.Node.Note("EVPN %s: %s is on %s, where the frame came from: filtered", e.Name, dst, r.Node.Ifaces[in].Name)
		r.Node.Drop(f, sim.DropSplitHorizon)
	case x.Local:
		r.Node.Note("EVPN %s: %s is on %s (local)", e.Name, dst, r.Node.Ifaces[x.IfIndex].Name)
		r.toAC(e, e.ac(x.IfIndex), f)
	default:
		r.toRemote(e, f, RemotePE{Addr: x.PE, Name: x.PEName, Label: x.Label}, "MAC "+dst.String())
	}
}

// flood sends a broadcast, multicast or unknown-unicast frame to every
// attachment of e but the one it came from and, when it came from an
// attachment (core false for a frame from the core: split horizon), to
// every remote PE of e by ingress replication.
func (r *LSR) flood(e *EVI, f *packet.Frame, in int, core bool) {
	var ifs, pes []string
	for _, ac := range e.ACs {
		if ac.IfIndex != in && r.Node.Ifaces[ac.IfIndex].Link.Up() {
			ifs = append(ifs, r.Node.Ifaces[ac.IfIndex].Name)
		}
	}
	if core {
		for _, p := range e.Remotes {
			pes = append(pes, fmt.Sprintf("%s (label %d)", p.Name, p.Label))
		}
	}
	what := "unknown unicast"
	if dst := packet.WireDst(f.Data()); dst == packet.BroadcastMAC {
		what = "broadcast"
	} else if dst[0]&1 == 1 {
		what = "multicast"
	}
	if len(ifs) == 0 && len(pes) == 0 {
		r.Node.Note("EVPN %s: %s, and nowhere to flood it", e.Name, what)
		r.Node.Drop(f, sim.DropNoEVPN)
		return
	}
	if r.Node.Tracing() {
		to := append(ifs, pes...)
		r.Node.Note("EVPN %s: %s flooded to %s", e.Name, what, strings.Join(to, ", "))
	}
	for _, ac := range e.ACs {
		if ac.IfIndex != in && r.Node.Ifaces[ac.IfIndex].Link.Up() {
			r.toAC(e, ac, f.Clone())
		}
	}
	if core {
		for _, p := range e.Remotes {
			r.push(e, packet.Encapsulate(f), p)
		}
	}
}

// toAC sends a frame out of an attachment, its tag rewritten to the
// attachment's VLAN.
func (r *LSR) toAC(e *EVI, ac *EVIAC, f *packet.Frame) {
	f.SetVLAN(ac.VLAN)
	r.Node.SendFrame(f, ac.IfIndex)
}

// toRemote sends a frame to one remote PE under its label.
func (r *LSR) toRemote(e *EVI, f *packet.Frame, p RemotePE, why string) {
	r.Node.Note("EVPN %s: %s behind %s: push label %d", e.Name, why, p.Name, p.Label)
	r.push(e, packet.Encapsulate(f), p)
}

// push puts the remote PE's EVPN label and the transport labels of an LSP
// to it on an encapsulated frame and sends it.
func (r *LSR) push(e *EVI, f *packet.Frame, p RemotePE) {
	choices := r.Tables.FTN(p.Addr)
	if len(choices) == 0 {
		r.Node.Note("EVPN %s: no LSP to %s (%s)", e.Name, p.Name, p.Addr)
		r.Node.Drop(f, sim.DropNoLabel)
		return
	}
	f.Push(p.Label, 255)
	nh := &choices[f.Choose(len(choices))]
	for i := len(nh.Out) - 1; i >= 0; i-- {
		f.Push(nh.Out[i], 255)
	}
	r.Node.Send(f, nh.IfIndex)
}

// switchL2 switches a labelled Ethernet frame: transport labels as any
// other, down to the EVPN label that leads to an EVI. A label TTL that runs
// out drops the frame: there is no IP packet to answer with an ICMP error.
func (r *LSR) switchL2(f *packet.Frame, in int) {
	ttl := f.Top().TTL()
	if ttl <= 1 {
		r.Node.Note("label TTL expired on an Ethernet frame: dropped (no IP packet to answer)")
		r.Node.Drop(f, sim.DropTTLExpired)
		return
	}
	ttl--
	for {
		l := f.Top().Label()
		if l == mpls.ExplicitNullV4 {
			f.Pop()
			if f.Labels == 0 {
				r.Node.Drop(f, sim.DropMalformed)
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
			if f.Labels == 0 {
				r.Node.Drop(f, sim.DropMalformed) // an Ethernet frame is never sent unlabelled into the core
				return
			}
			f.Top().SetTTL(ttl)
			r.noteSwitch(l, e, nh)
			r.Node.Send(f, nh.IfIndex)
			return
		case mpls.OpPopBridge:
			f.Pop()
			if f.Labels > 0 {
				r.Node.Drop(f, sim.DropMalformed) // an EVPN label is the bottom of the stack
				return
			}
			r.fromCore(e, f)
			return
		}
		r.Node.Note("label %d is not for an Ethernet frame (%s)", l, e.Op)
		r.Node.Drop(f, sim.DropNoLabel)
		return
	}
}

// fromCore bridges a frame whose EVPN label e was just popped: to the
// attachment that has its destination, or flooded to every attachment,
// never back to the core.
func (r *LSR) fromCore(le *mpls.Entry, f *packet.Frame) {
	e := r.EVI(le.EVPN)
	if e == nil {
		r.Node.Drop(f, sim.DropNoEVPN)
		return
	}
	in := f.Decapsulate()
	if e.Type == topologies.ELine {
		if len(e.ACs) == 0 {
			r.Node.Drop(in, sim.DropNoEVPN)
			return
		}
		r.Node.Note("EVPN %s (E-Line): label %d, out of %s", e.Name, le.In, r.Node.Ifaces[e.ACs[0].IfIndex].Name)
		r.toAC(e, e.ACs[0], in)
		return
	}
	dst := packet.WireDst(in.Data())
	x, known := e.MACs[dst]
	if le.BUM || dst[0]&1 == 1 || !known || !x.Local {
		if r.Node.Tracing() && !le.BUM {
			r.Node.Note("EVPN %s: label %d for %s, not on an attachment here", e.Name, le.In, dst)
		}
		r.flood(e, in, -1, false)
		return
	}
	r.Node.Note("EVPN %s: label %d, %s is on %s", e.Name, le.In, dst, r.Node.Ifaces[x.IfIndex].Name)
	r.toAC(e, e.ac(x.IfIndex), in)
}

func tagName(vlan uint16, tagged bool) string {
	if !tagged {
		return "untagged"
	}
	return fmt.Sprintf("tagged %d", vlan)
}

func vlanTake(v uint16) string {
	if v == 0 {
		return "untagged frames"
	}
	return fmt.Sprintf("VLAN %d", v)
}
