package topologies

import (
	"math"
)

// Point is a position in a drawing, in pixels, x to the right and y down.
type Point struct{ X, Y float64 }

// Layout places every node of t for a drawing, in node order, with no
// program outside vpnsim (Graphviz is not needed): stress majorization
// (Gansner, Koren and North, "Graph drawing by stress majorization", 2004)
// over the hop distances between nodes, so that nodes few hops apart are
// drawn close and the provider core spreads out with its customer sites
// around it. It is deterministic: it starts from the nodes on a circle in
// file order, runs a fixed number of rounds and rounds every coordinate to
// a tenth of a pixel, so the same file gives the same drawing everywhere.
// One hop is about unit pixels long; the drawing's top left corner is at
// (0, 0).
func Layout(t *Topology, unit float64) []Point {
	n := len(t.Nodes)
	pos := make([]Point, n)
	if n == 0 {
		return pos
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
	// hop distances, breadth first from every node; nodes in another
	// component are one hop further than the farthest reachable one
	dist := make([][]float64, n)
	far := 1
	queue := make([]int, 0, n)
	for s := range n {
		d := make([]int, n)
		for i := range d {
			d[i] = -1
		}
		d[s] = 0
		queue = append(queue[:0], s)
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, v := range adj[u] {
				if d[v] < 0 {
					d[v] = d[u] + 1
					far = max(far, d[v])
					queue = append(queue, v)
				}
			}
		}
		row := make([]float64, n)
		for i, x := range d {
			row[i] = float64(x)
		}
		dist[s] = row
	}
	for s := range n {
		for i := range n {
			if dist[s][i] < 0 {
				dist[s][i] = float64(far + 1)
			}
		}
	}
	// start on a circle, in file order
	r := float64(n) / (2 * math.Pi)
	for i := range pos {
		a := 2 * math.Pi * float64(i) / float64(n)
		pos[i] = Point{r * math.Cos(a), r * math.Sin(a)}
	}
	// localized stress majorization, weights 1/d²
	rounds := 300
	if n > 300 {
		rounds = 100
	}
	for range rounds {
		for i := range n {
			var sx, sy, sw float64
			for j := range n {
				if i == j {
					continue
				}
				d := dist[i][j]
				w := 1 / (d * d)
				dx, dy := pos[i].X-pos[j].X, pos[i].Y-pos[j].Y
				norm := math.Hypot(dx, dy)
				if norm < 1e-9 {
					// two nodes on one spot: part them in a fixed direction
					dx, dy, norm = float64(i-j), 1, math.Hypot(float64(i-j), 1)
				}
				sx += w * (pos[j].X + d*dx/norm)
				sy += w * (pos[j].Y + d*dy/norm)
				sw += w
			}
			pos[i] = Point{sx / sw, sy / sw}
		}
	}
	// a fixed orientation: the first node to the left of the centre,
	// level with it as far as a rotation can make it
	var cx, cy float64
	for _, p := range pos {
		cx += p.X
		cy += p.Y
	}
	cx, cy = cx/float64(n), cy/float64(n)
	if n > 1 {
		a := math.Atan2(pos[0].Y-cy, pos[0].X-cx)
		rot := math.Pi - a
		sin, cos := math.Sin(rot), math.Cos(rot)
		for i, p := range pos {
			x, y := p.X-cx, p.Y-cy
			pos[i] = Point{x*cos - y*sin, x*sin + y*cos}
		}
	}
	minX, minY := math.Inf(1), math.Inf(1)
	for _, p := range pos {
		minX, minY = min(minX, p.X), min(minY, p.Y)
	}
	for i, p := range pos {
		pos[i] = Point{round1((p.X - minX) * unit), round1((p.Y - minY) * unit)}
	}
	return pos
}

// round1 rounds to a tenth: the last bits of a float computation may
// differ between machines, the drawing may not.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
