package gen

import (
	"bytes"
	"flag"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/topologies"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const zooDir = "../data/topology-zoo"

func zooFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(zooDir, "*.graphml"))
	if err != nil || len(files) != 12 {
		tb.Fatalf("want the 12 GraphML files in %s, found %d (%v)", zooDir, len(files), err)
	}
	return files
}

func readGraph(tb testing.TB, file string) *graphml.Graph {
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
	return g
}

// graph parses a small GraphML document made of node and edge lines.
func graph(t *testing.T, body string) *graphml.Graph {
	t.Helper()
	doc := `<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="d1"/>
  <key attr.name="Latitude" attr.type="double" for="node" id="d2"/>
  <key attr.name="Longitude" attr.type="double" for="node" id="d3"/>
  <graph edgedefault="undirected">
` + body + `
  </graph>
</graphml>`
	g, err := graphml.Read("test.graphml", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// zooOpts is DefaultZooOptions with a source name.
func zooOpts(source string) ZooOptions {
	o := DefaultZooOptions()
	o.Source = source
	return o
}

// mustParse loads generated YAML and fails on any error or warning.
func mustParse(tb testing.TB, name string, y []byte) *topologies.Topology {
	tb.Helper()
	top, warns, err := topologies.Parse(name, y)
	if err != nil {
		tb.Fatalf("%s does not load: %v", name, err)
	}
	if len(warns) > 0 {
		tb.Errorf("%s: loader warnings %v", name, warns)
	}
	return top
}

func count(top *topologies.Topology, role topologies.Role) int {
	n := 0
	for _, x := range top.Nodes {
		if x.Role == role {
			n++
		}
	}
	return n
}

// Every Zoo backbone imports with the default options into a file the
// loader accepts without a warning, with every node of the largest
// connected part a P router and every distinct edge a link.
func TestZooImportsEveryFile(t *testing.T) {
	for _, file := range zooFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			g := readGraph(t, file)
			y, _, err := Zoo(g, zooOpts(file))
			if err != nil {
				t.Fatal(err)
			}
			top := mustParse(t, file+".yaml", y)
			s, _, _ := g.Simplify()
			core := s.LargestComponent()
			if got := count(top, topologies.RoleP); got != len(core.Nodes) {
				t.Errorf("%d P routers, want %d", got, len(core.Nodes))
			}
			if count(top, topologies.RolePE) != 4 || count(top, topologies.RoleRR) != 1 || count(top, topologies.RoleCE) != 4 || len(top.VRFs) != 2 {
				t.Errorf("%d PEs, %d RRs, %d CEs, %d VRFs; want 4, 1, 4, 2", count(top, topologies.RolePE), count(top, topologies.RoleRR), count(top, topologies.RoleCE), len(top.VRFs))
			}
			if want := len(core.Edges) + 4 + 1 + 4; len(top.Links) != want {
				t.Errorf("%d links, want %d", len(top.Links), want)
			}
			if !bytes.Contains(y, []byte("CC BY 4.0")) || !bytes.Contains(y, []byte(`"The Internet Topology Zoo"`)) || !bytes.Contains(y, []byte(filepath.Base(file))) {
				t.Errorf("the header does not cite the source, its licence and the paper:\n%s", y[:min(len(y), 1200)])
			}
		})
	}
}

