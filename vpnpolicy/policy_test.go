package vpnpolicy

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

var (
	pfx  = netip.MustParsePrefix
	addr = netip.MustParseAddr
)

func rt(s string) vrf.RouteTarget {
	r, err := vrf.ParseRouteTarget(s)
	if err != nil {
		panic(err)
	}
	return r
}

func rd(s string) vrf.RD {
	r, err := vrf.ParseRD(s)
	if err != nil {
		panic(err)
	}
	return r
}

func prefixes(rs []*vrf.Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Prefix.String())
	}
	return out
}

// What a VRF learns over an attachment, by its routing and BGP keys.
func TestLearned(t *testing.T) {
	soo := rt("65001:1")
	ebgp := []bgp.IPv4Path{
		{Prefix: pfx("10.1.1.0/24"), FromPeer: "A1", ASPath: []uint32{65001}, Origin: 0},
		{Prefix: pfx("10.9.9.0/24"), FromPeer: "A9", ASPath: []uint32{65009}},
	}
	for _, c := range []struct {
		name  string
		a     Attachment
		paths []bgp.IPv4Path
		want  []vrf.Route
	}{
		{"static: subnet and LANs, redistributed with ORIGIN incomplete",
			Attachment{IfIndex: 2, Subnet: pfx("100.96.0.0/30"), CE: "A1", CEAddr: addr("100.96.0.2"), LANs: []netip.Prefix{pfx("10.1.1.0/24")},
				Routing: topologies.RoutingStatic},
			nil,
			[]vrf.Route{
				{Prefix: pfx("100.96.0.0/30"), Proto: vrf.Connected, IfIndex: 2, Exported: true, Origin: 2, LocalPref: 100},
				{Prefix: pfx("10.1.1.0/24"), Proto: vrf.Static, IfIndex: 2, CE: "A1", NextHop: addr("100.96.0.2"), Exported: true, Origin: 2, LocalPref: 100},
			}},
		{"the link's local-preference, med and soo go on the CE's routes, not on the subnet",
			Attachment{IfIndex: 1, Subnet: pfx("100.96.0.4/30"), CE: "A1", CEAddr: addr("100.96.0.6"), LANs: []netip.Prefix{pfx("10.1.1.0/24")},
				Routing: topologies.RoutingStatic, BGP: topologies.AttachmentBGP{LocalPref: 200, HasLocalPref: true, MED: 50, SoO: soo}},
			nil,
			[]vrf.Route{
				{Prefix: pfx("100.96.0.4/30"), Proto: vrf.Connected, IfIndex: 1, Exported: true, Origin: 2, LocalPref: 100},
				{Prefix: pfx("10.1.1.0/24"), Proto: vrf.Static, IfIndex: 1, CE: "A1", NextHop: addr("100.96.0.6"), Exported: true, Origin: 2,
					LocalPref: 200, MED: 50, SoO: soo},
			}},
		{"ebgp: the CE's paths with their AS path and ORIGIN, other peers' left out",
			Attachment{IfIndex: 0, Subnet: pfx("100.96.0.0/30"), CE: "A1", CEAddr: addr("100.96.0.2"), CEID: addr("10.1.1.1"),
				Routing: topologies.RoutingEBGP},
			ebgp,
			[]vrf.Route{
				{Prefix: pfx("100.96.0.0/30"), Proto: vrf.Connected, IfIndex: 0, Exported: true, Origin: 2, LocalPref: 100},
				{Prefix: pfx("10.1.1.0/24"), Proto: vrf.EBGP, IfIndex: 0, CE: "A1", NextHop: addr("100.96.0.2"), ASPath: []uint32{65001},
					Exported: true, LocalPref: 100, RouterID: addr("10.1.1.1"), PeerID: addr("100.96.0.2")},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Learned(c.a, c.paths)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %d routes", prefixes(got), len(c.want))
			}
			for i := range got {
				if !reflect.DeepEqual(*got[i], c.want[i]) {
					t.Errorf("route %d:\ngot  %+v\nwant %+v", i, *got[i], c.want[i])
				}
			}
		})
	}
}

