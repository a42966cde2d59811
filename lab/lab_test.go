package lab

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

func start(t testing.TB, name string) *Lab {
	t.Helper()
	topo, _, err := topologies.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	return startTopo(t, topo)
}

// startTopo builds topo, converges it, and closes it when the test ends.
func startTopo(t testing.TB, topo *topologies.Topology) *Lab {
	t.Helper()
	l, err := New(topo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	converge(t, l)
	return l
}

// syntheticTopo is the provider gen.Synthetic makes for o.
func syntheticTopo(t testing.TB, o gen.SyntheticOptions) *topologies.Topology {
	t.Helper()
	src, err := gen.Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	topo, _, err := topologies.Parse("synthetic", src)
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func converge(t testing.TB, l *Lab) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Converge(ctx); err != nil {
		t.Fatal(err)
	}
}

func ping(t *testing.T, l *Lab, from, to string) network.PingResult {
	t.Helper()
	r, err := l.Ping(from, netip.MustParseAddr(to), network.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestClassicSeparation(t *testing.T) {
	l := start(t, "classic")
	for _, tc := range []struct {
		from, to, result, by string
	}{
		{"A1", "10.1.2.1", network.Reply, "A2"},
		{"B1", "10.1.2.1", network.Reply, "B2"},
		{"A2", "10.1.1.1", network.Reply, "A1"},
		{"B2", "10.1.1.1", network.Reply, "B1"},
		{"A1", "100.96.0.6", network.Unreachable, "PE1"},   // B1's address on its PE link
		{"A1", "100.96.0.9", network.Unreachable, "PE1"},   // PE2's address toward B2
		{"B1", "192.168.12.2", network.Unreachable, "PE1"}, // A2's link
		{"A1", "10.0.0.4", network.Unreachable, "PE1"},     // the provider's loopbacks are not in any VRF
	} {
		r := ping(t, l, tc.from, tc.to)
		if r.Result != tc.result || r.ReplyFrom != tc.by {
			t.Errorf("ping %s -> %s: %s from %s, want %s from %s", tc.from, tc.to, r.Result, r.ReplyFrom, tc.result, tc.by)
		}
	}
	for _, p := range []string{"P1", "P2"} {
		if _, ok := l.VRF(p, "A"); ok {
			t.Errorf("%s holds VRF A", p)
		}
		if n, _ := l.Count(p, "vpnv4", ""); n != 0 {
			t.Errorf("%s holds %d VPNv4 paths", p, n)
		}
		for _, r := range l.Core.Router(p).Routes() {
			if r.Prefix.Addr().As4()[0] == 192 || r.Prefix.Overlaps(netip.MustParsePrefix("10.1.0.0/16")) {
				t.Errorf("%s carries customer route %s", p, r.Prefix)
			}
		}
	}
}

// TestVPNv4PathsOnTheWire reads the paths from PE1's GoBGP RIB: each
// carries the advertising PE's RD, label, next hop and route targets.
func TestVPNv4PathsOnTheWire(t *testing.T) {
	l := start(t, "classic")
	paths, err := l.ctl.vpn["PE1"].VPNv4Paths()
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		rd     string
		prefix string
	}
	got := map[key]string{}
	for _, p := range paths {
		if p.FromPeer == "" {
			continue
		}
		rts := ""
		for _, rt := range p.RouteTargets {
			rts += rt.String()
		}
		got[key{p.RD.String(), p.Prefix.String()}] = p.NextHop.String() + " " + p.FromPeer + " " + rts + " " +
			string(rune('0'+p.Label-404)) // PE2's first VPN label (label-range 400-499, after its 4 LDP labels)
	}
	want := map[key]string{
		{"65000:1", "10.1.2.0/24"}:     "10.0.0.4 RR1 65000:1 0",
		{"65000:1", "192.168.12.0/30"}: "10.0.0.4 RR1 65000:1 0",
		{"65000:2", "10.1.2.0/24"}:     "10.0.0.4 RR1 65000:2 1",
		{"65000:2", "100.96.0.8/30"}:   "10.0.0.4 RR1 65000:2 1",
	}
	if len(got) != len(want) {
		t.Fatalf("PE1 learned %d paths, want %d: %v", len(got), len(want), got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%v: got %q, want %q (next hop, peer, RTs, label-404)", k, got[k], w)
		}
	}
}

// TestPEIsolatedAndBack: cutting PE2 off takes its sessions down and its
// routes out of PE1's VRFs; repairing the link brings both back.
func TestPEIsolatedAndBack(t *testing.T) {
	l := start(t, "classic")
	lan := netip.MustParsePrefix("10.1.2.0/24")
	has := func() bool {
		v, _ := l.VRF("PE1", "A")
		return v.Exact(lan) != nil
	}
	if !has() {
		t.Fatal("PE1 lacks A2's LAN at start")
	}
	if err := l.FailLink("P2", "PE2"); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	for _, s := range l.Fabric().Sessions() {
		st := s.State()
		if (st.A == "PE2" || st.B == "PE2") && st.Established {
			t.Errorf("session %s–%s still established", st.A, st.B)
		}
	}
	if has() {
		t.Error("PE1 still routes to A2 with PE2 cut off")
	}
	if r := ping(t, l, "A1", "10.1.2.1"); r.Result != network.Unreachable || r.ReplyFrom != "PE1" {
		t.Errorf("ping with PE2 cut off: %s from %s", r.Result, r.ReplyFrom)
	}
	if err := l.RestoreLink("P2", "PE2"); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	if !has() {
		t.Error("PE1 did not learn A2's LAN again")
	}
	if r := ping(t, l, "A1", "10.1.2.1"); r.Result != network.Reply || r.ReplyFrom != "A2" {
		t.Errorf("ping after repair: %s from %s", r.Result, r.ReplyFrom)
	}
}

// TestRouteChoiceIsByPolicyNotArrival: with two RDs for one site, PE3
// picks by the decision process (lower originator), never by arrival.
func TestRouteChoiceIsByPolicyNotArrival(t *testing.T) {
	l := start(t, "dual-homed")
	v, _ := l.VRF("PE3", "A")
	r := v.Exact(netip.MustParsePrefix("10.1.1.0/24"))
	if r == nil || r.Proto != vrf.IBGP || r.PE != "PE1" {
		t.Fatalf("PE3's route to A1: %+v, want the one through PE1 (lower originator)", r)
	}
}

func TestMetricReroutes(t *testing.T) {
	l := start(t, "ring")
	tr, err := l.Traceroute("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Hops[1].ReplyFrom != "P1" {
		t.Fatalf("second hop %s, want P1", tr.Hops[1].ReplyFrom)
	}
	if err := l.SetMetric("P1", "P2", 100); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	tr, _ = l.Traceroute("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{})
	if tr.Hops[1].ReplyFrom != "P3" || !tr.Reached {
		t.Fatalf("after the metric change: %+v", tr.Hops)
	}
	if err := l.SetMetric("A1", "PE1", 5); err == nil {
		t.Error("a metric on an attachment circuit was accepted")
	}
}

// TestProgressNamesEachStep: Options.Progress hears every step of a
// convergence, in order, the RIB audit last.
func TestProgressNamesEachStep(t *testing.T) {
	topo, _, err := topologies.Open("classic")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	l, err := New(topo, Options{Progress: func(step string, _ time.Duration) { steps = append(steps, step) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	converge(t, l)
	// Each round: settle, the PEs' VRFs, and once what they advertised
	// has reached the reflectors (a round that advertised something new
	// waits for it), the reflectors' decision.
	want := []string{"IGP and LDP computed"}
	i, rounds := 1, 0
	for r := 1; i < len(steps)-1; r++ {
		want = append(want, fmt.Sprintf("BGP settled (round %d)", r), fmt.Sprintf("VRFs computed and advertised (round %d)", r))
		if i+2 < len(steps) && steps[i+2] == fmt.Sprintf("BGP settled at the reflectors (round %d)", r) {
			want = append(want, steps[i+2])
		}
		want = append(want, fmt.Sprintf("reflectors decided (round %d)", r))
		i, rounds = len(want), r
	}
	want = append(want, "BGP RIBs audited")
	if !slices.Equal(steps, want) || rounds < 2 {
		t.Errorf("steps %q, want %q", steps, want)
	}
}
