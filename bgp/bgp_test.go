package bgp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

var (
	rd1  = vrf.MustParseRD("65000:1")
	rd2  = vrf.MustParseRD("10.0.0.2:7")
	rtA  = vrf.MustParseRouteTarget("65000:100")
	rtB  = vrf.MustParseRouteTarget("10.9.9.9:7")
	rtC  = vrf.MustParseRouteTarget("4200000000:3")
	pfx1 = netip.MustParsePrefix("10.1.0.0/24")
	pfx2 = netip.MustParsePrefix("10.2.0.0/16")
)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// rrNetwork is RR1 with clients PE1 and PE2, all in AS 65000.
type rrNetwork struct {
	f             *Fabric
	rr, pe1, pe2  *Speaker
	s1, s2        *Session // RR1–PE1, RR1–PE2
	firstSettling time.Duration
}

func newRRNetwork(t testing.TB) *rrNetwork {
	n := &rrNetwork{f: newTestFabric(t)}
	n.rr = addSpeaker(t, n.f, "RR1", 65000, "10.0.0.100", true)
	n.pe1 = addSpeaker(t, n.f, "PE1", 65000, "10.0.0.1", false)
	n.pe2 = addSpeaker(t, n.f, "PE2", 65000, "10.0.0.2", false)
	n.s1 = addSession(t, n.f, n.rr, n.pe1, VPNv4, true)
	n.s2 = addSession(t, n.f, n.rr, n.pe2, VPNv4, true)
	start := time.Now()
	upAll(n.f)
	settle(t, n.f)
	n.firstSettling = time.Since(start)
	return n
}

var route1 = VPNRoute{RD: rd1, Prefix: pfx1, Label: 100001, NextHop: addr("10.0.0.1"),
	RouteTargets: []vrf.RouteTarget{rtC, rtB, rtA, rtC}}

// TestSpeakersStartWhileAnotherFabricCloses starts speakers while another
// fabric closes: a closing speaker deletes its neighbours, and GoBGP then
// withdraws their routes, reading the package-level options StartBgp
// writes; the two must not race (run with -race).
func TestSpeakersStartWhileAnotherFabricCloses(t *testing.T) {
	routes := make([]VPNRoute, 500)
	for i := range routes {
		routes[i] = route1
		routes[i].Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32)
	}
	for range 5 {
		closing := newRRNetwork(t)
		if err := closing.pe1.AddVPNv4(routes...); err != nil {
			t.Fatal(err)
		}
		settle(t, closing.f)
		closed := make(chan error, 1)
		go func() { closed <- closing.f.Close() }()
		f := newTestFabric(t)
		for i := range 8 {
			addSpeaker(t, f, fmt.Sprintf("S%d", i), 65000, fmt.Sprintf("10.0.1.%d", i+1), false)
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
	}
}

