package gen

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/topologies"
)

// checkSynthetic loads what Synthetic made for o and checks it against
// the rules of the package documentation.
func checkSynthetic(t *testing.T, o SyntheticOptions) *topologies.Topology {
	t.Helper()
	y, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	top := mustParse(t, "synthetic.yaml", y)
	if count(top, topologies.RoleP) != o.P || count(top, topologies.RolePE) != o.PEs || count(top, topologies.RoleRR) != o.RRs ||
		count(top, topologies.RoleCE) != o.VRFs*o.Sites || len(top.VRFs) != o.VRFs {
		t.Errorf("%d P, %d PE, %d RR, %d CE, %d VRFs; want %d, %d, %d, %d, %d", count(top, topologies.RoleP), count(top, topologies.RolePE),
			count(top, topologies.RoleRR), count(top, topologies.RoleCE), len(top.VRFs), o.P, o.PEs, o.RRs, o.VRFs*o.Sites, o.VRFs)
	}
	lans, core := 0, 0
	pesOf := map[string]map[string]bool{} // VRF -> PEs it is on
	for _, n := range top.Nodes {
		lans += len(n.LANs)
		if n.Role == topologies.RoleCE && len(n.Interfaces) != 1 {
			t.Errorf("CE %s has %d links, want 1", n.Name, len(n.Interfaces))
		}
	}
	for _, l := range top.Links {
		a, b := l.Ends()
		switch {
		case l.IsAttachment():
			if pesOf[l.VRF] == nil {
				pesOf[l.VRF] = map[string]bool{}
			}
			pesOf[l.VRF][b] = true
		case top.Node(a).Role == topologies.RoleP && top.Node(b).Role == topologies.RoleP:
			core++
			if l.Metric < minCoreMetric || l.Metric > maxCoreMetric {
				t.Errorf("core link %s–%s has metric %d, want %d to %d", a, b, l.Metric, minCoreMetric, maxCoreMetric)
			}
		}
	}
	if want := o.VRFs * o.Sites * o.Prefixes; lans != want {
		t.Errorf("%d LAN prefixes, want %d", lans, want)
	}
	ring := o.P // a ring of n ≥ 3 has n links, of 2 one, of 1 none
	if o.P < 3 {
		ring = o.P - 1
	}
	if want := ring + o.P/4; core != want {
		t.Errorf("%d core links, want %d (ring %d, chords %d)", core, want, ring, o.P/4)
	}
	k := min(o.VRFPEs, o.PEs, o.Sites)
	for v, pes := range pesOf {
		if len(pes) != k {
			t.Errorf("VRF %s is on %d PEs, want %d", v, len(pes), k)
			break
		}
	}
	return top
}

func TestSyntheticSizes(t *testing.T) {
	for _, o := range []SyntheticOptions{
		DefaultSyntheticOptions(),
		{P: 1, PEs: 1, VRFs: 1, VRFPEs: 1, Sites: 1, Prefixes: 1},
		{P: 2, PEs: 2, RRs: 1, VRFs: 3, VRFPEs: 3, Sites: 2, Prefixes: 0},
		{P: 3, PEs: 0, RRs: 2},
		{P: 4, PEs: 5, RRs: 1, VRFs: 30, VRFPEs: 2, Sites: 7, Prefixes: 3, Seed: 9},
		{P: 200, PEs: 20, RRs: 2, VRFs: 50, VRFPEs: 3, Sites: 6, Prefixes: 10, Seed: 3},
		{P: 1000, PEs: 20, RRs: 2, VRFs: 200, VRFPEs: 3, Sites: 5, Prefixes: 100, Seed: 1},
	} {
		t.Run(fmt.Sprintf("p%d-pe%d-rr%d-vrfs%d-sites%d-prefixes%d", o.P, o.PEs, o.RRs, o.VRFs, o.Sites, o.Prefixes), func(t *testing.T) {
			if testing.Short() && o.P*o.VRFs > 10000 {
				t.Skip("a large file; loading it takes about a second")
			}
			checkSynthetic(t, o)
		})
	}
}

