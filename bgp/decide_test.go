package bgp

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/vpnsim/vpnsim/vrf"
)

// TestDecidesReflectsOnlyTheCallersChoice: a reflector with Decides holds
// both PEs' paths for one RD and prefix in its Adj-RIB-In, sends nothing
// by itself, and sends exactly the path the caller reflects, unchanged but
// for ORIGINATOR_ID and CLUSTER_LIST (RFC 4456 section 8), even when GoBGP
// would have picked the other (lower router ID).
func TestDecidesReflectsOnlyTheCallersChoice(t *testing.T) {
	f := newTestFabric(t)
	rr, err := f.AddSpeaker(SpeakerConfig{Name: "RR1", ASN: 65000, RouterID: addr("10.0.0.100"), ClusterID: addr("10.0.0.100"), Decides: true})
	if err != nil {
		t.Fatal(err)
	}
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	pe3 := addSpeaker(t, f, "PE3", 65000, "10.0.0.3", false)
	for _, pe := range []*Speaker{pe1, pe2, pe3} {
		addSession(t, f, rr, pe, VPNv4, true)
	}
	upAll(f)
	settle(t, f)

	r1 := VPNRoute{RD: rd1, Prefix: pfx1, Label: 100001, NextHop: addr("10.0.0.1"), RouteTargets: []vrf.RouteTarget{rtA},
		ASPath: []uint32{65001}, MED: 5}
	r2 := r1
	r2.Label, r2.NextHop, r2.ASPath, r2.Origin, r2.LocalPref = 100007, addr("10.0.0.2"), []uint32{65001, 65009}, 2, 120
	r2.SiteOfOrigin = vrf.MustParseRouteTarget("65000:101").SiteOfOrigin()
	if err := pe1.AddVPNv4(r1); err != nil {
		t.Fatal(err)
	}
	if err := pe2.AddVPNv4(r2); err != nil {
		t.Fatal(err)
	}
	settle(t, f)

	if got := vpnPaths(t, pe3); len(got) != 0 {
		t.Fatalf("PE3 got paths before the reflector decided: %+v", got)
	}
	in, err := rr.AdjRIBInVPNv4()
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 2 || in[0].FromPeer != "PE1" || in[1].FromPeer != "PE2" {
		t.Fatalf("RR1 Adj-RIB-In: %+v", in)
	}
	if got := in[1]; !slices.Equal(got.ASPath, []uint32{65001, 65009}) || got.Origin != 2 || got.LocalPref != 120 ||
		got.SiteOfOrigin != r2.SiteOfOrigin || got.PeerRouterID != addr("10.0.0.2") {
		t.Errorf("PE2's path as RR1 holds it: %+v", got)
	}
	if got := vpnPaths(t, rr); len(got) != 0 {
		t.Errorf("RR1's Loc-RIB holds received paths: %+v", got)
	}

	// The caller picks PE2's path.
	if err := rr.Reflect(in[1]); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	got := vpnPaths(t, pe3)
	if len(got) != 1 {
		t.Fatalf("PE3: %+v", got)
	}
	p := got[0]
	if p.NextHop != addr("10.0.0.2") || p.Label != 100007 || p.OriginatorID != addr("10.0.0.2") ||
		!slices.Equal(p.ClusterList, []netip.Addr{addr("10.0.0.100")}) || !slices.Equal(p.ASPath, []uint32{65001, 65009}) ||
		p.Origin != 2 || p.LocalPref != 120 || p.SiteOfOrigin != r2.SiteOfOrigin || p.FromPeer != "RR1" {
		t.Errorf("PE3's copy of PE2's path: %+v", p)
	}
	// PE2 gets its own path back and drops it (ORIGINATOR_ID); PE1 takes it.
	if got := vpnPaths(t, pe1); len(got) != 2 {
		t.Errorf("PE1 holds %+v, want its own path and PE2's", got)
	}

	// The caller changes its mind: PE1's path replaces PE2's everywhere.
	if err := rr.Reflect(in[0]); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got := vpnPaths(t, pe3); len(got) != 1 || got[0].NextHop != addr("10.0.0.1") || got[0].MED != 5 {
		t.Errorf("PE3 after the change: %+v", got)
	}
	// And withdraws it.
	if err := rr.DeleteVPNv4(rd1, pfx1); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got := vpnPaths(t, pe3); len(got) != 0 {
		t.Errorf("PE3 after the withdrawal: %+v", got)
	}
	if err := rr.Reflect(VPNPath{RD: rd1, Prefix: pfx1}); err == nil {
		t.Error("Reflect took a path that AdjRIBInVPNv4 did not read")
	}
}
