package vrf

import (
	"net/netip"
	"testing"
)

// Deciding names the step of the decision that chose, as Compare takes
// them in order.
func TestDeciding(t *testing.T) {
	base := func() *Route {
		return &Route{Prefix: netip.MustParsePrefix("10.1.1.0/24"), Proto: IBGP, LocalPref: 100, ASPath: []uint32{65001},
			IGPCost: 20, RouterID: netip.MustParseAddr("10.0.0.4"), PeerID: netip.MustParseAddr("10.0.0.10")}
	}
	for _, c := range []struct {
		name string
		edit func(a, b *Route)
	}{
		{"locally originated (weight 32768)", func(a, b *Route) { a.Proto = Static }},
		{"higher local preference", func(a, b *Route) { a.LocalPref = 200; a.IGPCost = 90 }},
		{"shorter AS path", func(a, b *Route) { b.ASPath = []uint32{65001, 65001} }},
		{"lower origin type", func(a, b *Route) { b.Origin = 2 }},
		{"lower MED", func(a, b *Route) { b.MED = 10 }},
		{"lower IGP metric to the next hop", func(a, b *Route) { b.IGPCost = 30 }},
		{"lower router ID (ORIGINATOR_ID for a reflected path)", func(a, b *Route) { b.RouterID = netip.MustParseAddr("10.0.0.5") }},
		{"shorter cluster list", func(a, b *Route) { b.ClusterLen = 1 }},
		{"lower neighbor address", func(a, b *Route) { b.PeerID = netip.MustParseAddr("10.0.0.11") }},
	} {
		a, b := base(), base()
		c.edit(a, b)
		if got := Deciding(a, b); got != c.name {
			t.Errorf("%s: got %q", c.name, got)
		}
		if got := Deciding(b, a); got != "" {
			t.Errorf("%s: the loser is said to win by %q", c.name, got)
		}
	}
}
