package p

import (
	"math/bits"
	"net/netip"
	"slices"

	"gonum.org/v1/gonum/graph/path"

	"github.com/vpnsim/vpnsim/mpls"
)

// hopSet is one set of equal-cost first hops of a router: the next hops in
// neighbour-name order and their positions in the router's adjacency list.
type hopSet struct {
	hops    []mpls.NextHop
	members []int
}

// solver holds the scratch space reused from one source router to the next.
type solver struct {
	order []uint64 // reachable routers by increasing distance: distance<<32 | index
	pos   []int    // provider index -> position in the source's adjacencies, -1 if not adjacent
	bits  []uint64 // first-hop bitsets, words per router
	key   []byte
}

func newSolver(n int) *solver {
	s := &solver{pos: make([]int, n)}
	for i := range s.pos {
		s.pos[i] = -1
	}
	return s
}

// solve fills router r's distances and the first-hop sets its LFIB and
// global table are made of (LFIB and Routes build them when first read)
// from the shortest-path distances sh that gonum computed from r.
//
// gonum gives distances only (its path choice among equal costs is random),
// so the sets of first hops are derived here, nodes taken in increasing
// distance: firstHops(v) is the union, over neighbours u of v on a shortest
// path (dist(u) + w(u,v) == dist(v)), of {v} when u is r and of firstHops(u)
// otherwise. Metrics are at least 1, so every such u comes before v.
func (s *solver) solve(c *Core, r *Router, sh path.Shortest) {
	n := len(c.routers)
	dist := make([]uint32, n)
	s.order = s.order[:0]
	for v := range dist {
		w := sh.WeightTo(int64(v))
		if w > MaxPathMetric { // +Inf for an unreachable router
			dist[v] = noPath
			continue
		}
		dist[v] = uint32(w)
		s.order = append(s.order, uint64(dist[v])<<32|uint64(v))
	}
	r.dist = dist
	slices.Sort(s.order) // by distance, then index

	words := (len(r.nbrs) + 63) / 64
	if need := n * words; cap(s.bits) < need {
		s.bits = make([]uint64, need)
	} else {
		s.bits = s.bits[:need]
		clear(s.bits)
	}
	for k, a := range r.nbrs {
		s.pos[a.nbr] = k
	}
	defer func() {
		for _, a := range r.nbrs {
			s.pos[a.nbr] = -1
		}
	}()
	for _, o := range s.order {
		v := int(uint32(o))
		if v == r.idx {
			continue
		}
		bv := s.bits[v*words : (v+1)*words]
		for _, a := range c.routers[v].nbrs {
			u := a.nbr
			if dist[u] == noPath || uint64(dist[u])+uint64(a.metric) != uint64(dist[v]) {
				continue
			}
			if u == r.idx {
				k := s.pos[v]
				bv[k/64] |= 1 << (k % 64)
				continue
			}
			for i, w := range s.bits[u*words : (u+1)*words] {
				bv[i] |= w
			}
		}
	}

	// Intern the sets: routers behind the same first hops share one slice.
	var sets []hopSet
	ids := make(map[string]int)
	intern := func(b []uint64) int {
		s.key = s.key[:0]
		for _, w := range b {
			s.key = append(s.key, byte(w), byte(w>>8), byte(w>>16), byte(w>>24),
				byte(w>>32), byte(w>>40), byte(w>>48), byte(w>>56))
		}
		if id, ok := ids[string(s.key)]; ok {
			return id
		}
		var hs hopSet
		for i, w := range b {
			for w != 0 {
				k := i*64 + bits.TrailingZeros64(w)
				w &= w - 1
				hs.members = append(hs.members, k)
				hs.hops = append(hs.hops, r.nbrs[k].hop)
			}
		}
		ids[string(s.key)] = len(sets)
		sets = append(sets, hs)
		return len(sets) - 1
	}
	// By provider index, the hop set of each reachable router, -1 for the
	// others.
	r.setOf = make([]int32, n)
	for v := range r.setOf {
		r.setOf[v] = -1
	}
	nhlfes := 0
	for _, o := range s.order {
		if v := int(uint32(o)); v != r.idx {
			r.setOf[v] = int32(intern(s.bits[v*words : (v+1)*words]))
			nhlfes += len(sets[r.setOf[v]].members)
		}
	}

	// What the LFIB's LDP entries and the global table are made of, kept
	// for LFIB and Routes: the tables themselves (an entry per other
	// provider loopback, a route per loopback and link subnet of the whole
	// network, on every router) are built when first read.
	r.fecs, r.nhlfes = len(s.order)-1, nhlfes
	r.sets = sets
}

