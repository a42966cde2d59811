package topologies

import (
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// The rules that turn a topology into router configuration live here once,
// for every consumer: the simulator (pe, lab), the export to FRR, and the
// drawings.

// RDOn returns the route distinguisher PE pe uses for VRF v: the file's RD,
// or for rd: auto the type 1 RD LOOPBACK:n, n the VRF's position in the
// file (docs/spec/topology.md), so every PE has its own RD for the VRF, as
// IOS's and Junos's auto-RD give each PE a distinct one.
func (v *VRF) RDOn(pe *Node) vrf.RD {
	if v.RDAuto {
		return vrf.NewRDIP(pe.Loopback, uint16(v.Index))
	}
	return v.RD
}

// RDOn returns the route distinguisher PE pe uses for EVPN instance e: the
// file's RD, or for rd: auto LOOPBACK:n with n after every VRF's (the
// number of VRFs plus the instance's position among the evpns), so an
// EVI's auto RD never equals a VRF's on the same PE.
func (e *EVPN) RDOn(pe *Node, t *Topology) vrf.RD {
	if e.RDAuto {
		return vrf.NewRDIP(pe.Loopback, uint16(len(t.VRFs)+e.Index))
	}
	return e.RD
}

// IBGPSession is one VPNv4 iBGP session of the provider's plan: B is a
// route-reflector client of A when Client is set.
type IBGPSession struct {
	A, B   *Node
	Client bool
}

// IBGPSessions returns the provider's VPNv4 iBGP sessions: with route
// reflectors, every RR peers with every PE (its clients) and the RRs with
// each other (non-clients, a full mesh of reflectors, as RFC 4456 section
// 7 has it); without any, the PEs in a full mesh. In file order: for each
// RR its clients, then the RR pairs; or the PE pairs.
func (t *Topology) IBGPSessions() []IBGPSession {
	var pes, rrs []*Node
	for _, n := range t.Nodes {
		switch n.Role {
		case RolePE:
			pes = append(pes, n)
		case RoleRR:
			rrs = append(rrs, n)
		}
	}
	var out []IBGPSession
	mesh := func(ns []*Node) {
		for i := range ns {
			for j := i + 1; j < len(ns); j++ {
				out = append(out, IBGPSession{A: ns[i], B: ns[j]})
			}
		}
	}
	if len(rrs) == 0 {
		mesh(pes)
		return out
	}
	for _, r := range rrs {
		for _, p := range pes {
			out = append(out, IBGPSession{A: r, B: p, Client: true})
		}
	}
	mesh(rrs)
	return out
}

// IBGPPeer is one of a router's iBGP neighbours; Client says the neighbour
// is a route-reflector client of this router.
type IBGPPeer struct {
	Node   *Node
	Client bool
}

// IBGPPeers returns n's neighbours in IBGPSessions, in session order.
func (t *Topology) IBGPPeers(n *Node) []IBGPPeer {
	var out []IBGPPeer
	for _, s := range t.IBGPSessions() {
		switch n {
		case s.A:
			out = append(out, IBGPPeer{Node: s.B, Client: s.Client})
		case s.B:
			out = append(out, IBGPPeer{Node: s.A})
		}
	}
	return out
}

// Default label bases (topology contract, "Labels").
const (
	FirstLDPLabel = uint32(mpls.FirstLDP) // the first label not reserved (RFC 3032 section 2.1)
	FirstVPNLabel = uint32(mpls.FirstVPN) // far above the LDP labels of any network vpnsim runs
)

// LabelBases are the first LDP label and the first VPN label provider
// router n allocates: 16 and 100000, or with label-range: [MIN, MAX] the
// LDP labels from MIN (one per other provider router) and the VPN labels
// right after them; max is the last label n may use.
func (t *Topology) LabelBases(n *Node) (ldp, vpn, max uint32) {
	if n.LabelRange == [2]uint32{} {
		return FirstLDPLabel, FirstVPNLabel, MaxLabel
	}
	return n.LabelRange[0], n.LabelRange[0] + uint32(t.providers()-1), n.LabelRange[1]
}

// providers counts the provider routers (each one LDP FEC).
func (t *Topology) providers() int {
	k := 0
	for _, n := range t.Nodes {
		if n.IsProvider() {
			k++
		}
	}
	return k
}
