package p

import (
	"flag"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from what Build printed (run go test -update and review the diff):\n%s", file, got)
	}
}

func TestGolden(t *testing.T) {
	golden(t, "classic.golden", dump(Build(classic(t, true), State{})))
	golden(t, "classic-explicit-null.golden", dump(Build(classic(t, false), State{})))
}

func addr(s string) netip.Addr          { return netip.MustParseAddr(s) }
func pfx(s string) netip.Prefix         { return netip.MustParsePrefix(s) }
func lbl(ls ...mpls.Label) []mpls.Label { return ls }

func nh(nbr, ifc string, ifIndex int, a string) mpls.NextHop {
	return mpls.NextHop{Neighbor: nbr, Interface: ifc, IfIndex: ifIndex, Addr: addr(a)}
}

func mustRouter(t *testing.T, c *Core, name string) *Router {
	t.Helper()
	r := c.Router(name)
	if r == nil {
		t.Fatalf("no router %s", name)
	}
	return r
}

// entry checks one LFIB entry of a router.
func entry(t *testing.T, c *Core, node string, in mpls.Label, fec string, op mpls.Op, want []mpls.NHLFE) {
	t.Helper()
	e := mustRouter(t, c, node).LFIB().Lookup(in)
	if e == nil {
		t.Fatalf("%s: no LFIB entry for label %d", node, in)
	}
	if e.FEC != pfx(fec) || e.Op != op || e.Owner != "LDP" || !reflect.DeepEqual(e.NextHops, want) {
		t.Errorf("%s label %d: got %v %v %s %+v, want %s %v LDP %+v", node, in, e.FEC, e.Op, e.Owner, e.NextHops, fec, op, want)
	}
}

