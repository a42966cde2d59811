package graphml

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const zoo = "../../data/topology-zoo"

const small = `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="d1" />
  <key attr.name="Latitude" attr.type="double" for="node" id="d2" />
  <key attr.name="Longitude" attr.type="double" for="node" id="d3" />
  <key attr.name="label" attr.type="string" for="graph" id="d4" />
  <key attr.name="LinkLabel" attr.type="string" for="edge" id="d5" />
  <graph edgedefault="undirected">
    <data key="d4">Tiny</data>
    <node id="0"><data key="d1">Tokyo</data><data key="d2">35.68</data><data key="d3">139.69</data></node>
    <node id="1"><data key="d1">Osaka</data><data key="d2">34.69</data></node>
    <node id="2"><data key="d1">Nagoya</data><data key="d3">136.9</data><data key="d2">35.18</data></node>
    <node id="x"/>
    <node id="y"/>
    <edge source="0" target="1"><data key="d5">label of an edge</data></edge>
    <edge source="1" target="0"/>
    <edge source="2" target="2"/>
    <edge source="1" target="2"/>
    <edge source="x" target="y"/>
  </graph>
</graphml>
`

func TestRead(t *testing.T) {
	g, err := Read("small.graphml", strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "Tiny" {
		t.Errorf("Name = %q", g.Name)
	}
	type node struct {
		ID, Label string
		Lat, Lon  float64
		HasPos    bool
	}
	var nodes []node
	for _, n := range g.Nodes {
		nodes = append(nodes, node{n.ID, n.Label, n.Lat, n.Lon, n.HasPos})
	}
	wantNodes := []node{
		{"0", "Tokyo", 35.68, 139.69, true}, {"1", "Osaka", 34.69, 0, false}, {"2", "Nagoya", 35.18, 136.9, true},
		{"x", "", 0, 0, false}, {"y", "", 0, 0, false},
	}
	if !reflect.DeepEqual(nodes, wantNodes) {
		t.Errorf("nodes:\n got %+v\nwant %+v", nodes, wantNodes)
	}
	if p := g.Nodes[1].Pos; p != (Pos{11, 5}) {
		t.Errorf("node 1 at %+v, want line 11 column 5", p)
	}
	if got, want := ends(g), [][2]int{{0, 1}, {1, 0}, {2, 2}, {1, 2}, {3, 4}}; !reflect.DeepEqual(got, want) {
		t.Errorf("edges %v, want %v", got, want)
	}

	s, loops, parallel := g.Simplify()
	if loops != 1 || parallel != 1 || !reflect.DeepEqual(ends(s), [][2]int{{0, 1}, {1, 2}, {3, 4}}) {
		t.Errorf("Simplify: %v, %d self loops, %d parallel", ends(s), loops, parallel)
	}
	c := s.LargestComponent()
	if len(c.Nodes) != 3 || c.Nodes[2].ID != "2" || !reflect.DeepEqual(ends(c), [][2]int{{0, 1}, {1, 2}}) || c.Name != "Tiny" {
		t.Errorf("LargestComponent: %+v", c)
	}
}

func ends(g *Graph) [][2]int {
	var out [][2]int
	for _, e := range g.Edges {
		out = append(out, [2]int{e.A, e.B})
	}
	return out
}

// Of equal components, the one with the earliest node wins.
func TestLargestComponentTie(t *testing.T) {
	g := &Graph{Nodes: make([]Node, 6), Edges: []Edge{{A: 1, B: 2}, {A: 5, B: 0}, {A: 3, B: 2}, {A: 4, B: 0}}}
	c := g.LargestComponent()
	if len(c.Nodes) != 3 || !reflect.DeepEqual(ends(c), [][2]int{{2, 0}, {1, 0}}) {
		t.Errorf("got %d nodes, edges %v", len(c.Nodes), ends(c))
	}
	if c := (&Graph{}).LargestComponent(); len(c.Nodes) != 0 {
		t.Errorf("empty graph: %+v", c)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`<graphml><graph><node id="a"/><node id="a"/></graph></graphml>`,
			`f.graphml:1:31: node id "a" is already used at line 1: node ids must be unique`},
		{`<graphml><graph><node/></graph></graphml>`,
			`f.graphml:1:17: a node without an id attribute: give every node a unique id`},
		{"<graphml><graph>\n<node id=\"a\"/>\n  <edge source=\"a\" target=\"b\"/></graph></graphml>",
			`f.graphml:3:3: edge names node "b", which the file does not define`},
		{`<graphml><graph><edge source="a"/></graph></graphml>`,
			`f.graphml:1:17: an edge without source or target: name both end nodes by id`},
		{`<graphml><key id="k" attr.name="Latitude"/><graph><node id="a"><data key="k">north</data></node></graph></graphml>`,
			`f.graphml:1:64: node "a": Latitude "north" is not a number`},
		{`<graphml><graph></graph><graph></graph></graphml>`,
			`f.graphml:1:25: a second graph: this reader takes one graph per file, not nested or several`},
		{`<graphml></graphml>`, `f.graphml: no graph element: is this a GraphML file?`},
		{"<graphml>\n<graph>\n</graphml>", `f.graphml:3: not well-formed XML: element <graph> closed by </graphml>`},
		{``, `f.graphml: no graph element: is this a GraphML file?`},
	} {
		_, err := Read("f.graphml", strings.NewReader(tc.doc))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Read(%q):\n got %v\nwant %s", tc.doc, err, tc.want)
		}
	}
}

// Every file in the shared Zoo data reads, with the sizes its README gives.
func TestZoo(t *testing.T) {
	want := map[string][2]int{
		"Abilene": {11, 14}, "Sprint": {11, 18}, "Internet2": {20, 26}, "AttMpls": {25, 57},
		"Janetbackbone": {29, 45}, "WideJpn": {30, 33}, "Geant2012": {40, 61}, "Esnet": {68, 92},
		"Uninett2011": {69, 98}, "GtsCe": {149, 193}, "Cogentco": {197, 245}, "Kdl": {754, 899},
	}
	files, _ := filepath.Glob(filepath.Join(zoo, "*.graphml"))
	if len(files) != len(want) {
		t.Fatalf("found %d GraphML files in %s, want %d", len(files), zoo, len(want))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphml")
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Read(f, fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]int{len(g.Nodes), len(g.Edges)}; got != want[name] {
			t.Errorf("%s: %d nodes, %d edges; want %v", name, got[0], got[1], want[name])
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(small)
	f.Add(`<graphml><graph><node id="a"/><edge source="a" target="a"/></graph></graphml>`)
	f.Fuzz(func(t *testing.T, doc string) {
		g, err := Read("fuzz.graphml", strings.NewReader(doc))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.graphml:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range g.Edges {
			if e.A < 0 || e.A >= len(g.Nodes) || e.B < 0 || e.B >= len(g.Nodes) {
				t.Fatalf("edge %+v out of range", e)
			}
		}
		s, _, _ := g.Simplify()
		c := s.LargestComponent()
		if len(c.Nodes) > len(g.Nodes) || len(c.Edges) > len(s.Edges) {
			t.Fatalf("component larger than the graph")
		}
	})
}