// The golden file pins a whole small import: header, names, loopbacks,
// metrics, PE placement and customers.
func TestZooGolden(t *testing.T) {
	file := filepath.Join(zooDir, "Abilene.graphml")
	o := zooOpts(file)
	o.PEs, o.VRFs, o.Sites, o.Prefixes = 3, 3, 3, 2
	y, warns, err := Zoo(readGraph(t, file), o)
	if err != nil || len(warns) > 0 {
		t.Fatalf("err %v, warnings %v", err, warns)
	}
	mustParse(t, "Abilene.yaml", y)
	golden := filepath.Join("testdata", "Abilene.golden")
	if *update {
		if err := os.WriteFile(golden, y, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(y, want) {
		t.Errorf("Abilene import differs from %s (go test -update rewrites it):\n%s", golden, y)
	}
}

// The same seed gives the same bytes; other seeds attach the PEs elsewhere.
func TestZooDeterministic(t *testing.T) {
	file := filepath.Join(zooDir, "Kdl.graphml")
	g := readGraph(t, file)
	run := func(seed uint64) []byte {
		o := zooOpts(file)
		o.Seed = seed
		y, _, err := Zoo(g, o)
		if err != nil {
			t.Fatal(err)
		}
		return y
	}
	a := run(1)
	for range 3 {
		if b := run(1); !bytes.Equal(a, b) {
			t.Fatal("two imports with seed 1 differ")
		}
	}
	if bytes.Equal(a, run(2)) {
		t.Error("seeds 1 and 2 give the same file; the seed should pick the PEs' core nodes")
	}
}

func TestHaversine(t *testing.T) {
	for _, c := range []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		km                     float64
	}{
		{"same place", 35.68, 139.77, 35.68, 139.77, 0},
		{"equator to pole", 0, 0, 90, 0, 10007.543},
		{"antipodes", 0, 0, 0, 180, 20015.087},
		{"one degree of latitude", 10, 20, 11, 20, 111.195},
		{"New York to London", 40.7128, -74.0060, 51.5074, -0.1278, 5570.2},
		{"across the date line", 0, 179.5, 0, -179.5, 111.195},
	} {
		if got := haversineKm(c.lat1, c.lon1, c.lat2, c.lon2); math.Abs(got-c.km) > 0.1 {
			t.Errorf("%s: %.3f km, want %.3f", c.name, got, c.km)
		}
	}
}

func TestLinkMetric(t *testing.T) {
	at := func(lat, lon float64) graphml.Node { return graphml.Node{Lat: lat, Lon: lon, HasPos: true} }
	for _, c := range []struct {
		name string
		a, b graphml.Node
		want int
	}{
		{"New York to London", at(40.7128, -74.0060), at(51.5074, -0.1278), 5570},
		{"same place is 1, not 0", at(1, 1), at(1, 1), 1},
		{"no position", at(1, 1), graphml.Node{}, NoPositionMetric},
		{"latitude off the globe", at(91, 0), at(0, 0), NoPositionMetric},
		{"NaN longitude", at(0, math.NaN()), at(0, 0), NoPositionMetric},
	} {
		if got := linkMetric(c.a, c.b); got != c.want {
			t.Errorf("%s: metric %d, want %d", c.name, got, c.want)
		}
	}
	// Abilene's New York–Chicago link is about 1145 km long.
	y, _, err := Zoo(readGraph(t, filepath.Join(zooDir, "Abilene.graphml")), zooOpts("Abilene.graphml"))
	if err != nil {
		t.Fatal(err)
	}
	top := mustParse(t, "Abilene.yaml", y)
	if l := top.Between("New_York", "Chicago"); l == nil || l.Metric < 1140 || l.Metric > 1150 {
		t.Errorf("New_York–Chicago: %v, want a metric of about 1145", l)
	}
}

// A graph in three parts keeps the largest and says how many nodes it
// dropped; self loops and parallel edges are named too.
func TestZooCleansTheGraph(t *testing.T) {
	g := graph(t, `
    <node id="a"><data key="d1">A city</data><data key="d2">0</data><data key="d3">0</data></node>
    <node id="b"><data key="d1">B</data><data key="d2">0</data><data key="d3">1</data></node>
    <node id="c"><data key="d1">C</data><data key="d2">1</data><data key="d3">1</data></node>
    <node id="x"><data key="d1">Island</data></node>
    <node id="y"><data key="d1">Isle</data></node>
    <node id="z"/>
    <edge source="a" target="b"/>
    <edge source="b" target="c"/>
    <edge source="c" target="b"/>
    <edge source="c" target="c"/>
    <edge source="x" target="y"/>`)
	o := zooOpts("test.graphml")
	o.PEs, o.RRs = 2, 1
	y, warns, err := Zoo(g, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"test.graphml: warning: dropped 1 self loop (an edge from a node to itself)",
		"test.graphml: warning: merged 1 parallel edge into the links they repeat: two nodes are joined by one link",
		"test.graphml: warning: the graph is not connected: kept its largest connected part (3 of 6 nodes) and dropped 3 nodes: Island, Isle, id z",
	}
	if strings.Join(warns, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
	}
	top := mustParse(t, "test.yaml", y)
	if count(top, topologies.RoleP) != 3 || top.Node("A_city") == nil || top.Node("Island") != nil {
		t.Errorf("core: %d P routers, A_city %v, Island %v", count(top, topologies.RoleP), top.Node("A_city"), top.Node("Island"))
	}
	if l := top.Between("B", "C"); l == nil || l.Metric != 111 {
		t.Errorf("B–C: %v, want one link of metric 111 (one degree of latitude)", l)
	}
}

// Names are the labels sanitized and made unique, never clashing with the
// generated routers.
func TestZooNames(t *testing.T) {
	for in, want := range map[string]string{
		"New York":         "New_York",
		"Washington, D.C.": "Washington_D_C",
		"  St. Louis  ":    "St_Louis",
		"CHI-SL":           "CHI-SL",
		"a__b":             "a__b",
		"Zürich":           "Z_rich",
		"***":              "",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	g := graph(t, `
    <node id="0"><data key="d1">Paris</data></node>
    <node id="1"><data key="d1">Paris</data></node>
    <node id="2"><data key="d1">PE1</data></node>
    <node id="3"><data key="d1">A1</data></node>
    <node id="4"/>
    <node id="5"><data key="d1">null</data></node>
    <node id="6"><data key="d1">42</data></node>
    <edge source="0" target="1"/><edge source="1" target="2"/><edge source="2" target="3"/>
    <edge source="3" target="4"/><edge source="4" target="5"/><edge source="5" target="6"/>`)
	o := zooOpts("names.graphml")
	o.PEs = 1
	o.Attach = []string{"Paris-2"}
	y, _, err := Zoo(g, o)
	if err != nil {
		t.Fatal(err)
	}
	top := mustParse(t, "names.yaml", y)
	var got []string
	for _, n := range top.Nodes {
		if n.Role == topologies.RoleP {
			got = append(got, n.Name)
		}
	}
	if want := "Paris Paris-2 PE1-2 A1-2 N4 null 42"; strings.Join(got, " ") != want {
		t.Errorf("P routers %q, want %q", strings.Join(got, " "), want)
	}
	if top.Between("PE1", "Paris-2") == nil {
		t.Error("--attach Paris-2 did not attach PE1 to Paris-2")
	}
	if d := top.Node("PE1-2").Description; d != "PE1" {
		t.Errorf("renamed node's description %q, want its label PE1", d)
	}
}

// --attach takes output names or Zoo labels.
func TestZooAttach(t *testing.T) {
	o := zooOpts("Abilene.graphml")
	o.PEs, o.Attach = 2, []string{"New York", "Kansas_City"}
	y, _, err := Zoo(readGraph(t, filepath.Join(zooDir, "Abilene.graphml")), o)
	if err != nil {
		t.Fatal(err)
	}
	top := mustParse(t, "Abilene.yaml", y)
	if top.Between("PE1", "New_York") == nil || top.Between("PE2", "Kansas_City") == nil {
		t.Error("PE1 should hang off New_York and PE2 off Kansas_City")
	}
}

func TestZooOptionErrors(t *testing.T) {
	abilene := readGraph(t, filepath.Join(zooDir, "Abilene.graphml"))
	for _, c := range []struct {
		name string
		edit func(*ZooOptions)
		want string
	}{
		{"sites need PEs", func(o *ZooOptions) { o.PEs = 0 }, "--vrfs 2 needs PEs to attach the customers' sites to, but --pes is 0"},
		{"more PEs than core nodes", func(o *ZooOptions) { o.PEs = 12 }, "--pes 12: Abilene.graphml has only 11 core nodes to attach PEs to"},
		{"unknown attach name", func(o *ZooOptions) { o.PEs, o.Attach = 1, []string{"Atlantis"} }, "--attach Atlantis: no core node has that name or label"},
		{"attach hint", func(o *ZooOptions) { o.PEs, o.Attach = 1, []string{"new york"} }, "(did you mean New_York?)"},
		{"attach twice", func(o *ZooOptions) { o.PEs, o.Attach = 2, []string{"Chicago", "Chicago"} }, "--attach names Chicago twice"},
		{"attach count", func(o *ZooOptions) { o.PEs, o.Attach = 3, []string{"Chicago"} }, "--attach names 1 core node but --pes is 3"},
		{"negative PEs", func(o *ZooOptions) { o.PEs = -1 }, "--pes -1: the number of PEs cannot be negative"},
		{"negative RRs", func(o *ZooOptions) { o.RRs = -1 }, "--rrs -1"},
		{"negative VRFs", func(o *ZooOptions) { o.VRFs = -2 }, "--vrfs -2"},
		{"no sites", func(o *ZooOptions) { o.Sites = 0 }, "--sites 0: each customer needs 1 to 254 sites"},
		{"too many sites", func(o *ZooOptions) { o.Sites = 255 }, "--sites 255"},
		{"too many prefixes", func(o *ZooOptions) { o.Prefixes = 256 }, "--prefixes 256: a site has 0 to 255 prefixes"},
		{"too many in all", func(o *ZooOptions) { o.VRFs, o.Sites, o.Prefixes = 1000, 100, 100 }, "--vrfs 1000 × --sites 100 × --prefixes 100 makes 10000000 customer prefixes; the most is 1000000"},
	} {
		o := zooOpts("Abilene.graphml")
		c.edit(&o)
		_, _, err := Zoo(abilene, o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, _, err := Zoo(graph(t, ""), zooOpts("empty.graphml")); err == nil || err.Error() != "empty.graphml: the graph has no nodes; a backbone needs at least one" {
		t.Errorf("empty graph: %v", err)
	}
}

// A bare core: no PEs, no customers.
func TestZooBareCore(t *testing.T) {
	o := ZooOptions{Source: "Sprint.graphml"}
	y, _, err := Zoo(readGraph(t, filepath.Join(zooDir, "Sprint.graphml")), o)
	if err != nil {
		t.Fatal(err)
	}
	top := mustParse(t, "Sprint.yaml", y)
	if len(top.Nodes) != count(top, topologies.RoleP) || len(top.VRFs) != 0 {
		t.Errorf("want only P routers, got %d nodes and %d VRFs", len(top.Nodes), len(top.VRFs))
	}
}

// The largest backbone converges in the IGP: every provider router has a
// route to every provider router's loopback.
func TestKdlConverges(t *testing.T) {
	file := filepath.Join(zooDir, "Kdl.graphml")
	y, _, err := Zoo(readGraph(t, file), zooOpts(file))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Build(mustParse(t, "Kdl.yaml", y), p.State{})
	routers := c.Routers()
	if len(routers) != 754+4+1 {
		t.Fatalf("%d provider routers, want 759", len(routers))
	}
	missing := 0
	for _, r := range routers {
		for _, o := range routers {
			if r.Route(netip.PrefixFrom(o.Node.Loopback, 32)) == nil {
				if missing++; missing <= 5 {
					t.Errorf("%s has no route to %s (%s)", r.Node.Name, o.Node.Name, o.Node.Loopback)
				}
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d missing loopback routes in all", missing)
	}
}

// Whatever graph Zoo accepts, the loader accepts what it makes.
func FuzzZoo(f *testing.F) {
	f.Add([]byte(`<graphml><key attr.name="label" for="node" id="l"/><graph>
<node id="a"><data key="l">A</data></node><node id="b"><data key="l">B b</data></node>
<edge source="a" target="b"/></graph></graphml>`), 1, 1, 1, 1, uint64(1))
	data, err := os.ReadFile(filepath.Join(zooDir, "Abilene.graphml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, 4, 1, 2, 2, uint64(7))
	f.Fuzz(func(t *testing.T, doc []byte, pes, rrs, vrfs, sites int, seed uint64) {
		g, err := graphml.Read("fuzz.graphml", bytes.NewReader(doc))
		if err != nil || len(g.Nodes) > 2000 || pes > 50 || rrs > 50 || vrfs > 50 {
			return
		}
		o := ZooOptions{Source: "fuzz.graphml", PEs: pes, RRs: rrs, VRFs: vrfs, Sites: sites, Prefixes: 1, Seed: seed}
		y, _, err := Zoo(g, o)
		if err != nil {
			return
		}
		if _, _, err := topologies.Parse("fuzz.yaml", y); err != nil {
			t.Fatalf("Zoo made a file the loader refuses: %v\n%s", err, y)
		}
	})
}