func ftn(t *testing.T, c *Core, node, fec string, want []mpls.NHLFE) {
	t.Helper()
	got, ok := ftnOf(mustRouter(t, c, node))[addr(fec)]
	if want == nil {
		if ok {
			t.Errorf("%s: FTN holds unreachable %s: %+v", node, fec, got)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s FTN %s: got %+v, want %+v", node, fec, got, want)
	}
}

// The spec's worked example: PE1 pushes 18 toward P1, P1 swaps 18 to 18
// toward P2, P2 pops toward PE2.
func TestClassicLSP(t *testing.T) {
	c := Build(classic(t, true), State{})
	for _, tc := range []struct {
		node, fec string
		want      mpls.Label
	}{
		{"P1", "10.0.0.4", 18}, {"P2", "10.0.0.4", 18}, {"PE1", "10.0.0.4", 18}, {"RR1", "10.0.0.4", 19},
		{"PE1", "10.0.0.2", 16}, {"PE1", "10.0.0.10", 19}, {"RR1", "10.0.0.1", 16},
		{"PE2", "10.0.0.4", mpls.ImplicitNull}, {"P1", "10.0.0.2", mpls.ImplicitNull},
	} {
		if l, ok := mustRouter(t, c, tc.node).LocalLabel(addr(tc.fec)); !ok || l != tc.want {
			t.Errorf("%s LocalLabel(%s) = %d, %v; want %d", tc.node, tc.fec, l, ok, tc.want)
		}
	}
	if _, ok := c.Router("P1").LocalLabel(addr("10.1.1.1")); ok {
		t.Error("LocalLabel of a non-loopback address reports ok")
	}

	ftn(t, c, "PE1", "10.0.0.4", []mpls.NHLFE{{Out: lbl(18), NextHop: nh("P1", "eth1", 0, "100.64.0.1")}})
	ftn(t, c, "PE1", "10.0.0.2", []mpls.NHLFE{{NextHop: nh("P1", "eth1", 0, "100.64.0.1")}})
	entry(t, c, "P1", 18, "10.0.0.4/32", mpls.OpSwap, []mpls.NHLFE{{Out: lbl(18), NextHop: nh("P2", "eth2", 1, "100.64.0.3")}})
	entry(t, c, "P2", 18, "10.0.0.4/32", mpls.OpPop, []mpls.NHLFE{{NextHop: nh("PE2", "eth2", 1, "100.64.0.5")}})
	entry(t, c, "P2", 16, "10.0.0.1/32", mpls.OpSwap, []mpls.NHLFE{{Out: lbl(16), NextHop: nh("P1", "eth1", 0, "100.64.0.2")}})
	if n := c.Router("PE2").LFIB().Len(); n != 4 {
		t.Errorf("PE2 has %d LFIB entries, want 4 (one per other provider router)", n)
	}

	want := []Binding{{FEC: pfx("10.0.0.4/32"), Local: 18, Remote: []RemoteBinding{{"P2", 18}, {"PE1", 18}, {"RR1", 19}}}}
	if got := c.Router("P1").Bindings()[3:4]; !reflect.DeepEqual(got, want) {
		t.Errorf("P1 bindings for 10.0.0.4: got %+v, want %+v", got, want)
	}
	if c.Router("A1") != nil || c.Router("nope") != nil {
		t.Error("Router returns a CE or an unknown name")
	}
}

func TestClassicGlobalTable(t *testing.T) {
	c := Build(classic(t, true), State{})
	pe1 := mustRouter(t, c, "PE1")
	var got []string
	for _, r := range pe1.Routes() {
		got = append(got, r.Prefix.String()+" "+r.Proto)
	}
	want := []string{
		"10.0.0.1/32 connected", "10.0.0.2/32 isis", "10.0.0.3/32 isis", "10.0.0.4/32 isis", "10.0.0.10/32 isis",
		"100.64.0.0/31 connected", "100.64.0.2/31 isis", "100.64.0.4/31 isis", "100.64.0.6/31 isis",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PE1's global table (no CE subnet may appear):\n got %q\nwant %q", got, want)
	}
	for _, tc := range []struct {
		dst    string
		prefix string // "" for no route
		metric uint32
	}{
		{"10.0.0.4", "10.0.0.4/32", 30},
		{"100.64.0.5", "100.64.0.4/31", 30}, // P2 is 20 away, plus the link's 10
		{"100.64.0.1", "100.64.0.0/31", 0},
		{"100.96.0.2", "", 0}, // PE1's own attachment subnet lives in a VRF only
		{"10.1.1.1", "", 0},
	} {
		r := pe1.Lookup(addr(tc.dst))
		switch {
		case tc.prefix == "" && r != nil:
			t.Errorf("Lookup(%s) = %v, want no route", tc.dst, r.Prefix)
		case tc.prefix != "" && (r == nil || r.Prefix != pfx(tc.prefix) || r.Metric != tc.metric):
			t.Errorf("Lookup(%s) = %+v, want %s metric %d", tc.dst, r, tc.prefix, tc.metric)
		}
	}
	if r := pe1.Route(pfx("100.64.0.6/31")); r == nil || !reflect.DeepEqual(r.NextHops, []mpls.NextHop{nh("P1", "eth1", 0, "100.64.0.1")}) {
		t.Errorf("Route(100.64.0.6/31) = %+v", r)
	}
	if r := pe1.Route(pfx("100.64.0.0/31")); r == nil || !reflect.DeepEqual(r.NextHops, []mpls.NextHop{{Interface: "eth1"}}) {
		t.Errorf("connected Route(100.64.0.0/31) = %+v", r)
	}
	if r := c.Router("PE2").Lookup(addr("192.168.12.1")); r != nil {
		t.Errorf("PE2's global table holds its attachment subnet: %+v", r)
	}
	if pe1.Route(pfx("100.64.0.0/30")) != nil {
		t.Error("Route matches a prefix that is not in the table")
	}
	if d, ok := pe1.Dist("PE2"); !ok || d != 30 {
		t.Errorf("Dist(PE2) = %d, %v", d, ok)
	}
	if _, ok := pe1.Dist("A1"); ok {
		t.Error("Dist reaches a CE")
	}
}

// With php: false the egress advertises explicit null: the penultimate hop
// swaps to 0 and an ingress next to the egress pushes 0.
func TestExplicitNull(t *testing.T) {
	c := Build(classic(t, false), State{})
	if l, _ := c.Router("PE2").LocalLabel(addr("10.0.0.4")); l != mpls.ExplicitNullV4 {
		t.Errorf("PE2 advertises %d for itself, want 0", l)
	}
	entry(t, c, "P2", 18, "10.0.0.4/32", mpls.OpSwap, []mpls.NHLFE{{Out: lbl(0), NextHop: nh("PE2", "eth2", 1, "100.64.0.5")}})
	ftn(t, c, "PE1", "10.0.0.2", []mpls.NHLFE{{Out: lbl(0), NextHop: nh("P1", "eth1", 0, "100.64.0.1")}})
	ftn(t, c, "PE1", "10.0.0.4", []mpls.NHLFE{{Out: lbl(18), NextHop: nh("P1", "eth1", 0, "100.64.0.1")}})
	for _, r := range c.Routers() {
		for l := mpls.Label(0); l <= mpls.MaxReserved; l++ {
			if r.LFIB().Lookup(l) != nil {
				t.Errorf("%s has an LFIB entry for reserved label %d", r.Node.Name, l)
			}
		}
	}
}

// square: A and D joined through B and through C, all metric 10 unless
// changed; B–C is an expensive diagonal no path uses. Links are listed so
// that A's first interface leads to C: next hops must still be by name.
func square(metrics ...uint32) *topologies.Topology {
	m := func(i int) uint32 {
		if i < len(metrics) {
			return metrics[i]
		}
		return 10
	}
	p := topologies.RoleP
	return build(true, []tnode{{"A", p, "10.0.0.1"}, {"B", p, "10.0.0.2"}, {"C", p, "10.0.0.3"}, {"D", p, "10.0.0.4"}},
		[]tlink{
			{a: "A", b: "C", metric: m(0)}, // 0: 100.64.0.0/31
			{a: "A", b: "B", metric: m(1)}, // 1: 100.64.0.2/31
			{a: "B", b: "D", metric: m(2)}, // 2: 100.64.0.4/31
			{a: "C", b: "D", metric: m(3)}, // 3: 100.64.0.6/31
			{a: "B", b: "C", metric: 100},  // 4: 100.64.0.8/31
		})
}

var (
	aToB = nh("B", "eth2", 1, "100.64.0.3")
	aToC = nh("C", "eth1", 0, "100.64.0.1")
)

func TestECMP(t *testing.T) {
	c := Build(square(), State{})
	// B's label for D (10.0.0.4): 16 .1, 17 .3, 18 .4; C's: 16 .1, 17 .2, 18 .4.
	want := []mpls.NHLFE{{Out: lbl(18), NextHop: aToB}, {Out: lbl(18), NextHop: aToC}}
	ftn(t, c, "A", "10.0.0.4", want)
	entry(t, c, "A", 18, "10.0.0.4/32", mpls.OpSwap, want)
	a := c.Router("A")
	if r := a.Route(pfx("10.0.0.4/32")); r == nil || r.Metric != 20 || !reflect.DeepEqual(r.NextHops, []mpls.NextHop{aToB, aToC}) {
		t.Errorf("A's route to D: %+v", r)
	}
	// The diagonal's subnet is advertised by B and C, both 10 away.
	if r := a.Route(pfx("100.64.0.8/31")); r == nil || r.Metric != 110 || !reflect.DeepEqual(r.NextHops, []mpls.NextHop{aToB, aToC}) {
		t.Errorf("A's route to the B–C subnet: %+v", r)
	}
	// B–D's subnet: B is closer than D.
	if r := a.Route(pfx("100.64.0.4/31")); r == nil || r.Metric != 20 || !reflect.DeepEqual(r.NextHops, []mpls.NextHop{aToB}) {
		t.Errorf("A's route to the B–D subnet: %+v", r)
	}
}

// When the egress is one of several equal-cost next hops, the entry swaps
// on one branch and pops (empty Out) on the other.
func TestECMPThroughEgress(t *testing.T) {
	p := topologies.RoleP
	top := build(true, []tnode{{"A", p, "10.0.0.1"}, {"B", p, "10.0.0.2"}, {"C", p, "10.0.0.3"}},
		[]tlink{{a: "A", b: "B", metric: 20}, {a: "A", b: "C"}, {a: "C", b: "B"}})
	c := Build(top, State{})
	// C's label for B (10.0.0.2): 16 .1, 17 .2.
	want := []mpls.NHLFE{{NextHop: nh("B", "eth1", 0, "100.64.0.1")}, {Out: lbl(17), NextHop: nh("C", "eth2", 1, "100.64.0.3")}}
	entry(t, c, "A", 16, "10.0.0.2/32", mpls.OpSwap, want)
	ftn(t, c, "A", "10.0.0.2", want)
}

func TestFailuresAndMetrics(t *testing.T) {
	top := square(10, 10, 10, 20) // A–B–D 20, A–C–D 30
	cases := []struct {
		name  string
		st    State
		dist  uint32
		hops  []mpls.NextHop
		label mpls.Label // the label A pushes toward D
	}{
		{"shortest", State{}, 20, []mpls.NextHop{aToB}, 18},
		{"B–D down reroutes via C", State{LinkDown: map[int]bool{2: true}}, 30, []mpls.NextHop{aToC}, 18},
		{"B down reroutes via C", State{NodeDown: map[string]bool{"B": true}}, 30, []mpls.NextHop{aToC}, 18},
		{"cheaper C–D ties the paths", State{Metric: map[int]uint32{3: 10}}, 20, []mpls.NextHop{aToB, aToC}, 18},
		{"costlier A–B moves to C", State{Metric: map[int]uint32{1: 25}}, 30, []mpls.NextHop{aToC}, 18},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Build(top, tc.st)
			a := c.Router("A")
			r := a.Route(pfx("10.0.0.4/32"))
			if r == nil || r.Metric != tc.dist || !reflect.DeepEqual(r.NextHops, tc.hops) {
				t.Fatalf("route to D: %+v, want metric %d via %+v", r, tc.dist, tc.hops)
			}
			var want []mpls.NHLFE
			for _, h := range tc.hops {
				want = append(want, mpls.NHLFE{Out: lbl(tc.label), NextHop: h})
			}
			ftn(t, c, "A", "10.0.0.4", want)
		})
	}

	c := Build(top, State{LinkDown: map[int]bool{2: true}})
	if c.Router("A").Route(pfx("100.64.0.4/31")) != nil || c.Router("B").Route(pfx("100.64.0.4/31")) != nil {
		t.Error("the subnet of a down link is still in a table")
	}
	c = Build(top, State{NodeDown: map[string]bool{"B": true}})
	a := c.Router("A")
	for _, p := range []string{"10.0.0.2/32", "100.64.0.2/31", "100.64.0.4/31", "100.64.0.8/31"} {
		if a.Route(pfx(p)) != nil {
			t.Errorf("A still routes to %s through down B", p)
		}
	}
	ftn(t, c, "A", "10.0.0.2", nil)
	if a.LFIB().Lookup(16) != nil || a.LFIB().Len() != 2 { // A's label for B is 16
		t.Error("A still has an LFIB entry for down B")
	}
	if b := c.Router("B"); b.Up || len(b.Routes()) != 0 || b.LFIB().Len() != 0 || len(ftnOf(b)) != 0 || b.Bindings() != nil || len(b.Neighbors()) != 0 {
		t.Errorf("down B has tables: %+v", b)
	}
	if n := a.Neighbors(); len(n) != 1 || n[0].Neighbor != "C" {
		t.Errorf("A's neighbours with B down: %+v", n)
	}
}

