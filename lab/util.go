package lab

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

func compareStrings(a, b string) int { return cmp.Compare(a, b) }

// ceIfIndex is the index of the CE's interface on link lk.
func ceIfIndex(n *topologies.Node, lk *topologies.Link) int {
	return slices.IndexFunc(n.Interfaces, func(i *topologies.Interface) bool { return i.Link == lk })
}

func sameVPN(a, b bgp.VPNRoute) bool {
	return a.RD == b.RD && a.Prefix == b.Prefix && a.Label == b.Label && a.NextHop == b.NextHop &&
		slices.Equal(a.RouteTargets, b.RouteTargets) && slices.Equal(a.ASPath, b.ASPath) && a.Origin == b.Origin &&
		a.MED == b.MED && a.LocalPref == b.LocalPref && a.SiteOfOrigin == b.SiteOfOrigin
}

func sortedKeys[V any](m map[vpnKey]V) []vpnKey {
	ks := make([]vpnKey, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b vpnKey) int {
		if c := a.rd.Compare(b.rd); c != 0 {
			return c
		}
		return vrf.ComparePrefix(a.prefix, b.prefix)
	})
	return ks
}

func sortedPrefixes[V any](m map[netip.Prefix]V) []netip.Prefix {
	ps := make([]netip.Prefix, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, vrf.ComparePrefix)
	return ps
}
