package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// syntheticLab starts a generated provider.
func syntheticLab(t *testing.T, o gen.SyntheticOptions) *Lab {
	t.Helper()
	return startTopo(t, syntheticTopo(t, o))
}

// TestPEsReceiveWhatTheyImport: with route-target filtering at the
// reflectors, a PE receives only VPN routes carrying a route target one
// of its VRFs imports, while every VRF still holds every prefix of its
// customer and the reflectors hold every route.
func TestPEsReceiveWhatTheyImport(t *testing.T) {
	l := syntheticLab(t, gen.SyntheticOptions{P: 4, PEs: 6, RRs: 2, VRFs: 6, VRFPEs: 2, Sites: 2, Prefixes: 2, Seed: 1})

	// Every customer prefix, by VRF: the attachment subnets and the LANs
	// behind them.
	want := map[string][]netip.Prefix{}
	total := 0
	for _, lk := range l.Topo.Links {
		if lk.VRF == "" {
			continue
		}
		ce, _ := lk.AttachmentEnds()
		want[lk.VRF] = append(want[lk.VRF], lk.Subnet)
		want[lk.VRF] = append(want[lk.VRF], ce.LANs...)
		total += 1 + len(ce.LANs)
	}
	for _, ps := range want {
		slices.SortFunc(ps, vrf.ComparePrefix)
	}

	for _, n := range l.Topo.Nodes {
		if n.Role != topologies.RoleRR && n.Role != topologies.RolePE {
			continue
		}
		paths, err := l.Fabric().Speaker(n.Name).VPNv4Paths()
		if err != nil {
			t.Fatal(err)
		}
		switch n.Role {
		case topologies.RoleRR:
			if len(paths) < total {
				t.Errorf("%s holds %d VPN paths, fewer than the %d routes the PEs advertise", n.Name, len(paths), total)
			}
		case topologies.RolePE:
			x := l.PE(n.Name)
			var imports []vrf.RouteTarget
			for _, v := range x.VRFs {
				imports = append(imports, v.Import...)
			}
			received := 0
			for _, p := range paths {
				if p.FromPeer == "" {
					continue
				}
				received++
				if !slices.ContainsFunc(p.RouteTargets, func(rt vrf.RouteTarget) bool { return slices.Contains(imports, rt) }) {
					t.Errorf("%s received %v %v with route targets %v; it imports only %v", n.Name, p.RD, p.Prefix, p.RouteTargets, imports)
				}
			}
			if received == 0 {
				t.Errorf("%s received no VPN route", n.Name)
			}
			for _, v := range x.VRFs {
				var got []netip.Prefix
				for _, r := range v.Routes() {
					got = append(got, r.Prefix)
				}
				if !slices.Equal(got, want[v.Name]) {
					t.Errorf("%s VRF %s holds %v, want %v", n.Name, v.Name, got, want[v.Name])
				}
			}
		}
	}
}

// TestConvergenceIsDeterministic: PEs are computed and advertise in
// parallel; two networks from the same file still end with the same
// tables, labels and next hops.
func TestConvergenceIsDeterministic(t *testing.T) {
	o := gen.SyntheticOptions{P: 4, PEs: 5, RRs: 1, VRFs: 5, VRFPEs: 3, Sites: 3, Prefixes: 2, Seed: 3}
	tables := func() []string {
		l := syntheticLab(t, o)
		var out []string
		for _, n := range l.Topo.Nodes {
			x := l.PE(n.Name)
			if x == nil {
				continue
			}
			for _, v := range x.VRFs {
				for _, r := range v.Routes() {
					out = append(out, fmt.Sprintf("%s %s %v %v %v %v %v %s", n.Name, v.Name, r.Prefix, r.Proto, r.NextHop, r.Label, r.PE, r.CE))
				}
			}
			for _, e := range x.Tables.LFIB().Entries() {
				out = append(out, fmt.Sprintf("%s lfib %+v", n.Name, *e))
			}
		}
		return out
	}
	a, b := tables(), tables()
	if len(a) == 0 {
		t.Fatal("no VRF routes at all")
	}
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("two runs differ at line %d:\n %s\n %s", i, a[i], b[i])
			}
		}
		t.Fatalf("two runs differ in length: %d and %d lines", len(a), len(b))
	}
}