func TestPERRPEPropagation(t *testing.T) {
	n := newRRNetwork(t)
	t.Logf("RR1 and two clients: first Established and settled in %v", n.firstSettling)
	for _, s := range n.f.Sessions() {
		if st := s.State(); !st.Established || !st.Desired {
			t.Errorf("%s: %+v", s.Name(), st)
		}
	}
	if err := n.pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)

	wantRTs := []vrf.RouteTarget{rtA, rtB, rtC} // sorted by wire bytes (type 0, 1, 2), no duplicates
	want := []VPNPath{{
		RD: rd1, Prefix: pfx1, Label: 100001, NextHop: addr("10.0.0.1"), RouteTargets: wantRTs,
		FromPeer: "RR1", PeerRouterID: addr("10.0.0.100"),
		OriginatorID: addr("10.0.0.1"), ClusterList: []netip.Addr{addr("10.0.0.100")}, LocalPref: 100, Best: true,
	}}
	if got := vpnPaths(t, n.pe2); !reflect.DeepEqual(got, want) {
		t.Errorf("PE2 RIB:\n got %+v\nwant %+v", got, want)
	}
	wantRR := []VPNPath{{
		RD: rd1, Prefix: pfx1, Label: 100001, NextHop: addr("10.0.0.1"), RouteTargets: wantRTs,
		FromPeer: "PE1", PeerRouterID: addr("10.0.0.1"), LocalPref: 100, Best: true,
	}}
	if got := vpnPaths(t, n.rr); !reflect.DeepEqual(got, wantRR) {
		t.Errorf("RR1 RIB:\n got %+v\nwant %+v", got, wantRR)
	}
	wantPE1 := []VPNPath{{RD: rd1, Prefix: pfx1, Label: 100001, NextHop: addr("10.0.0.1"), RouteTargets: wantRTs, Best: true}}
	if got := vpnPaths(t, n.pe1); !reflect.DeepEqual(got, wantPE1) {
		t.Errorf("PE1 RIB:\n got %+v\nwant %+v", got, wantPE1)
	}
	if st := n.s2.State(); st.UpdatesAToB == 0 {
		t.Errorf("RR1–PE2 relayed no UPDATE: %+v", st)
	}
	// the progress snapshot counts what the sessions' states say
	var ups uint64
	for _, s := range n.f.Sessions() {
		st := s.State()
		ups += st.UpdatesAToB + st.UpdatesBToA
	}
	if p := n.f.Progress(); p.Sessions != 2 || p.Established != 2 || p.Updates != ups || ups == 0 {
		t.Errorf("Progress() = %+v, want 2 sessions, 2 established, %d UPDATEs", p, ups)
	}
}

func TestWithdrawPropagates(t *testing.T) {
	n := newRRNetwork(t)
	r2 := VPNRoute{RD: rd2, Prefix: pfx2, Label: 17, NextHop: addr("10.0.0.2"), RouteTargets: []vrf.RouteTarget{rtA}}
	if err := n.pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	if err := n.pe2.AddVPNv4(r2); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	if got := len(vpnPaths(t, n.pe2)); got != 2 {
		t.Fatalf("PE2 holds %d paths, want its own and PE1's", got)
	}
	if err := n.pe1.DeleteVPNv4(route1.RD, route1.Prefix); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	for _, sp := range []*Speaker{n.pe1, n.rr, n.pe2} {
		for _, p := range vpnPaths(t, sp) {
			if p.RD == route1.RD {
				t.Errorf("%s still holds the withdrawn %v %v from %q", sp.Name(), p.RD, p.Prefix, p.FromPeer)
			}
		}
	}
	if got := vpnPaths(t, n.pe1); len(got) != 1 || got[0].RD != rd2 || got[0].FromPeer != "RR1" {
		t.Errorf("PE1 RIB: %+v, want PE2's route via RR1", got)
	}
}

// TestTwoRouteReflectors: every PE is a client of both RRs and the RRs peer
// as non-clients. Router IDs are tried both below and above the PEs', since
// GoBGP breaks ties on the sending peer's router ID.
func TestTwoRouteReflectors(t *testing.T) {
	for _, tc := range []struct{ name, rr1, rr2 string }{
		{"RRs above PEs", "10.0.0.101", "10.0.0.102"},
		{"RRs below PEs", "10.0.0.11", "10.0.0.12"},
		{"RRs around PEs", "10.0.0.101", "10.0.0.12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestFabric(t)
			rr1 := addSpeaker(t, f, "RR1", 65000, tc.rr1, true)
			rr2 := addSpeaker(t, f, "RR2", 65000, tc.rr2, true)
			pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.51", false)
			pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.52", false)
			addSession(t, f, rr1, rr2, VPNv4, false)
			for _, rr := range []*Speaker{rr1, rr2} {
				for _, pe := range []*Speaker{pe1, pe2} {
					addSession(t, f, rr, pe, VPNv4, true)
				}
			}
			upAll(f)
			settle(t, f)
			r := route1
			r.NextHop = addr("10.0.0.51")
			if err := pe1.AddVPNv4(r); err != nil {
				t.Fatal(err)
			}
			settle(t, f)
			got := vpnPaths(t, pe2)
			var from []string
			for _, p := range got {
				from = append(from, p.FromPeer)
				if p.NextHop != r.NextHop || p.Label != r.Label || p.OriginatorID != r.NextHop {
					t.Errorf("PE2 path %+v: want next hop, label and originator of PE1", p)
				}
			}
			if strings.Join(from, ",") != "RR1,RR2" {
				t.Errorf("PE2 holds PE1's route from %v, want from RR1 and RR2", from)
			}
			for _, sp := range []*Speaker{rr1, rr2, pe1} {
				t.Logf("%s: %s", sp.Name(), describe(vpnPaths(t, sp)))
			}

			if err := pe1.DeleteVPNv4(r.RD, r.Prefix); err != nil {
				t.Fatal(err)
			}
			settle(t, f)
			for _, sp := range f.Speakers() {
				if got := vpnPaths(t, sp); len(got) != 0 {
					t.Errorf("%s still holds %s after the withdrawal", sp.Name(), describe(got))
				}
			}
		})
	}
}

