package vrf

import (
	"net/netip"
	"testing"
)

// TestDecisionOrder walks the decision process one step at a time: each
// case has two routes that tie on every earlier step, and the step named
// decides (RFC 4271 section 9.1.2.2, RFC 4456 section 9, and
// administrative distance between protocols).
func TestDecisionOrder(t *testing.T) {
	pfx := netip.MustParsePrefix("10.1.1.0/24")
	a := netip.MustParseAddr
	ibgp := func(f func(r *Route)) *Route {
		r := &Route{Prefix: pfx, Proto: IBGP, LocalPref: 100, ASPath: []uint32{65001}, IGPCost: 20,
			RouterID: a("10.0.0.2"), PeerID: a("10.0.0.10"), ClusterLen: 1, NextHop: a("10.0.0.2")}
		if f != nil {
			f(r)
		}
		return r
	}
	for _, c := range []struct {
		name          string
		better, worse *Route
	}{
		{"connected over static", &Route{Prefix: pfx, Proto: Connected}, &Route{Prefix: pfx, Proto: Static}},
		{"static over BGP whatever its local preference", &Route{Prefix: pfx, Proto: Static}, ibgp(func(r *Route) { r.LocalPref = 1000 })},
		{"local preference before eBGP over iBGP", ibgp(func(r *Route) { r.LocalPref = 200 }),
			&Route{Prefix: pfx, Proto: EBGP, LocalPref: 100, ASPath: []uint32{65001}}},
		{"AS path length", ibgp(nil), ibgp(func(r *Route) { r.ASPath = []uint32{65002, 65001}; r.IGPCost = 1 })},
		{"origin", ibgp(nil), ibgp(func(r *Route) { r.Origin = 2; r.IGPCost = 1 })},
		{"MED from the same neighbouring AS", ibgp(nil), ibgp(func(r *Route) { r.MED = 5; r.IGPCost = 1 })},
		{"eBGP over iBGP", &Route{Prefix: pfx, Proto: EBGP, LocalPref: 100, ASPath: []uint32{65001}, IGPCost: 50},
			ibgp(nil)},
		{"IGP cost", ibgp(func(r *Route) { r.IGPCost = 10; r.RouterID = a("10.0.0.9") }), ibgp(nil)},
		{"originator or router ID before cluster list length", ibgp(func(r *Route) { r.ClusterLen = 2 }),
			ibgp(func(r *Route) { r.RouterID = a("10.0.0.3") })},
		{"cluster list length", ibgp(nil), ibgp(func(r *Route) { r.ClusterLen = 2; r.PeerID = a("10.0.0.1") })},
		{"peer address", ibgp(func(r *Route) { r.PeerID = a("10.0.0.9") }), ibgp(nil)},
		{"route distinguisher last", ibgp(func(r *Route) { r.RD = MustParseRD("65000:1") }), ibgp(func(r *Route) { r.RD = MustParseRD("65000:2") })},
	} {
		if !Better(c.better, c.worse) || Better(c.worse, c.better) {
			t.Errorf("%s: the first route must win", c.name)
		}
	}
	// MED is not compared between different neighbouring ASes.
	x := ibgp(func(r *Route) { r.MED = 50; r.IGPCost = 10 })
	y := ibgp(func(r *Route) { r.ASPath = []uint32{65009}; r.MED = 0 })
	if !Better(x, y) {
		t.Error("MED decided between paths from different ASes")
	}
}
