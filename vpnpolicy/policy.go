// Package vpnpolicy is a PE's VPN route policy as pure functions (RFC 4364
// sections 4.3 and 7, with the knobs IOS and FRR give): which routes a VRF
// learns over an attachment, which of its routes it exports (the export
// map), which it imports from the PE's other VRFs and from remote PEs (route
// targets and the import map), the VPN-IPv4 route it advertises for each
// (RD, label, targets and the customer's attributes) and what it sends to
// an eBGP CE (never back to the CE it came from, never to a link of the same
// Site of Origin). Nothing here reads the running network: package lab
// gathers the inputs and applies the answers.
package vpnpolicy

import (
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// OriginIncomplete is ORIGIN incomplete ("?"), which redistributed
// connected and static routes carry, as IOS gives them.
const OriginIncomplete = 2

// DefaultLocalPref is the LOCAL_PREF of a route no policy set one on.
const DefaultLocalPref = 100

// Attachment is what the policy needs of one attachment circuit.
type Attachment struct {
	IfIndex int
	Subnet  netip.Prefix // the CE–PE link's subnet
	CE      string
	CEAddr  netip.Addr
	CEID    netip.Addr     // the CE's router ID (an eBGP CE's routes carry it)
	LANs    []netip.Prefix // a static CE's LANs
	Routing topologies.Routing
	BGP     topologies.AttachmentBGP // the link's BGP keys
}

// Learned is what a VRF learns over one attachment that is up: the link's
// subnet (connected), and the CE's LANs (static) or the paths the CE sent
// (eBGP; paths from other peers are left out). The link's BGP keys set
// LOCAL_PREF, MED and the Site of Origin on what comes from the CE, not on
// the link's own subnet. Connected and static routes enter BGP by
// redistribution, with ORIGIN incomplete.
func Learned(a Attachment, paths []bgp.IPv4Path) []*vrf.Route {
	pol := a.BGP
	lp := pol.LocalPrefOr100()
	rs := []*vrf.Route{{Prefix: a.Subnet, Proto: vrf.Connected, IfIndex: a.IfIndex, Exported: true,
		Origin: OriginIncomplete, LocalPref: DefaultLocalPref}}
	switch a.Routing {
	case topologies.RoutingStatic:
		for _, lan := range a.LANs {
			rs = append(rs, &vrf.Route{Prefix: lan, Proto: vrf.Static, IfIndex: a.IfIndex, CE: a.CE, NextHop: a.CEAddr, Exported: true,
				Origin: OriginIncomplete, LocalPref: lp, MED: pol.MED, SoO: pol.SoO})
		}
	case topologies.RoutingEBGP:
		for _, p := range paths {
			if p.FromPeer != a.CE {
				continue
			}
			rs = append(rs, &vrf.Route{Prefix: p.Prefix, Proto: vrf.EBGP, IfIndex: a.IfIndex, CE: a.CE, NextHop: a.CEAddr,
				ASPath: p.ASPath, Origin: p.Origin, Exported: true, LocalPref: lp, MED: pol.MED, SoO: pol.SoO,
				RouterID: a.CEID, PeerID: a.CEAddr})
		}
	}
	return rs
}

// Static is a static route of a VRF: toward the CE on interface IfIndex
// (with address NextHop), or to null0 (Discard).
func Static(prefix netip.Prefix, discard bool, ifIndex int, ce string, nextHop netip.Addr) *vrf.Route {
	if discard {
		return &vrf.Route{Prefix: prefix, Proto: vrf.Static, IfIndex: -1, Discard: true,
			Origin: OriginIncomplete, LocalPref: DefaultLocalPref}
	}
	return &vrf.Route{Prefix: prefix, Proto: vrf.Static, IfIndex: ifIndex, CE: ce, NextHop: nextHop,
		Origin: OriginIncomplete, LocalPref: DefaultLocalPref}
}

// MarkExported applies a VRF's export map to its own routes: it decides
// which it exports, to other PEs and to the PE's other VRFs alike (IOS
// "export map", FRR "route-map vpn export").
func MarkExported(own []*vrf.Route, exportMap topologies.PrefixMap) {
	for _, r := range own {
		r.Exported = exportMap.Permits(r.Prefix)
	}
}

// Leaked are the routes VRF v imports from the PE's other VRFs (vrfs, with
// their own routes in own by name): those exported with a target v
// imports, let through by v's import map. Each is a copy that names the
// VRF it came from and is not exported again (IOS does not re-export
// routes imported from another VRF).
func Leaked(v *vrf.VRF, vrfs []*vrf.VRF, own map[string][]*vrf.Route, importMap topologies.PrefixMap) []*vrf.Route {
	var out []*vrf.Route
	for _, w := range vrfs {
		if w == v || !v.Imports(w.Export) {
			continue
		}
		for _, r := range own[w.Name] {
			if !r.Exported || !importMap.Permits(r.Prefix) {
				continue
			}
			lr := *r
			lr.FromVRF, lr.Exported = w.Name, false
			out = append(out, &lr)
		}
	}
	return out
}

// TargetIndex indexes the paths received from peers by route target, so
// that a VRF looks only at the paths that carry one of its import targets.
func TargetIndex(paths []bgp.VPNPath) map[vrf.RouteTarget][]int {
	byRT := map[vrf.RouteTarget][]int{}
	for i, p := range paths {
		if p.FromPeer == "" {
			continue
		}
		for _, rt := range p.RouteTargets {
			byRT[rt] = append(byRT[rt], i)
		}
	}
	return byRT
}

// Importable lists, in RIB order and each once, the indexes of the paths
// (indexed by TargetIndex) that carry one of VRF v's import targets. The
// VRF's import map is applied after (Imports). buf is reused.
func Importable(v *vrf.VRF, byRT map[vrf.RouteTarget][]int, buf []int) []int {
	idx := buf[:0]
	for _, rt := range v.Import {
		idx = append(idx, byRT[rt]...)
	}
	slices.Sort(idx)
	return slices.Compact(idx)
}

// Imports reports whether a VRF's import map lets a remote prefix in (IOS
// "import map", FRR "route-map vpn import").
func Imports(importMap topologies.PrefixMap, p netip.Prefix) bool { return importMap.Permits(p) }

// Advertised is the VPN-IPv4 route a PE advertises for route r of VRF v:
// the VRF's RD and export targets, the label the PE's plan gives it, the
// PE's loopback as next hop, and the customer's AS path, ORIGIN and MED as
// they came (RFC 4364 section 7). LOCAL_PREF is sent only when a link set
// one: with none GoBGP sends 100 over iBGP, as IOS does.
func Advertised(v *vrf.VRF, r *vrf.Route, label mpls.Label, nextHop netip.Addr) bgp.VPNRoute {
	lp := r.LocalPref
	if lp == DefaultLocalPref {
		lp = 0
	}
	return bgp.VPNRoute{RD: v.RD, Prefix: r.Prefix, Label: label, NextHop: nextHop, RouteTargets: v.Export,
		ASPath: r.ASPath, Origin: r.Origin, MED: r.MED, LocalPref: lp, SiteOfOrigin: r.SoO}
}

// ToCE is what a PE advertises to an eBGP CE over an attachment of VRF
// routes: each route with the AS path it carried (GoBGP prepends the
// provider's AS), never back to the CE it came from, never to a link of
// the same Site of Origin (RFC 4364 section 7, RFC 4360 section 5).
func ToCE(routes []*vrf.Route, ce string, soo vrf.RouteTarget, nextHop netip.Addr) map[netip.Prefix]bgp.IPv4Route {
	want := map[netip.Prefix]bgp.IPv4Route{}
	for _, r := range routes {
		if r.Proto == vrf.EBGP && r.CE == ce {
			continue
		}
		if soo != (vrf.RouteTarget{}) && r.SoO == soo {
			continue
		}
		want[r.Prefix] = bgp.IPv4Route{Prefix: r.Prefix, NextHop: nextHop, ASPath: r.ASPath, Origin: r.Origin}
	}
	return want
}

// Received is a VPN path received from a peer as a route for the decision
// process (vrf.CompareBGP), reaching PE pe at IGP cost: a missing
// LOCAL_PREF counts as 100 (IOS, FRR), and the ORIGINATOR_ID stands for the
// router ID (RFC 4456 section 9).
func Received(p bgp.VPNPath, pe string, cost uint32) *vrf.Route {
	r := ReceivedRoute(p, pe, cost)
	return &r
}

// ReceivedRoute is Received as a value, for a caller that compares many
// paths and keeps none of them.
func ReceivedRoute(p bgp.VPNPath, pe string, cost uint32) vrf.Route {
	rid := p.OriginatorID
	if !rid.IsValid() {
		rid = p.PeerRouterID
	}
	lp := p.LocalPref
	if lp == 0 {
		lp = DefaultLocalPref
	}
	return vrf.Route{Prefix: p.Prefix, Proto: vrf.IBGP, PE: pe, NextHop: p.NextHop, Label: p.Label, RD: p.RD,
		RTs: p.RouteTargets, LocalPref: lp, ASPath: p.ASPath, Origin: p.Origin, MED: p.MED, IGPCost: cost,
		ClusterLen: len(p.ClusterList), RouterID: rid, PeerID: p.PeerRouterID, SoO: p.SiteOfOrigin}
}
