package topologies

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestSVGGolden(t *testing.T) {
	top := mustBuiltin(t, "classic")
	var b bytes.Buffer
	if err := WriteSVG(&b, top); err != nil {
		t.Fatal(err)
	}
	golden(t, "classic.svg", b.Bytes())
	// the path overlay: links by file index, as graph --path gives them
	path := map[*Link]string{top.Links[4]: "no label", top.Links[0]: "labels 18/100000"}
	b.Reset()
	if err := WriteSVGPath(&b, top, path); err != nil {
		t.Fatal(err)
	}
	golden(t, "classic-path.svg", b.Bytes())
	if n := strings.Count(b.String(), `stroke="#e6a800" stroke-width="8"`); n != 2 {
		t.Errorf("%d amber links, want 2", n)
	}
	if !strings.Contains(b.String(), ">labels 18/100000</text>") {
		t.Error("the path's label stack is not written beside its link")
	}
}

// svgGroup is a <g> of the drawing: a node, a link or a VRF.
type svgGroup struct {
	ID    string     `xml:"id,attr"`
	Class string     `xml:"class,attr"`
	Label string     `xml:"aria-label,attr"`
	Title string     `xml:"title"`
	Inner []svgGroup `xml:"g"`
}

// Every built-in draws as well-formed SVG in which each node, link and VRF
// is a group with its name (aria-label) and a tooltip (title); no two nodes
// overlap and every node lies inside the drawing.
func TestSVGAllBuiltinsNamed(t *testing.T) {
	for _, name := range BuiltinNames() {
		top := mustBuiltin(t, name)
		var b bytes.Buffer
		if err := WriteSVG(&b, top); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Width  float64    `xml:"width,attr"`
			Height float64    `xml:"height,attr"`
			Groups []svgGroup `xml:"g"`
		}
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("%s: not XML: %v", name, err)
		}
		found := map[string]svgGroup{}
		for _, g := range doc.Groups {
			for _, in := range g.Inner {
				found[in.ID] = in
			}
		}
		for _, n := range top.Nodes {
			g, ok := found["node-"+n.Name]
			if !ok || !strings.HasPrefix(g.Label, n.Name+" (") || !strings.Contains(g.Title, n.Name) {
				t.Errorf("%s: node %s: group %+v", name, n.Name, g)
			}
		}
		for _, l := range top.Links {
			a, z := l.Ends()
			g, ok := found[fmt.Sprintf("link-%d", l.Index)]
			if !ok || g.Label != a+" – "+z || !strings.Contains(g.Title, l.Subnet.String()) {
				t.Errorf("%s: link %s–%s: group %+v", name, a, z, g)
			}
		}
		for _, v := range top.VRFs {
			if g, ok := found["vrf-"+v.Name]; !ok || !strings.Contains(g.Title, "RD ") {
				t.Errorf("%s: VRF %s has no legend entry", name, v.Name)
			}
		}
		pos := Layout(top, svgUnit)
		for i := range pos {
			if pos[i].X < 0 || pos[i].Y < 0 || pos[i].X+svgMargin > doc.Width || pos[i].Y+svgMargin > doc.Height {
				t.Errorf("%s: %s at %v lies outside the %vx%v drawing", name, top.Nodes[i].Name, pos[i], doc.Width, doc.Height)
			}
			for j := i + 1; j < len(pos); j++ {
				if d := math.Hypot(pos[i].X-pos[j].X, pos[i].Y-pos[j].Y); d < svgUnit/3 {
					t.Errorf("%s: %s and %s are %.0f px apart", name, top.Nodes[i].Name, top.Nodes[j].Name, d)
				}
			}
		}
	}
}

// Text from the file is escaped, and the same file gives the same bytes.
func TestSVGEscapesAndIsDeterministic(t *testing.T) {
	top, _, err := Parse("q.yaml", []byte(`name: q
description: a <b>"quoted"</b> & description
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  P1: {role: p, loopback: 10.0.0.2}
links:
  - {endpoints: [PE1, P1]}
`))
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := WriteSVG(&a, top); err != nil {
		t.Fatal(err)
	}
	WriteSVG(&b, top)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two drawings of one file differ")
	}
	if err := xml.Unmarshal(a.Bytes(), new(struct{})); err != nil || strings.Contains(a.String(), "<b>") {
		t.Errorf("description not escaped (%v):\n%s", err, a.String())
	}
}