// A partition leaves FECs unreachable: their entries go, the labels of the
// rest do not move.
func TestUnreachableKeepsLabels(t *testing.T) {
	for _, st := range []State{{LinkDown: map[int]bool{1: true}}, {NodeDown: map[string]bool{"P2": true}}} {
		c := Build(classic(t, true), st)
		pe1 := c.Router("PE1")
		ftn(t, c, "PE1", "10.0.0.4", nil)
		ftn(t, c, "PE1", "10.0.0.10", []mpls.NHLFE{{Out: lbl(19), NextHop: nh("P1", "eth1", 0, "100.64.0.1")}})
		if pe1.LFIB().Lookup(18) != nil || pe1.LFIB().Lookup(17) != nil {
			t.Errorf("%+v: PE1 has LFIB entries for unreachable FECs", st)
		}
		if e := pe1.LFIB().Lookup(19); e == nil || e.FEC != pfx("10.0.0.10/32") {
			t.Errorf("%+v: PE1's label 19 is not RR1's FEC: %+v", st, e)
		}
		if l, ok := pe1.LocalLabel(addr("10.0.0.4")); !ok || l != 18 {
			t.Errorf("%+v: PE1's label for unreachable PE2 = %d, %v; want 18", st, l, ok)
		}
		if pe1.Route(pfx("10.0.0.4/32")) != nil {
			t.Errorf("%+v: PE1 routes to unreachable PE2", st)
		}
		if _, ok := pe1.Dist("PE2"); ok {
			t.Errorf("%+v: PE1 has a distance to unreachable PE2", st)
		}
		for _, b := range pe1.Bindings() {
			if b.FEC == pfx("10.0.0.4/32") {
				t.Errorf("%+v: PE1 holds a binding for unreachable PE2", st)
			}
		}
	}
}