// Same options, same bytes; another seed, other chords and metrics.
func TestSyntheticDeterministic(t *testing.T) {
	o := SyntheticOptions{P: 300, PEs: 10, RRs: 2, VRFs: 40, VRFPEs: 3, Sites: 4, Prefixes: 5, Seed: 42}
	a, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if b, _ := Synthetic(o); !bytes.Equal(a, b) {
			t.Fatal("two runs with the same options differ")
		}
	}
	o.Seed = 43
	if b, _ := Synthetic(o); bytes.Equal(a, b) {
		t.Error("seeds 42 and 43 give the same file")
	}
}

// A synthetic network converges in the IGP.
func TestSyntheticConverges(t *testing.T) {
	top := checkSynthetic(t, SyntheticOptions{P: 100, PEs: 8, RRs: 2, VRFs: 4, VRFPEs: 3, Sites: 3, Prefixes: 1, Seed: 5})
	c := p.Build(top, p.State{})
	for _, r := range c.Routers() {
		for _, o := range c.Routers() {
			if _, ok := r.Dist(o.Node.Name); !ok {
				t.Fatalf("%s cannot reach %s", r.Node.Name, o.Node.Name)
			}
		}
	}
}

// Many CE links (more than 192.168.0.0/16 held, the pool before RFC 6598
// space) each get their own /30 from the loader's CE pool.
func TestSyntheticManyCESubnets(t *testing.T) {
	if testing.Short() {
		t.Skip("16,500 CE links take a few seconds to load")
	}
	o := SyntheticOptions{P: 10, PEs: 20, RRs: 1, VRFs: 3300, VRFPEs: 3, Sites: 5, Prefixes: 1, Seed: 1}
	top := checkSynthetic(t, o)
	seen := map[netip.Prefix]bool{}
	for _, l := range top.Links {
		if !l.IsAttachment() {
			continue
		}
		if !topologies.CEPool.Contains(l.Subnet.Addr()) || l.Subnet.Bits() != 30 || seen[l.Subnet] {
			t.Fatalf("CE link %v has subnet %s: want a /30 of %s used once", l.Pos, l.Subnet, topologies.CEPool)
		}
		seen[l.Subnet] = true
	}
	if len(seen) != 16500 {
		t.Errorf("%d CE subnets, want 16500", len(seen))
	}
}

func TestSyntheticOptionErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*SyntheticOptions)
		want string
	}{
		{func(o *SyntheticOptions) { o.P = 0 }, "--p 0: the core needs 1 to 10000 P routers"},
		{func(o *SyntheticOptions) { o.P = 10001 }, "--p 10001"},
		{func(o *SyntheticOptions) { o.PEs = -1 }, "--pe -1: give 0 to 1000 PEs"},
		{func(o *SyntheticOptions) { o.RRs = 101 }, "--rr 101"},
		{func(o *SyntheticOptions) { o.PEs = 0 }, "--vrfs 2 needs PEs to attach the customers' sites to, but --pe is 0"},
		{func(o *SyntheticOptions) { o.VRFPEs = 0 }, "--vrf-pes 0: each customer is on at least 1 PE"},
		{func(o *SyntheticOptions) { o.Sites = 0 }, "--sites 0"},
		{func(o *SyntheticOptions) { o.Prefixes = -1 }, "--prefixes -1"},
		{func(o *SyntheticOptions) { o.VRFs, o.Sites = 2500, 254 }, "makes 635000 CE links; the most is 524288"},
	} {
		o := DefaultSyntheticOptions()
		c.edit(&o)
		if _, err := Synthetic(o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", o, err, c.want)
		}
	}
}

func TestVRFNames(t *testing.T) {
	names := vrfNames(500)
	for i, want := range map[int]string{0: "A", 14: "O", 15: "Q", 24: "Z", 25: "AA", 50: "AZ", 51: "BA"} {
		if names[i] != want {
			t.Errorf("name %d is %s, want %s", i, names[i], want)
		}
	}
	for _, bad := range []string{"P", "PE", "RR"} {
		if slices.Contains(names, bad) {
			t.Errorf("%s is a VRF name; its CEs would be named like provider routers", bad)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(names)))) != 500 {
		t.Error("VRF names repeat")
	}
}

func TestLoopback(t *testing.T) {
	for i, want := range map[int]string{0: "10.255.0.1", 253: "10.255.0.254", 254: "10.255.1.1", MaxRouters - 1: "10.255.255.254"} {
		if got := loopback(i).String(); got != want {
			t.Errorf("loopback(%d) = %s, want %s", i, got, want)
		}
	}
}