// buildRoutes makes router r's global IP table, in prefix order, from
// what solve kept: a route per reachable loopback and per up link subnet
// reached through either end.
func (r *Router) buildRoutes() {
	c := r.core
	if r.setOf == nil {
		return // down: no table
	}
	conn := make([]mpls.NextHop, len(r.nbrs))
	for k, a := range r.nbrs {
		conn[k] = mpls.NextHop{Interface: a.hop.Interface, IfIndex: a.hop.IfIndex}
	}
	dist := r.dist
	routes := make([]Route, 0, len(c.items))
	for _, it := range c.items {
		if v := it.node; v >= 0 {
			switch {
			case v == r.idx:
				routes = append(routes, Route{Prefix: it.prefix, Proto: ProtoConnected, NextHops: c.loHop})
			case dist[v] != noPath:
				routes = append(routes, Route{Prefix: it.prefix, Proto: ProtoISIS, Metric: dist[v], NextHops: r.sets[r.setOf[v]].hops})
			}
			continue
		}
		l := c.links[it.link]
		if !l.up {
			continue
		}
		if l.a == r.idx || l.b == r.idx {
			k := slices.IndexFunc(r.nbrs, func(a adj) bool { return a.link == it.link })
			routes = append(routes, Route{Prefix: it.prefix, Proto: ProtoConnected, NextHops: conn[k : k+1 : k+1]})
			continue
		}
		// Both ends advertise the subnet: take the cheaper, both if equal.
		m := min(dist[l.a], dist[l.b])
		if m == noPath || uint64(m)+uint64(l.metric) > MaxPathMetric {
			continue
		}
		var hops []mpls.NextHop
		switch a, b := dist[l.a] == m, dist[l.b] == m; {
		case a && b && r.setOf[l.a] != r.setOf[l.b]:
			hops = r.unionHops(r.sets[r.setOf[l.a]].members, r.sets[r.setOf[l.b]].members)
		case a:
			hops = r.sets[r.setOf[l.a]].hops
		default:
			hops = r.sets[r.setOf[l.b]].hops
		}
		routes = append(routes, Route{Prefix: it.prefix, Proto: ProtoISIS, Metric: m + l.metric, NextHops: hops})
	}
	r.routes = routes
}

// unionHops is the next hops of the union of two first-hop sets (their
// members, ascending adjacency positions), in adjacency order.
func (r *Router) unionHops(x, y []int) []mpls.NextHop {
	var out []mpls.NextHop
	for len(x) > 0 || len(y) > 0 {
		var k int
		switch {
		case len(y) == 0 || (len(x) > 0 && x[0] < y[0]):
			k, x = x[0], x[1:]
		case len(x) == 0 || y[0] < x[0]:
			k, y = y[0], y[1:]
		default:
			k, x, y = x[0], x[1:], y[1:]
		}
		out = append(out, r.nbrs[k].hop)
	}
	return out
}

// ldp installs router r's LDP entries in its LFIB, one per reachable other
// router's loopback (r.fecs of them, r.nhlfes next hops over them), and
// notes for FTN the FECs with an untagged next hop.
func (r *Router) ldp() {
	c, dist, sets, setOf, fecs, nhlfes := r.core, r.dist, r.sets, r.setOf, r.fecs, r.nhlfes
	entries := make([]mpls.Entry, fecs)
	out := make([]mpls.NHLFE, nhlfes)
	labels := make([]mpls.Label, nhlfes)
	// Highest label first, so that the LFIB sizes its table once.
	for _, f := range slices.Backward(c.byAddr) {
		if f == r.idx || dist[f] == noPath {
			continue
		}
		members := sets[setOf[f]].members
		nh := out[:len(members):len(members)]
		out = out[len(members):]
		op := mpls.OpPop
		untagged := 0
		for i, k := range members {
			a := r.nbrs[k]
			nh[i].NextHop = a.hop
			if a.noLDP {
				nh[i].Untagged = true // no label from this neighbour: pop and send unlabelled
				untagged++
				continue
			}
			l := c.label(a.nbr, f)
			if l == mpls.ImplicitNull {
				continue // the next hop is the egress: pop here (PHP)
			}
			labels[0] = l
			nh[i].Out = labels[0:1:1]
			labels = labels[1:]
			op = mpls.OpSwap
		}
		loop := c.routers[f].Node.Loopback
		fecs--
		entries[fecs] = mpls.Entry{In: c.label(r.idx, f), Op: op, FEC: netip.PrefixFrom(loop, 32), NextHops: nh, Owner: "LDP"}
		r.lfib.Insert(&entries[fecs])
		if untagged > 0 {
			// An ingress pushes only onto an LSP: the next hops with a label
			// (none at all when every next hop is untagged).
			if r.partial == nil {
				r.partial = map[netip.Addr][]mpls.NHLFE{}
			}
			r.partial[loop] = slices.DeleteFunc(slices.Clone(nh), func(x mpls.NHLFE) bool { return x.Untagged })
		}
	}
}