func describe(ps []VPNPath) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "[%v %v from %q orig %v cl %d best %v] ", p.RD, p.Prefix, p.FromPeer, p.OriginatorID, len(p.ClusterList), p.Best)
	}
	return b.String()
}

func TestFullMesh(t *testing.T) {
	f := newTestFabric(t)
	var pes []*Speaker
	for i := 1; i <= 3; i++ {
		pes = append(pes, addSpeaker(t, f, fmt.Sprintf("PE%d", i), 65000, fmt.Sprintf("10.0.0.%d", i), false))
	}
	for i := range pes {
		for j := i + 1; j < len(pes); j++ {
			addSession(t, f, pes[i], pes[j], VPNv4, false)
		}
	}
	upAll(f)
	settle(t, f)
	for i, pe := range pes {
		err := pe.AddVPNv4(VPNRoute{RD: vrf.MustParseRD(fmt.Sprintf("65000:%d", i+1)), Prefix: pfx1, Label: mpls.Label(16 + i),
			NextHop: pe.Config().RouterID, RouteTargets: []vrf.RouteTarget{rtA}})
		if err != nil {
			t.Fatal(err)
		}
	}
	settle(t, f)
	for i, pe := range pes {
		got := vpnPaths(t, pe)
		if len(got) != 3 {
			t.Fatalf("%s holds %s, want three routes", pe.Name(), describe(got))
		}
		for j, p := range got {
			wantFrom := pes[j].Name()
			if j == i {
				wantFrom = ""
			}
			if p.FromPeer != wantFrom || p.Label != mpls.Label(16+j) || p.NextHop != pes[j].Config().RouterID ||
				p.OriginatorID.IsValid() || len(p.ClusterList) != 0 || !p.Best {
				t.Errorf("%s path %d: %+v", pe.Name(), j, p)
			}
		}
	}
}

func TestSessionDownAndRestore(t *testing.T) {
	n := newRRNetwork(t)
	if err := n.pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	if len(vpnPaths(t, n.pe2)) != 1 {
		t.Fatal("PE2 did not learn PE1's route")
	}

	n.s1.SetUp(false)
	settle(t, n.f)
	if st := n.s1.State(); st.Established || st.Desired {
		t.Errorf("RR1–PE1 after SetUp(false): %+v", st)
	}
	if got := vpnPaths(t, n.rr); len(got) != 0 {
		t.Errorf("RR1 still holds %s", describe(got))
	}
	if got := vpnPaths(t, n.pe2); len(got) != 0 {
		t.Errorf("PE2 still holds %s", describe(got))
	}

	start := time.Now()
	n.s1.SetUp(true)
	settle(t, n.f)
	t.Logf("RR1–PE1 restored and settled in %v", time.Since(start))
	if st := n.s1.State(); !st.Established {
		t.Errorf("RR1–PE1 after SetUp(true): %+v", st)
	}
	if got := vpnPaths(t, n.pe2); len(got) != 1 || got[0].FromPeer != "RR1" || got[0].Label != route1.Label {
		t.Errorf("PE2 after restore: %s", describe(got))
	}

	// Down and up again at once: the fabric goes through both.
	before := n.s2.relay.Load()
	n.s2.SetUp(false)
	n.s2.SetUp(true)
	settle(t, n.f)
	if n.s2.relay.Load() == before {
		t.Error("RR1–PE2 set down and up stayed on the same connection")
	}
	if got := vpnPaths(t, n.pe2); len(got) != 1 {
		t.Errorf("PE2 after a flap: %s", describe(got))
	}
}

