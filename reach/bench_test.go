package reach

import (
	"context"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/confimport"
	"github.com/vpnsim/vpnsim/export"
	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

// configs50 writes the FRR configurations of a 50-router network (20 P, 8
// PEs, 2 route reflectors, 5 customers of 4 sites) and returns the
// directory.
func configs50(tb testing.TB) string {
	tb.Helper()
	o := gen.DefaultSyntheticOptions()
	o.P, o.PEs, o.RRs, o.VRFs, o.Sites = 20, 8, 2, 5, 4
	y, err := gen.Synthetic(o)
	if err != nil {
		tb.Fatal(err)
	}
	topo, _, err := topologies.Parse("g50.yaml", y)
	if err != nil {
		tb.Fatal(err)
	}
	if len(topo.Nodes) != 50 {
		tb.Fatalf("%d routers, want 50", len(topo.Nodes))
	}
	files, err := export.FRR(topo, export.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	if err := files.Write(dir, false); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// importVerify is vpnsim import frr then vpnsim verify: the configurations
// read, the network converged, every ordered pair of sites probed.
func importVerify(tb testing.TB, dir string) *Report {
	var l diag.List
	d, err := confimport.Import(confimport.FRR, "g50", []string{dir}, &l)
	if err != nil || l.HasErrors() {
		tb.Fatal(err, l.Error())
	}
	topo, _, err := topologies.Parse("g50.yaml", d.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	lb, err := lab.New(topo, lab.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer lb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lb.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	rep, err := Check(lb, topo, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// TestImportVerify50: the 50-router set imports and verifies with every
// customer's sites reaching each other and no leak.
func TestImportVerify50(t *testing.T) {
	rep := importVerify(t, configs50(t))
	if len(rep.Sites) != 20 || len(rep.Pairs) != 380 || len(rep.Leaks) != 0 {
		t.Errorf("%d sites, %d pairs, %d leaks; want 20, 380, 0", len(rep.Sites), len(rep.Pairs), len(rep.Leaks))
	}
	if d := Diff(rep, &Expect{Reach: map[string][]string{}}); len(d) != 0 {
		t.Errorf("differences: %v", d)
	}
}

// BenchmarkImportVerify50 measures import frr and verify on 50 routers
// (docs/performance.md; issue 22 asks for under 5 s).
func BenchmarkImportVerify50(b *testing.B) {
	dir := configs50(b)
	b.ResetTimer()
	for range b.N {
		importVerify(b, dir)
	}
}