// Leaking between a PE's VRFs: by route target, through the export map
// of the source (Exported) and the import map of the target, never
// re-exported.
func TestLeaked(t *testing.T) {
	a := vrf.New("A", rd("65000:1"), []vrf.RouteTarget{rt("65000:1"), rt("65000:99")}, []vrf.RouteTarget{rt("65000:1")})
	s := vrf.New("S", rd("65000:99"), []vrf.RouteTarget{rt("65000:99")}, []vrf.RouteTarget{rt("65000:99")})
	b := vrf.New("B", rd("65000:2"), []vrf.RouteTarget{rt("65000:2")}, []vrf.RouteTarget{rt("65000:2")})
	own := map[string][]*vrf.Route{
		"A": {{Prefix: pfx("10.1.1.0/24"), Exported: true}},
		"S": {{Prefix: pfx("10.99.0.0/24"), Exported: true}, {Prefix: pfx("10.99.1.0/24"), Exported: false}, {Prefix: pfx("10.98.0.0/24"), Exported: true}},
		"B": {{Prefix: pfx("10.1.1.0/24"), Exported: true}},
	}
	vrfs := []*vrf.VRF{a, b, s}
	im := topologies.PrefixMap{{Prefix: pfx("10.99.0.0/16"), LE: 24}}
	for _, c := range []struct {
		name string
		v    *vrf.VRF
		im   topologies.PrefixMap
		want []string
	}{
		{"A imports S's exported routes, not B's", a, nil, []string{"10.99.0.0/24", "10.98.0.0/24"}},
		{"A's import map keeps 10.99/16 only", a, im, []string{"10.99.0.0/24"}},
		{"S imports nothing of A (A exports 65000:1 only)", s, nil, nil},
		{"B shares no target", b, nil, nil},
	} {
		got := Leaked(c.v, vrfs, own, c.im)
		if !reflect.DeepEqual(prefixes(got), c.want) {
			t.Errorf("%s: got %v, want %v", c.name, prefixes(got), c.want)
		}
		for _, r := range got {
			if r.Exported || r.FromVRF != "S" {
				t.Errorf("%s: %s leaked as %+v; want from S, not exported", c.name, r.Prefix, r)
			}
		}
	}
	if !own["S"][0].Exported || own["S"][0].FromVRF != "" {
		t.Error("leaking changed the source VRF's own route")
	}
}

func TestMarkExported(t *testing.T) {
	rs := []*vrf.Route{{Prefix: pfx("10.1.1.0/24")}, {Prefix: pfx("10.1.2.0/25")}, {Prefix: pfx("100.96.0.0/30")}}
	MarkExported(rs, nil)
	for _, r := range rs {
		if !r.Exported {
			t.Errorf("no export map: %s not exported", r.Prefix)
		}
	}
	MarkExported(rs, topologies.PrefixMap{{Prefix: pfx("10.1.0.0/16"), LE: 24}})
	if got := []bool{rs[0].Exported, rs[1].Exported, rs[2].Exported}; !reflect.DeepEqual(got, []bool{true, false, false}) {
		t.Errorf("export map 10.1.0.0/16 le 24: exported %v, want [true false false]", got)
	}
}

// Remote import: the paths carrying one of the VRF's import targets, in
// RIB order, each once; the PE's own paths are never imported this way.
func TestImportable(t *testing.T) {
	paths := []bgp.VPNPath{
		{Prefix: pfx("10.1.2.0/24"), FromPeer: "RR1", RouteTargets: []vrf.RouteTarget{rt("65000:1"), rt("65000:99")}},
		{Prefix: pfx("10.2.2.0/24"), FromPeer: "RR1", RouteTargets: []vrf.RouteTarget{rt("65000:2")}},
		{Prefix: pfx("10.1.1.0/24"), FromPeer: "", RouteTargets: []vrf.RouteTarget{rt("65000:1")}},
		{Prefix: pfx("10.99.0.0/24"), FromPeer: "RR2", RouteTargets: []vrf.RouteTarget{rt("65000:99")}},
	}
	byRT := TargetIndex(paths)
	for _, c := range []struct {
		imp  []vrf.RouteTarget
		want []int
	}{
		{[]vrf.RouteTarget{rt("65000:99"), rt("65000:1")}, []int{0, 3}},
		{[]vrf.RouteTarget{rt("65000:2")}, []int{1}},
		{[]vrf.RouteTarget{rt("65000:7")}, []int{}},
	} {
		v := vrf.New("V", rd("65000:5"), c.imp, nil)
		if got := Importable(v, byRT, nil); !reflect.DeepEqual(append([]int{}, got...), c.want) {
			t.Errorf("import %v: got %v, want %v", c.imp, got, c.want)
		}
	}
	if !Imports(nil, pfx("10.0.0.0/8")) || Imports(topologies.PrefixMap{{Prefix: pfx("10.1.0.0/16")}}, pfx("10.2.0.0/16")) {
		t.Error("Imports does not follow the import map")
	}
}