func TestEBGPIPv4(t *testing.T) {
	f := newTestFabric(t)
	pe := addSpeaker(t, f, "PE1/A1", 65000, "10.0.0.1", false)
	ce := addSpeaker(t, f, "CE1", 65002, "192.168.255.1", false)
	s := addSession(t, f, pe, ce, IPv4Unicast, false)
	s.SetUp(true)
	settle(t, f)
	site := netip.MustParsePrefix("192.168.10.0/24")
	remote := netip.MustParsePrefix("10.2.0.0/16")
	if err := ce.AddIPv4(site, addr("192.168.0.2")); err != nil {
		t.Fatal(err)
	}
	if err := pe.AddIPv4(remote, addr("192.168.0.1")); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	wantPE := []IPv4Path{
		{Prefix: remote, NextHop: addr("192.168.0.1"), Best: true},
		{Prefix: site, NextHop: addr("192.168.0.2"), FromPeer: "CE1", ASPath: []uint32{65002}, Best: true},
	}
	if got, err := pe.IPv4Paths(); err != nil || !reflect.DeepEqual(got, wantPE) {
		t.Errorf("PE1/A1 RIB: %+v (%v)\nwant %+v", got, err, wantPE)
	}
	wantCE := []IPv4Path{
		{Prefix: remote, NextHop: addr("192.168.0.1"), FromPeer: "PE1/A1", ASPath: []uint32{65000}, Best: true},
		{Prefix: site, NextHop: addr("192.168.0.2"), Best: true},
	}
	if got, err := ce.IPv4Paths(); err != nil || !reflect.DeepEqual(got, wantCE) {
		t.Errorf("CE1 RIB: %+v (%v)\nwant %+v", got, err, wantCE)
	}
	if err := ce.DeleteIPv4(site); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got, _ := pe.IPv4Paths(); len(got) != 1 {
		t.Errorf("PE1/A1 after the CE's withdrawal: %+v", got)
	}
}

