package p

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/topologies"
)

const zooDir = "../data/topology-zoo"

// zooTopology turns a Zoo backbone into a provider core: its largest
// connected component without self loops or parallel edges, every node a P
// router R1, R2, … with loopback 10.0.x.y, every link metric 10.
func zooTopology(tb testing.TB, file string) *topologies.Topology {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	g, err := graphml.Read(file, f)
	if err != nil {
		tb.Fatal(err)
	}
	s, _, _ := g.Simplify()
	g = s.LargestComponent()
	nodes := make([]tnode, len(g.Nodes))
	for i := range g.Nodes {
		nodes[i] = tnode{fmt.Sprintf("R%d", i+1), topologies.RoleP, fmt.Sprintf("10.%d.%d.%d", (i+1)>>16, (i+1)>>8&255, (i+1)&255)}
	}
	links := make([]tlink, len(g.Edges))
	for i, e := range g.Edges {
		links[i] = tlink{a: nodes[e.A].name, b: nodes[e.B].name}
	}
	return build(true, nodes, links)
}

func zooFiles(tb testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(zooDir, "*.graphml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no GraphML files in %s: %v", zooDir, err)
	}
	return files
}

func benchBuild(b *testing.B, t *topologies.Topology, st State) {
	b.ReportAllocs()
	var c *Core
	for b.Loop() {
		c = Build(t, st)
	}
	b.ReportMetric(float64(len(c.Routers())), "routers")
}

func BenchmarkBuildClassic(b *testing.B) { benchBuild(b, classic(b, true), State{}) }

func BenchmarkBuildZoo(b *testing.B) {
	for _, f := range zooFiles(b) {
		t := zooTopology(b, f)
		b.Run(strings.TrimSuffix(filepath.Base(f), ".graphml"), func(b *testing.B) { benchBuild(b, t, State{}) })
	}
}

// BenchmarkRebuildAfterLinkFailure rebuilds Kdl with one link down, the
// link a scenario's fail step would take.
func BenchmarkRebuildAfterLinkFailure(b *testing.B) {
	t := zooTopology(b, filepath.Join(zooDir, "Kdl.graphml"))
	benchBuild(b, t, State{LinkDown: map[int]bool{len(t.Links) / 2: true}})
}

// The Zoo backbones build, every router reaches every other (each is one
// connected component) and the tables have the sizes the rules give.
func TestZooBackbones(t *testing.T) {
	for _, f := range zooFiles(t) {
		top := zooTopology(t, f)
		c := Build(top, State{})
		n, l := len(c.Routers()), len(top.Links)
		for _, r := range []*Router{c.Routers()[0], c.Routers()[n-1]} {
			if len(r.Routes()) != n+l || r.LFIB().Len() != n-1 || len(ftnOf(r)) != n-1 || len(r.Bindings()) != n {
				t.Errorf("%s %s: %d routes, %d LFIB entries, %d FTN, %d bindings for %d routers and %d links",
					filepath.Base(f), r.Node.Name, len(r.Routes()), r.LFIB().Len(), len(ftnOf(r)), len(r.Bindings()), n, l)
			}
		}
	}
}
