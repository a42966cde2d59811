package bgp

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/vpnsim/vpnsim/vrf"
)

// TestRouteTargetFilter: RR1 sends each client only the VPN routes whose
// route targets it imports; withdrawals follow the same filter, and the
// fabric settles with the filtered tables.
func TestRouteTargetFilter(t *testing.T) {
	f := newTestFabric(t)
	rr := addSpeaker(t, f, "RR1", 65000, "10.0.0.100", true)
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	pe3 := addSpeaker(t, f, "PE3", 65000, "10.0.0.3", false)
	pe4 := addSpeaker(t, f, "PE4", 65000, "10.0.0.4", false)
	for _, x := range []struct {
		pe      *Speaker
		imports []vrf.RouteTarget
	}{
		{pe1, nil},                         // unfiltered
		{pe2, []vrf.RouteTarget{rtA}},      // one target
		{pe3, []vrf.RouteTarget{rtC, rtB}}, // either of two
		{pe4, []vrf.RouteTarget{}},         // imports nothing
	} {
		if _, err := f.AddSession(SessionConfig{A: rr, B: x.pe, Family: VPNv4, BIsRRClientOfA: true, BImports: x.imports}); err != nil {
			t.Fatal(err)
		}
	}
	upAll(f)
	settle(t, f)

	route := func(i int, rts ...vrf.RouteTarget) VPNRoute {
		return VPNRoute{RD: rd1, Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i), 0}), 24), Label: 100000,
			NextHop: addr("10.0.0.1"), RouteTargets: rts}
	}
	routes := []VPNRoute{route(1, rtA), route(2, rtB), route(3, rtC), route(4, rtA, rtB), route(5)}
	if err := pe1.AddVPNv4(routes...); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	held := func(sp *Speaker) []string {
		var out []string
		for _, p := range vpnPaths(t, sp) {
			if p.FromPeer != "" {
				out = append(out, p.Prefix.String())
			}
		}
		return out
	}
	check := func(want map[*Speaker][]string) {
		t.Helper()
		for sp, w := range want {
			if got := held(sp); !slices.Equal(got, w) {
				t.Errorf("%s holds %v, want %v", sp.Config().Name, got, w)
			}
		}
	}
	check(map[*Speaker][]string{
		rr:  {"10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24", "10.1.4.0/24", "10.1.5.0/24"},
		pe2: {"10.1.1.0/24", "10.1.4.0/24"},
		pe3: {"10.1.2.0/24", "10.1.3.0/24", "10.1.4.0/24"},
		pe4: nil,
	})

	if err := pe1.DeleteVPNv4(rd1, route(4).Prefix); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	check(map[*Speaker][]string{
		pe2: {"10.1.1.0/24"},
		pe3: {"10.1.2.0/24", "10.1.3.0/24"},
	})
}

func TestRouteTargetFilterOnlyVPN(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "A", 65000, "10.0.0.1", false)
	b := addSpeaker(t, f, "B", 65001, "10.0.0.2", false)
	_, err := f.AddSession(SessionConfig{A: a, B: b, Family: IPv4Unicast, BImports: []vrf.RouteTarget{rtA}})
	if err == nil {
		t.Fatal("AddSession accepted a route-target filter on an IPv4 session")
	}
}
