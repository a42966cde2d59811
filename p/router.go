package p

import (
	"net/netip"
	"slices"
	"sync"

	"github.com/gaissmai/bart"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// Route protocols.
const (
	ProtoConnected = "connected"
	ProtoISIS      = "isis"
)

// Route is one route of a provider router's global IP table.
type Route struct {
	Prefix netip.Prefix
	Proto  string // ProtoConnected or ProtoISIS
	Metric uint32 // IGP cost; 0 for a connected route
	// NextHops: for a connected route one entry with Neighbor "" and the
	// interface ("lo" with IfIndex -1 for the loopback), Addr invalid; for an
	// isis route every equal-cost next hop, sorted by neighbour name.
	NextHops []mpls.NextHop
}

// Router is one provider router's converged control plane. A down router
// has empty tables.
type Router struct {
	Node *topologies.Node
	Up   bool
	lfib *mpls.LFIB // see LFIB
	core *Core
	idx  int      // provider index
	dist []uint32 // by provider index; noPath when unreachable
	nbrs []adj    // up adjacencies, sorted by neighbour name

	// What solve keeps for the LFIB and the global table: the first-hop
	// sets and, by provider index, the set of each reachable router (-1
	// otherwise); the number of LDP entries and of their NHLFEs.
	sets         []hopSet
	setOf        []int32
	fecs, nhlfes int
	ldpOnce      sync.Once

	// partial holds the FTN choices of the FECs whose LDP entry has an
	// untagged next hop (FTN leaves those out).
	partial map[netip.Addr][]mpls.NHLFE

	routesOnce sync.Once
	routes     []Route
	lpmOnce    sync.Once
	lpm        *bart.Table[*Route]
}

// LFIB returns the router's label forwarding table (a PE adds its VPN
// labels to it). Its LDP entries (Owner "LDP"): for each reachable other
// provider loopback, the router's local label and one NHLFE per
// equal-cost next hop, sorted by neighbour name. An NHLFE's Out is the
// next hop's label for the FEC, or empty when the next hop is the egress
// and advertised implicit null. Op is OpSwap when any NHLFE has a label,
// else OpPop; an entry may mix both only when the egress is one of
// several equal-cost next hops, and then an NHLFE with an empty Out pops
// on that branch (replace the top label by Out, that is by nothing).
// Reserved labels are never in it: the data plane handles explicit null.
//
// The LDP entries are made on first use (a network of a thousand P routers
// has a million of them, and most routers never forward a packet in a
// run); LFIB is safe for concurrent use.
func (r *Router) LFIB() *mpls.LFIB {
	r.ldpOnce.Do(func() {
		if r.setOf != nil {
			r.ldp()
		}
	})
	return r.lfib
}

// FTN returns the NHLFEs an ingress uses toward the provider loopback fec:
// the NHLFEs of the LFIB's LDP entry for that FEC (Out is the label to
// push, empty when the next hop is the egress with PHP), the untagged ones
// left out. It is nil when fec is unreachable, the router's own or no
// provider loopback, or when no next hop toward it has a label. The slice
// is shared: never modify it.
func (r *Router) FTN(fec netip.Addr) []mpls.NHLFE {
	c := r.core
	o := c.byLoop[fec]
	if o == nil || o == r || r.dist == nil || r.dist[o.idx] == noPath {
		return nil
	}
	lfib := r.LFIB() // and r.partial
	if nh, ok := r.partial[fec]; ok {
		return nh
	}
	e := lfib.Lookup(c.label(r.idx, o.idx))
	if e == nil || e.Owner != "LDP" {
		return nil
	}
	return e.NextHops
}

// Routes returns the global IP table, sorted by prefix (address, then
// length); nil for a down router. It is built on first use (a network of
// a thousand routers holds a route to every loopback and link subnet on
// every router: most are never read) and is safe for concurrent use.
func (r *Router) Routes() []Route {
	r.routesOnce.Do(r.buildRoutes)
	return r.routes
}

// Dist returns the IGP cost from the router to the named provider router,
// and whether that router is reachable.
func (r *Router) Dist(name string) (uint32, bool) {
	o := r.core.byName[name]
	if o == nil || r.dist == nil || r.dist[o.idx] == noPath {
		return 0, false
	}
	return r.dist[o.idx], true
}

// Neighbors returns the router's IGP and LDP adjacencies (its up provider
// links to up routers), sorted by neighbour name.
func (r *Router) Neighbors() []mpls.NextHop {
	out := make([]mpls.NextHop, len(r.nbrs))
	for i, a := range r.nbrs {
		out[i] = a.hop
	}
	return out
}

// LDPNeighbors are the up adjacencies an LDP session runs over (not the
// links with ldp: false), sorted by neighbour name.
func (r *Router) LDPNeighbors() []mpls.NextHop {
	var out []mpls.NextHop
	for _, a := range r.nbrs {
		if !a.noLDP {
			out = append(out, a.hop)
		}
	}
	return out
}

// Route returns the route for exactly prefix p, or nil.
func (r *Router) Route(p netip.Prefix) *Route {
	routes := r.Routes()
	i, ok := slices.BinarySearchFunc(routes, p, func(x Route, p netip.Prefix) int { return comparePrefix(x.Prefix, p) })
	if !ok {
		return nil
	}
	return &routes[i]
}

// Lookup returns the longest-prefix match for dst in the global table, or
// nil. The lookup table is built on first use; Lookup is safe for
// concurrent use.
func (r *Router) Lookup(dst netip.Addr) *Route {
	r.lpmOnce.Do(func() {
		r.lpm = new(bart.Table[*Route])
		routes := r.Routes()
		for i := range routes {
			r.lpm.Insert(routes[i].Prefix, &routes[i])
		}
	})
	rt, _ := r.lpm.Lookup(dst)
	return rt
}

// LocalLabel returns the label this router allocates for the loopback FEC
// fec: implicit null (3) or explicit null (0) for its own loopback, else its
// fixed allocation, whether or not the FEC is reachable now. ok is false
// when fec is no provider router's loopback.
func (r *Router) LocalLabel(fec netip.Addr) (l mpls.Label, ok bool) {
	o := r.core.byLoop[fec]
	if o == nil {
		return 0, false
	}
	return r.core.label(r.idx, o.idx), true
}

// Binding is what LDP holds for one FEC: the local label and, with liberal
// retention, the label each LDP neighbour advertised.
type Binding struct {
	FEC    netip.Prefix // a provider loopback /32
	Local  mpls.Label
	Remote []RemoteBinding // sorted by neighbour name
}

// RemoteBinding is the label one neighbour advertised for a FEC.
type RemoteBinding struct {
	Neighbor string
	Label    mpls.Label
}

// Bindings returns the router's LDP bindings for `show ldp`: one per FEC
// it can reach (its own loopback included), in ascending address order.
// Every neighbour advertises a label for each of them, since a neighbour
// reaches what the router reaches.
func (r *Router) Bindings() []Binding {
	if !r.Up {
		return nil
	}
	c := r.core
	var out []Binding
	for _, f := range c.byAddr {
		if r.dist[f] == noPath {
			continue
		}
		b := Binding{FEC: netip.PrefixFrom(c.routers[f].Node.Loopback, 32), Local: c.label(r.idx, f)}
		for _, a := range r.nbrs {
			if a.noLDP {
				continue // no LDP session over that link
			}
			b.Remote = append(b.Remote, RemoteBinding{Neighbor: a.hop.Neighbor, Label: c.label(a.nbr, f)})
		}
		out = append(out, b)
	}
	return out
}
