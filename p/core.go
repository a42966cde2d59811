// Package p is the label-switching router that every provider router (role
// pe, p or rr) shares. Its control plane is IGP shortest paths (IS-IS-like, one level, symmetric metrics) and
// LDP label distribution (downstream unsolicited, liberal retention,
// independent control). Build turns a topology and its current state
// (failures, metric changes) into each router's converged tables: the global
// IP table, the LDP entries of its LFIB, its FTN and its LDP bindings. It is
// a pure function: the same topology and state always give the same tables.
// Its data plane, LSR, only reads those tables; on a PE it also forwards in
// the VRFs package pe gives it (vpn.go).
//
// Rules, as the topology contract fixes them:
//
//   - Only provider routers and the links between them take part. A down
//     node takes all its links down; a down link is not used.
//   - Equal-cost next hops are all kept, sorted by neighbour name.
//   - Each router allocates LDP labels from 16 upward (from the first label
//     of its label-range when it has one), one per other provider router's
//     loopback in ascending address order, over every provider router in
//     the file, so labels do not move when the network changes.
//     For its own loopback it advertises implicit null (php: true) or
//     explicit null (php: false).
//   - The global table holds the router's loopback and its up provider link
//     subnets as connected routes, and every other reachable loopback and
//     advertised provider link subnet as "isis" routes. CE link subnets and
//     customer prefixes are never in it: the core is BGP-free.
//
// Slices of next hops and NHLFEs in the tables may be shared between routes,
// LFIB entries and the FTN: never modify them in place.
package p