// Build depends on neither map order (gonum's, the state's) nor on the
// order of nodes in the file.
func TestDeterministic(t *testing.T) {
	top := square(10, 10, 10, 10)
	st := func(order []int) State {
		s := State{LinkDown: map[int]bool{}, Metric: map[int]uint32{}, NodeDown: map[string]bool{}}
		for _, i := range order {
			s.Metric[i] = 10        // as in the file
			s.LinkDown[i+10] = true // no such link: must be ignored
			s.NodeDown[string(rune('W'+i))] = true
		}
		return s
	}
	want := dump(Build(top, st([]int{0, 1, 2, 3, 4})))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		order := rng.Perm(5)
		shuffled := *top
		shuffled.Nodes = append([]*topologies.Node(nil), top.Nodes...)
		rng.Shuffle(len(shuffled.Nodes), func(i, j int) { shuffled.Nodes[i], shuffled.Nodes[j] = shuffled.Nodes[j], shuffled.Nodes[i] })
		if got := dump(Build(&shuffled, st(order))); got != want {
			t.Fatalf("build %d differs:\n%s\nwant\n%s", i, got, want)
		}
	}
	if !strings.Contains(want, "B eth2(1) 100.64.0.3 | C eth1(0) 100.64.0.1") {
		t.Errorf("ECMP next hops not by name:\n%s", want)
	}
}

// TestTablesBuiltOnFirstUseConcurrently: a router's global table and LDP
// entries are made on first use; goroutines that all ask at once (under
// -race) get the same tables as one reader alone.
func TestTablesBuiltOnFirstUseConcurrently(t *testing.T) {
	top := classic(t, true)
	want := dump(Build(top, State{}))
	c := Build(top, State{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range c.Routers() {
				r := c.Routers()[(i+g)%len(c.Routers())]
				r.Routes()
				r.LFIB().Len()
				for _, o := range c.Routers() {
					r.FTN(o.Node.Loopback)
				}
				r.Lookup(r.Node.Loopback)
			}
		})
	}
	wg.Wait()
	if got := dump(c); got != want {
		t.Errorf("tables built by 8 goroutines at once differ from one reader's:\n%s\nwant\n%s", got, want)
	}
}
