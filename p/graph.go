package p

import (
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// igpGraph is the IGP's view of the provider core for gonum's shortest-path
// functions: up routers (by provider index) and up links. It holds each
// router's adjacencies in slices, so Dijkstra walks it without the map
// iteration of gonum's simple graphs, which dominated large backbones.
type igpGraph struct {
	nodes []graph.Node   // every provider router, by provider index
	from  [][]graph.Node // by provider index: the neighbours, by name
	w     [][]float64    // the metrics of those links
}

var _ graph.Weighted = (*igpGraph)(nil)

func newIGPGraph(routers []*Router) *igpGraph {
	g := &igpGraph{nodes: make([]graph.Node, len(routers)), from: make([][]graph.Node, len(routers)), w: make([][]float64, len(routers))}
	for i, r := range routers {
		g.nodes[i] = simple.Node(i)
		for _, a := range r.nbrs {
			g.from[i] = append(g.from[i], simple.Node(a.nbr))
			g.w[i] = append(g.w[i], float64(a.metric))
		}
	}
	return g
}

// Node returns router id.
func (g *igpGraph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(len(g.nodes)) {
		return nil
	}
	return g.nodes[id]
}

// Nodes returns every router. Giving gonum the whole set lets its Dijkstra
// size its tables once instead of growing them router by router.
func (g *igpGraph) Nodes() graph.Nodes { return iterator.NewOrderedNodes(g.nodes) }

// HasEdgeBetween reports whether routers xid and yid are adjacent.
func (g *igpGraph) HasEdgeBetween(xid, yid int64) bool { return g.Edge(xid, yid) != nil }

// WeightedEdge returns the link between routers uid and vid, or nil.
func (g *igpGraph) WeightedEdge(uid, vid int64) graph.WeightedEdge {
	if w, ok := g.Weight(uid, vid); ok && uid != vid {
		return simple.WeightedEdge{F: simple.Node(uid), T: simple.Node(vid), W: w}
	}
	return nil
}

// From returns the neighbours of router id.
func (g *igpGraph) From(id int64) graph.Nodes {
	if len(g.from[id]) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(g.from[id])
}

// Edge returns the link between routers uid and vid, or nil.
func (g *igpGraph) Edge(uid, vid int64) graph.Edge {
	if e := g.WeightedEdge(uid, vid); e != nil {
		return e
	}
	return nil
}

// Weight returns the metric of the link between routers xid and yid (0 for
// a router to itself).
func (g *igpGraph) Weight(xid, yid int64) (float64, bool) {
	if xid == yid {
		return 0, true
	}
	for i, n := range g.from[xid] {
		if n.ID() == yid {
			return g.w[xid][i], true
		}
	}
	return 0, false
}