import (
	"cmp"
	"math"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// MaxPathMetric is the largest IGP path cost (IS-IS wide metrics, RFC 5305
// section 3.7): a destination whose cheapest path costs more is unreachable.
const MaxPathMetric = 0xFE000000

// noPath marks an unreachable router in a distance vector.
const noPath = math.MaxUint32

// State is what has changed since the file was loaded: links and nodes that
// are down, and metric overrides. The zero State is the network as written.
type State struct {
	LinkDown map[int]bool    // by Link.Index
	NodeDown map[string]bool // by node name
	// Metric overrides Link.Metric, by Link.Index. Values follow the file's
	// rule (1 to 16777215); 0 is taken as 1, since no IGP link is free.
	Metric map[int]uint32
}

// Core is the converged control plane of every provider router.
type Core struct {
	routers []*Router // provider routers in file order
	byName  map[string]*Router
	byLoop  map[netip.Addr]*Router
	rank    []int        // by provider index: the loopback's position in ascending address order
	base    []mpls.Label // by provider index: the router's first LDP label (16, or its label-range)
	byAddr  []int        // provider indices in ascending loopback order
	php     bool
	loHop   []mpls.NextHop // the loopback route's next hop, shared
	links   []link         // the IGP's links
	items   []prefixItem   // every loopback and link subnet, in prefix order
}

// link is a provider link as the IGP sees it.
type link struct {
	a, b   int // provider indices of the two ends
	metric uint32
	up     bool
	noLDP  bool // ldp: false: no LDP session, no label over it
}

// adj is one up IGP adjacency of a router.
type adj struct {
	noLDP  bool // no LDP session with the neighbour over this link
	nbr    int  // provider index of the neighbour
	link   int  // index into the provider link list
	metric uint32
	hop    mpls.NextHop
}

// prefixItem is a prefix the IGP may carry: a loopback or a link subnet.
type prefixItem struct {
	prefix netip.Prefix
	node   int // provider index for a loopback, -1 for a link subnet
	link   int // provider link index for a subnet, -1 for a loopback
}

// Build computes every provider router's converged tables for topology t in
// state st. It never modifies t or st. It runs one shortest-path computation
// per up router, spread over GOMAXPROCS goroutines; the result does not
// depend on how they interleave. Reading the Core it returns is safe from
// any number of goroutines.
func Build(t *topologies.Topology, st State) *Core {
	c := &Core{
		byName: make(map[string]*Router),
		byLoop: make(map[netip.Addr]*Router),
		php:    t.Provider.PHP,
		loHop:  []mpls.NextHop{{Interface: "lo", IfIndex: -1}},
	}
	index := make(map[*topologies.Node]int)
	for _, n := range t.Nodes {
		if !n.IsProvider() {
			continue
		}
		r := &Router{Node: n, Up: !st.NodeDown[n.Name], core: c, idx: len(c.routers), lfib: &mpls.LFIB{}}
		index[n] = r.idx
		first, _, _ := t.LabelBases(n)
		c.base = append(c.base, mpls.Label(first))
		c.routers = append(c.routers, r)
		c.byName[n.Name] = r
		c.byLoop[n.Loopback] = r
	}
	byAddr := make([]int, len(c.routers))
	for i := range byAddr {
		byAddr[i] = i
	}
	slices.SortFunc(byAddr, func(x, y int) int {
		return c.routers[x].Node.Loopback.Compare(c.routers[y].Node.Loopback)
	})
	c.byAddr = byAddr
	c.rank = make([]int, len(c.routers))
	for pos, i := range byAddr {
		c.rank[i] = pos
	}

	// The IGP's links, each router's adjacencies and the prefixes it may carry.
	var links []link
	linkIdx := make(map[*topologies.Link]int)
	items := make([]prefixItem, 0, len(c.routers)+len(t.Links))
	for _, r := range c.routers {
		items = append(items, prefixItem{prefix: netip.PrefixFrom(r.Node.Loopback, 32), node: r.idx, link: -1})
	}
	for _, l := range t.Links {
		a, aok := index[l.A.Node]
		b, bok := index[l.B.Node]
		if !aok || !bok || l.IsAttachment() {
			continue
		}
		m, ok := st.Metric[l.Index]
		if !ok {
			m = l.Metric
		}
		linkIdx[l] = len(links)
		items = append(items, prefixItem{prefix: l.Subnet.Masked(), node: -1, link: len(links)})
		links = append(links, link{a: a, b: b, metric: max(m, 1), noLDP: l.NoLDP,
			up: !st.LinkDown[l.Index] && c.routers[a].Up && c.routers[b].Up})
	}
	slices.SortFunc(items, func(x, y prefixItem) int { return comparePrefix(x.prefix, y.prefix) })
	for _, r := range c.routers {
		for i, ifc := range r.Node.Interfaces {
			li, ok := linkIdx[ifc.Link]
			if !ok || !links[li].up {
				continue
			}
			peer := ifc.Peer()
			r.nbrs = append(r.nbrs, adj{nbr: index[peer.Node], link: li, metric: links[li].metric, noLDP: links[li].noLDP,
				hop: mpls.NextHop{Neighbor: peer.Node.Name, Interface: ifc.Name, IfIndex: i, Addr: peer.Addr.Addr()}})
		}
		slices.SortFunc(r.nbrs, func(x, y adj) int { return cmp.Compare(x.hop.Neighbor, y.hop.Neighbor) })
	}

	c.links, c.items = links, items
	g := newIGPGraph(c.routers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(c.routers)) {
		wg.Go(func() {
			s := newSolver(len(c.routers))
			for i := int(next.Add(1) - 1); i < len(c.routers); i = int(next.Add(1) - 1) {
				if r := c.routers[i]; r.Up {
					s.solve(c, r, path.DijkstraFrom(simple.Node(r.idx), g))
				}
			}
		})
	}
	wg.Wait()
	return c
}

// comparePrefix orders prefixes by address, then length.
func comparePrefix(x, y netip.Prefix) int {
	if c := x.Addr().Compare(y.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(x.Bits(), y.Bits())
}

// Router returns the named provider router (pe, p or rr), down or up; nil
// for a CE or an unknown name.
func (c *Core) Router(name string) *Router { return c.byName[name] }

// RouterByLoopback returns the provider router whose loopback is a, or nil.
func (c *Core) RouterByLoopback(a netip.Addr) *Router { return c.byLoop[a] }

// Routers returns every provider router in file order.
func (c *Core) Routers() []*Router { return c.routers }

// label is the label router r advertises for the loopback of router f.
func (c *Core) label(r, f int) mpls.Label {
	if r == f {
		if c.php {
			return mpls.ImplicitNull
		}
		return mpls.ExplicitNullV4
	}
	l := c.base[r] + mpls.Label(c.rank[f])
	if c.rank[f] > c.rank[r] {
		l--
	}
	return l
}