// TestTwoFabricsAtOnce runs two networks side by side in one process: both
// alive, both moving routes at the same time, neither seeing the other's.
func TestTwoFabricsAtOnce(t *testing.T) {
	nets := []*rrNetwork{newRRNetwork(t), newRRNetwork(t)}
	errs := make(chan error, len(nets))
	for i, n := range nets {
		go func() {
			r := route1
			r.Label = mpls.Label(1000 + i)
			if err := n.pe1.AddVPNv4(r); err != nil {
				errs <- err
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
			defer cancel()
			errs <- n.f.WaitSettled(ctx)
		}()
	}
	for range nets {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range nets {
		if got := vpnPaths(t, n.pe2); len(got) != 1 || got[0].Label != mpls.Label(1000+i) {
			t.Errorf("fabric %d: PE2 holds %s, want only its own fabric's label %d", i, describe(got), 1000+i)
		}
	}
}

// TestSpeakersStartWhileAnotherFabricMoves starts speakers while another
// fabric's speakers are busy with routes: StartBgp's writes to GoBGP's
// package-level options must not race with their reads (run with -race).
func TestSpeakersStartWhileAnotherFabricMoves(t *testing.T) {
	busy := newRRNetwork(t)
	routes := make([]VPNRoute, 500)
	for i := range routes {
		routes[i] = route1
		routes[i].Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32)
	}
	added := make(chan error, 1)
	go func() { added <- busy.pe1.AddVPNv4(routes...) }()
	other := newRRNetwork(t)
	if err := <-added; err != nil {
		t.Fatal(err)
	}
	settle(t, busy.f)
	settle(t, other.f)
	if got := len(vpnPaths(t, busy.pe2)); got != len(routes) {
		t.Errorf("PE2 holds %d routes, want %d", got, len(routes))
	}
}

func TestBadInput(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	b := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"duplicate speaker", func() error {
			_, err := f.AddSpeaker(SpeakerConfig{Name: "PE1", ASN: 1, RouterID: addr("1.1.1.1")})
			return err
		}(), "already exists"},
		{"no router id", func() error { _, err := f.AddSpeaker(SpeakerConfig{Name: "X", ASN: 1}); return err }(), "router ID"},
		{"zero asn", func() error { _, err := f.AddSpeaker(SpeakerConfig{Name: "X", RouterID: addr("1.1.1.1")}); return err }(), "AS number 0"},
		{"self session", func() error { _, err := f.AddSession(SessionConfig{A: a, B: a, Family: VPNv4}); return err }(), "itself"},
		{"no family", func() error { _, err := f.AddSession(SessionConfig{A: a, B: b}); return err }(), "family"},
		{"client of a non-RR", func() error {
			_, err := f.AddSession(SessionConfig{A: a, B: b, Family: VPNv4, BIsRRClientOfA: true})
			return err
		}(), "no cluster ID"},
		{"label too big", a.AddVPNv4(VPNRoute{RD: rd1, Prefix: pfx1, Label: 1 << 20, NextHop: addr("10.0.0.1")}), "20 bits"},
		{"IPv6 prefix", a.AddVPNv4(VPNRoute{RD: rd1, Prefix: netip.MustParsePrefix("2001:db8::/32"), NextHop: addr("10.0.0.1")}), "not an IPv4 prefix"},
		{"no next hop", a.AddIPv4(pfx1, netip.Addr{}), "IPv4 next hop"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
	same := addSpeaker(t, f, "PE3", 65000, "10.0.0.1", false)
	if _, err := f.AddSession(SessionConfig{A: a, B: same, Family: VPNv4}); err == nil || !strings.Contains(err.Error(), "router ID") {
		t.Errorf("iBGP session between equal router IDs: %v", err)
	}
	addSession(t, f, a, b, VPNv4, false)
	if _, err := f.AddSession(SessionConfig{A: b, B: a, Family: VPNv4}); err == nil || !strings.Contains(err.Error(), "already have a session") {
		t.Errorf("second session between PE1 and PE2: %v", err)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	f := NewFabric(Options{})
	rr := addSpeaker(t, f, "RR1", 65000, "10.0.0.100", true)
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	addSession(t, f, rr, pe1, VPNv4, true)
	s2 := addSession(t, f, rr, pe2, VPNv4, true)
	upAll(f)
	if err := pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	s2.SetUp(false)
	settle(t, f)
	s2.SetUp(true) // still coming up when Close runs
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := pe1.VPNv4Paths(); err == nil {
		t.Error("VPNv4Paths on a closed fabric succeeded")
	}
	// Some of GoBGP's goroutines end just after Stop returns; give them a
	// bounded number of chances to run.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// TestReflectedBackToOriginator: with PE1–RR2 down, RR2 knows PE1's route
// only from RR1 and reflects it to all its clients, PE1 included. PE1
// rejects it (ORIGINATOR_ID is its own) but GoBGP keeps it, marked
// rejected, in PE1's Adj-RIB-In, so the session is still in sync.
func TestReflectedBackToOriginator(t *testing.T) {
	f := newTestFabric(t)
	rr1 := addSpeaker(t, f, "RR1", 65000, "10.0.0.101", true)
	rr2 := addSpeaker(t, f, "RR2", 65000, "10.0.0.102", true)
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	addSession(t, f, rr1, rr2, VPNv4, false)
	addSession(t, f, rr1, pe1, VPNv4, true)
	addSession(t, f, rr1, pe2, VPNv4, true)
	addSession(t, f, rr2, pe2, VPNv4, true)
	rr2pe1 := addSession(t, f, rr2, pe1, VPNv4, true)
	upAll(f)
	rr2pe1.SetUp(false)
	if err := pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got := vpnPaths(t, pe1); len(got) != 1 || got[0].FromPeer != "" {
		t.Errorf("PE1 accepted its own route back: %s", describe(got))
	}
	got := vpnPaths(t, pe2)
	if len(got) != 2 || got[0].FromPeer != "RR1" || got[1].FromPeer != "RR2" {
		t.Fatalf("PE2: %s, want PE1's route from RR1 and RR2", describe(got))
	}
	if got[0].LocalPref != 100 || !got[0].Best || len(got[0].ClusterList) != 1 {
		t.Errorf("PE2's path from RR1: %+v", got[0])
	}
	if got[1].LocalPref != ReflectedLocalPref || got[1].Best || len(got[1].ClusterList) != 2 || got[1].OriginatorID != addr("10.0.0.1") {
		t.Errorf("PE2's path from RR2 (learned from RR1): %+v", got[1])
	}
	t.Logf("RR2: %s", describe(vpnPaths(t, rr2)))

	if err := pe1.DeleteVPNv4(route1.RD, route1.Prefix); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	for _, sp := range f.Speakers() {
		if got := vpnPaths(t, sp); len(got) != 0 {
			t.Errorf("%s still holds %s after the withdrawal", sp.Name(), describe(got))
		}
	}
}

// TestThreeReflectors: a full mesh of three RRs, each PE a client of one.
// Routes cross two reflectors, and a withdrawal must leave no copy behind.
func TestThreeReflectors(t *testing.T) {
	f := newTestFabric(t)
	var rrs, pes []*Speaker
	for i := 1; i <= 3; i++ {
		rrs = append(rrs, addSpeaker(t, f, fmt.Sprintf("RR%d", i), 65000, fmt.Sprintf("10.0.0.%d", 10+i), true))
		pes = append(pes, addSpeaker(t, f, fmt.Sprintf("PE%d", i), 65000, fmt.Sprintf("10.0.0.%d", 50+i), false))
	}
	for i := range rrs {
		for j := i + 1; j < len(rrs); j++ {
			addSession(t, f, rrs[i], rrs[j], VPNv4, false)
		}
		addSession(t, f, rrs[i], pes[i], VPNv4, true)
	}
	upAll(f)
	r := route1
	r.NextHop = pes[0].Config().RouterID
	if err := pes[0].AddVPNv4(r); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	for _, sp := range f.Speakers() {
		t.Logf("%s: %s", sp.Name(), describe(vpnPaths(t, sp)))
	}
	for _, pe := range pes[1:] {
		if got := vpnPaths(t, pe); len(got) != 1 || got[0].NextHop != r.NextHop || got[0].OriginatorID != r.NextHop {
			t.Errorf("%s: %s, want PE1's route", pe.Name(), describe(got))
		}
	}
	if err := pes[0].DeleteVPNv4(r.RD, r.Prefix); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	for _, sp := range f.Speakers() {
		if got := vpnPaths(t, sp); len(got) != 0 {
			t.Errorf("%s still holds %s after the withdrawal", sp.Name(), describe(got))
		}
	}
}

// TestDualHomedCE: a CE with eBGP to two attachment speakers of AS 65000
// does not pass one PE's route to the other (AS_PATH loop).
func TestDualHomedCE(t *testing.T) {
	f := newTestFabric(t)
	a1 := addSpeaker(t, f, "PE1/A1", 65000, "10.0.0.1", false)
	a2 := addSpeaker(t, f, "PE2/A1", 65000, "10.0.0.2", false)
	ce := addSpeaker(t, f, "CE1", 65002, "192.168.255.1", false)
	addSession(t, f, a1, ce, IPv4Unicast, false)
	addSession(t, f, a2, ce, IPv4Unicast, false)
	upAll(f)
	if err := a1.AddIPv4(pfx2, addr("192.168.0.1")); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got, _ := ce.IPv4Paths(); len(got) != 1 || got[0].FromPeer != "PE1/A1" {
		t.Errorf("CE1: %+v", got)
	}
	if got, _ := a2.IPv4Paths(); len(got) != 0 {
		t.Errorf("PE2/A1 learned a route with its own AS in the path: %+v", got)
	}
}

func TestChangedFires(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	b := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	s := addSession(t, f, a, b, VPNv4, false)
	settle(t, f)
	drain := func() {
		select {
		case <-f.Changed():
		default:
		}
	}
	fired := func(what string) {
		t.Helper()
		select {
		case <-f.Changed():
		default:
			t.Errorf("no change notified after %s", what)
		}
	}
	drain()
	s.SetUp(true)
	fired("SetUp(true)")
	settle(t, f)
	drain()
	if err := a.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	fired("AddVPNv4")
	settle(t, f)
	drain()
	s.SetUp(true) // no change
	select {
	case <-f.Changed():
		t.Error("SetUp(true) on an up session notified a change")
	default:
	}
}

func TestBindRetry(t *testing.T) {
	taken := netip.MustParseAddr("127.77.0.7")
	free := netip.MustParseAddr("127.77.0.8")
	f := newTestFabric(t)
	first := true
	pickAddr = func() netip.Addr {
		if first {
			first = false
			return taken
		}
		return free
	}
	defer func() { pickAddr = random127 }()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp4", netip.AddrPortFrom(taken, DefaultListenPort).String())
	if err != nil {
		t.Skipf("cannot occupy %v: %v", taken, err)
	}
	defer l.Close()
	sp := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	if got := sp.ListenAddr(); got != netip.AddrPortFrom(free, DefaultListenPort) {
		t.Errorf("speaker listens on %v, want %v after %v was taken", got, free, taken)
	}
	if first {
		t.Error("the taken address was never tried")
	}
}

func TestRandom127(t *testing.T) {
	for range 10000 {
		a := random127().As4()
		if a[0] != 127 || a[1] == 0 || a[1] == 255 || a[3] == 0 || a[3] == 255 {
			t.Fatalf("random127 gave %v", netip.AddrFrom4(a))
		}
	}
}

func TestClosedFabric(t *testing.T) {
	f := NewFabric(Options{})
	addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddSpeaker(SpeakerConfig{Name: "PE2", ASN: 65000, RouterID: addr("10.0.0.2")}); err != ErrClosed {
		t.Errorf("AddSpeaker after Close: %v", err)
	}
	if err := f.WaitSettled(context.Background()); err != ErrClosed {
		t.Errorf("WaitSettled on a closed fabric: %v", err)
	}
	if ok, why := f.Settled(); ok || !strings.Contains(why, "closed") {
		t.Errorf("Settled on a closed fabric: %v, %q", ok, why)
	}
}

func TestWireDigest(t *testing.T) {
	// MP_REACH_NLRI: flags, type 14, length, AFI 1, SAFI 128, next hop
	// length 12, RD 0 and 10.0.0.1, reserved byte, then the NLRI.
	mp := func(nlri ...byte) []byte {
		b := []byte{0x90, 14, 0, 0, 0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1, 0}
		b = append(b, nlri...)
		b[3] = byte(len(b) - 4)
		return b
	}
	origin := []byte{0x40, 1, 1, 0}
	lp := []byte{0x40, 5, 4, 0, 0, 0, 100}
	a := wireDigest([][]byte{origin, mp(1, 2, 3), lp})
	if b := wireDigest([][]byte{lp, mp(9, 9), origin}); a != b {
		t.Errorf("attribute order or the NLRI inside MP_REACH_NLRI changed the digest")
	}
	other := mp(1, 2, 3)
	other[19] = 2 // next hop 10.0.0.2
	if b := wireDigest([][]byte{origin, other, lp}); a == b {
		t.Errorf("a different next hop gave the same digest")
	}
	if b := wireDigest([][]byte{origin, mp(1, 2, 3), {0x40, 5, 4, 0, 0, 0, 90}}); a == b {
		t.Errorf("a different LOCAL_PREF gave the same digest")
	}
}
