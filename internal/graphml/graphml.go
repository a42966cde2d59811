// Package graphml reads network graphs in GraphML, as the Internet Topology
// Zoo publishes them: nodes with a label and, for most, a position
// (Latitude, Longitude), and undirected edges. It keeps only what an
// importer of provider backbones needs, and helps clean such a graph up:
// self loops and parallel edges out, the largest connected component kept.
package graphml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Pos is a place in the file (1-based line and column).
type Pos struct {
	Line, Column int
}

// Graph is one GraphML graph.
type Graph struct {
	Name  string // the graph's label, "" when it has none
	Nodes []Node // in file order
	Edges []Edge // in file order
}

// Node is one node.
type Node struct {
	ID       string // the node's id attribute, unique in the file
	Label    string // its label data, "" when it has none
	Lat, Lon float64
	HasPos   bool // both Latitude and Longitude were given
	Pos      Pos  // where the node element starts
}

// Edge is one edge, taken as undirected whatever the file says.
type Edge struct {
	A, B int // indices into Graph.Nodes: the source and the target
	Pos  Pos // where the edge element starts
}

// Read reads one GraphML document from r; file names it in errors, which
// read FILE:LINE:COLUMN: what is wrong.
func Read(file string, r io.Reader) (*Graph, error) {
	d := xml.NewDecoder(r)
	g := &Graph{}
	keys := map[string]string{} // key id -> attr.name
	ids := map[string]int{}
	type edgeRef struct {
		src, dst string
		pos      Pos
	}
	var refs []edgeRef
	var (
		graphs         int  // graph elements seen
		node           = -1 // index of the node being read
		inEdge, inData bool
		dataKey        string
		dataPos        Pos
		text           strings.Builder
		hasLat, hasLon bool
	)
	fail := func(p Pos, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", file, p.Line, p.Column, fmt.Sprintf(format, args...))
	}
	for {
		line, col := d.InputPos()
		pos := Pos{line, col}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s:%d: not well-formed XML: %s", file, se.Line, se.Msg)
			}
			return nil, fail(pos, "%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "key":
				keys[attr(t, "id")] = attr(t, "attr.name")
			case "graph":
				if graphs++; graphs > 1 {
					return nil, fail(pos, "a second graph: this reader takes one graph per file, not nested or several")
				}
			case "node":
				id := attr(t, "id")
				if id == "" {
					return nil, fail(pos, "a node without an id attribute: give every node a unique id")
				}
				if prev, dup := ids[id]; dup {
					p := g.Nodes[prev].Pos
					return nil, fail(pos, "node id %q is already used at line %d: node ids must be unique", id, p.Line)
				}
				ids[id] = len(g.Nodes)
				node = len(g.Nodes)
				hasLat, hasLon = false, false
				g.Nodes = append(g.Nodes, Node{ID: id, Pos: pos})
			case "edge":
				src, dst := attr(t, "source"), attr(t, "target")
				if src == "" || dst == "" {
					return nil, fail(pos, "an edge without source or target: name both end nodes by id")
				}
				refs = append(refs, edgeRef{src, dst, pos})
				inEdge = true
			case "data":
				inData, dataKey, dataPos = true, attr(t, "key"), pos
				text.Reset()
			}
		case xml.CharData:
			if inData {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "data":
				inData = false
				v := strings.TrimSpace(text.String())
				switch name := keys[dataKey]; {
				case node >= 0 && (name == "Latitude" || name == "Longitude"):
					f, err := strconv.ParseFloat(v, 64)
					if err != nil {
						return nil, fail(dataPos, "node %q: %s %q is not a number", g.Nodes[node].ID, name, v)
					}
					if name == "Latitude" {
						g.Nodes[node].Lat, hasLat = f, true
					} else {
						g.Nodes[node].Lon, hasLon = f, true
					}
				case node >= 0 && name == "label":
					g.Nodes[node].Label = v
				case node < 0 && !inEdge && graphs > 0 && name == "label":
					g.Name = v
				}
			case "node":
				g.Nodes[node].HasPos = hasLat && hasLon
				node = -1
			case "edge":
				inEdge = false
			}
		}
	}
	if graphs == 0 {
		return nil, fmt.Errorf("%s: no graph element: is this a GraphML file?", file)
	}
	for _, e := range refs {
		a, aok := ids[e.src]
		b, bok := ids[e.dst]
		if !aok || !bok {
			missing := e.src
			if aok {
				missing = e.dst
			}
			return nil, fail(e.pos, "edge names node %q, which the file does not define", missing)
		}
		g.Edges = append(g.Edges, Edge{A: a, B: b, Pos: e.pos})
	}
	return g, nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Simplify returns the graph without self loops and without repeated edges
// between the same two nodes (the first is kept), and how many of each it
// left out. Nodes are unchanged.
func (g *Graph) Simplify() (s *Graph, selfLoops, parallel int) {
	s = &Graph{Name: g.Name, Nodes: g.Nodes}
	seen := map[[2]int]bool{}
	for _, e := range g.Edges {
		if e.A == e.B {
			selfLoops++
			continue
		}
		k := [2]int{min(e.A, e.B), max(e.A, e.B)}
		if seen[k] {
			parallel++
			continue
		}
		seen[k] = true
		s.Edges = append(s.Edges, e)
	}
	return s, selfLoops, parallel
}

// LargestComponent returns the connected component with the most nodes
// (of equal ones, the one holding the earliest node in the file), nodes and
// edges in file order. An empty graph gives an empty graph.
func (g *Graph) LargestComponent() *Graph {
	comp := make([]int, len(g.Nodes))
	for i := range comp {
		comp[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for comp[x] != x {
			comp[x] = comp[comp[x]]
			x = comp[x]
		}
		return x
	}
	for _, e := range g.Edges {
		a, b := find(e.A), find(e.B)
		comp[max(a, b)] = min(a, b) // the root is always the earliest node
	}
	size := make([]int, len(g.Nodes))
	for i := range g.Nodes {
		size[find(i)]++
	}
	best := 0
	for r, n := range size {
		if n > size[best] {
			best = r
		}
	}
	out := &Graph{Name: g.Name}
	index := make([]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[i] = -1
		if find(i) == best {
			index[i] = len(out.Nodes)
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range g.Edges {
		if index[e.A] >= 0 {
			out.Edges = append(out.Edges, Edge{A: index[e.A], B: index[e.B], Pos: e.Pos})
		}
	}
	return out
}