// The VPN-IPv4 route a PE advertises, and how a received path becomes a
// route for the decision.
func TestAdvertisedAndReceived(t *testing.T) {
	v := vrf.New("A", rd("65000:1"), nil, []vrf.RouteTarget{rt("65000:1")})
	soo := rt("65001:1")
	r := &vrf.Route{Prefix: pfx("10.1.1.0/24"), ASPath: []uint32{65001}, Origin: 0, MED: 5, LocalPref: 100, SoO: soo}
	got := Advertised(v, r, 100000, addr("10.0.0.1"))
	want := bgp.VPNRoute{RD: rd("65000:1"), Prefix: pfx("10.1.1.0/24"), Label: 100000, NextHop: addr("10.0.0.1"),
		RouteTargets: []vrf.RouteTarget{rt("65000:1")}, ASPath: []uint32{65001}, MED: 5, SiteOfOrigin: soo}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("advertised\ngot  %+v\nwant %+v", got, want)
	}
	r.LocalPref = 200
	if got := Advertised(v, r, 100000, addr("10.0.0.1")); got.LocalPref != 200 {
		t.Errorf("a link's local-preference 200 is advertised as %d", got.LocalPref)
	}

	p := bgp.VPNPath{RD: rd("65000:1"), Prefix: pfx("10.1.2.0/24"), Label: 100001, NextHop: addr("10.0.0.4"), FromPeer: "RR1",
		PeerRouterID: addr("10.0.0.9"), ClusterList: []netip.Addr{addr("10.0.0.9")}}
	rr := Received(p, "PE2", 30)
	if rr.LocalPref != 100 || rr.RouterID != addr("10.0.0.9") || rr.ClusterLen != 1 || rr.IGPCost != 30 || rr.PE != "PE2" || rr.Label != 100001 {
		t.Errorf("received without ORIGINATOR_ID or LOCAL_PREF: %+v", rr)
	}
	p.OriginatorID, p.LocalPref = addr("10.0.0.4"), 150
	if rr := Received(p, "PE2", 30); rr.RouterID != addr("10.0.0.4") || rr.LocalPref != 150 {
		t.Errorf("the ORIGINATOR_ID stands for the router ID (RFC 4456 section 9): %+v", rr)
	}
}

// What goes to an eBGP CE: not back to the CE it came from, not to a link
// of the same Site of Origin.
func TestToCE(t *testing.T) {
	soo := rt("65001:1")
	routes := []*vrf.Route{
		{Prefix: pfx("10.1.1.0/24"), Proto: vrf.EBGP, CE: "A1", ASPath: []uint32{65001}},
		{Prefix: pfx("10.1.3.0/24"), Proto: vrf.EBGP, CE: "A3", ASPath: []uint32{65001}, SoO: soo},
		{Prefix: pfx("10.1.2.0/24"), Proto: vrf.IBGP, ASPath: []uint32{65002}, Origin: 0},
		{Prefix: pfx("100.96.0.0/30"), Proto: vrf.Connected, Origin: 2},
	}
	for _, c := range []struct {
		ce   string
		soo  vrf.RouteTarget
		want []string
	}{
		{"A1", vrf.RouteTarget{}, []string{"10.1.2.0/24", "10.1.3.0/24", "100.96.0.0/30"}},
		{"A1", soo, []string{"10.1.2.0/24", "100.96.0.0/30"}},
		{"A3", vrf.RouteTarget{}, []string{"10.1.1.0/24", "10.1.2.0/24", "100.96.0.0/30"}},
	} {
		got := ToCE(routes, c.ce, c.soo, addr("100.96.0.1"))
		var ps []string
		for _, p := range []string{"10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24", "100.96.0.0/30"} {
			if r, ok := got[pfx(p)]; ok {
				ps = append(ps, p)
				if r.NextHop != addr("100.96.0.1") {
					t.Errorf("%s to %s: next hop %s", p, c.ce, r.NextHop)
				}
			}
		}
		if !reflect.DeepEqual(ps, c.want) {
			t.Errorf("to %s (soo %v): got %v, want %v", c.ce, c.soo, ps, c.want)
		}
	}
}
