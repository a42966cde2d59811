package topologies

import (
	"math"
	"slices"
)

// Positions places every node of t for a drawing, in node order, one hop
// about unit long: the file's position keys when it has any, else Layout.
// With some positions given (a Zoo import gives the backbone's, not its
// PEs' and CEs'), a node without one goes next to its neighbours that are
// placed, breadth first from them, spread on a circle around them; nodes
// not connected to any placed node go in a row below the drawing. The
// file's coordinates are scaled so that the median link between two given
// positions is unit long (a projector shows hops, not kilometres), and
// the drawing is moved so its top left corner is at (0, 0). Deterministic,
// rounded to a tenth like Layout.
func Positions(t *Topology, unit float64) []Point {
	n := len(t.Nodes)
	given := 0
	for _, nd := range t.Nodes {
		if nd.HasPosition {
			given++
		}
	}
	if given == 0 {
		return Layout(t, unit)
	}
	idx := make(map[*Node]int, n)
	for i, nd := range t.Nodes {
		idx[nd] = i
	}
	adj := make([][]int, n)
	for _, l := range t.Links {
		a, b := idx[l.A.Node], idx[l.B.Node]
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	pos := make([]Point, n)
	placed := make([]bool, n)
	for i, nd := range t.Nodes {
		if nd.HasPosition {
			pos[i], placed[i] = nd.Position, true
		}
	}
	// scale: the median length of links between given positions
	var lengths []float64
	for _, l := range t.Links {
		a, b := idx[l.A.Node], idx[l.B.Node]
		if placed[a] && placed[b] {
			if d := math.Hypot(pos[a].X-pos[b].X, pos[a].Y-pos[b].Y); d > 0 {
				lengths = append(lengths, d)
			}
		}
	}
	scale := 1.0
	if len(lengths) > 0 {
		slices.Sort(lengths)
		scale = unit / lengths[len(lengths)/2]
	}
	for i := range pos {
		pos[i].X *= scale
		pos[i].Y *= scale
	}
	// breadth first from the placed nodes: each newly reached node goes
	// around the placed neighbour that reached it, its siblings spread on
	// a circle of radius unit/2 (a third of a circle per sibling at most)
	frontier := []int{}
	for i := range placed {
		if placed[i] {
			frontier = append(frontier, i)
		}
	}
	for len(frontier) > 0 {
		var next []int
		for _, u := range frontier {
			var kids []int
			for _, v := range adj[u] {
				if !placed[v] && !slices.Contains(kids, v) {
					kids = append(kids, v)
				}
			}
			step := 2 * math.Pi / float64(max(len(kids), 3))
			for k, v := range kids {
				a := math.Pi/2 + step*float64(k) // the first one below its neighbour
				pos[v] = Point{pos[u].X + unit/2*math.Cos(a), pos[u].Y + unit/2*math.Sin(a)}
				placed[v] = true
				next = append(next, v)
			}
		}
		frontier = next
	}
	// the rest: a row below everything
	maxY := math.Inf(-1)
	minX := math.Inf(1)
	for i := range pos {
		if placed[i] {
			maxY, minX = max(maxY, pos[i].Y), min(minX, pos[i].X)
		}
	}
	k := 0
	for i := range pos {
		if !placed[i] {
			pos[i] = Point{minX + unit*float64(k), maxY + unit}
			k++
		}
	}
	// top left corner at (0, 0), rounded to a tenth
	minX, minY := math.Inf(1), math.Inf(1)
	for _, p := range pos {
		minX, minY = min(minX, p.X), min(minY, p.Y)
	}
	for i := range pos {
		pos[i] = Point{round1(pos[i].X - minX), round1(pos[i].Y - minY)}
	}
	return pos
}
