package gen

import (
	"fmt"

	"github.com/vpnsim/vpnsim/topologies"
)

// Limits of Synthetic.
const (
	MaxSyntheticP   = 10000
	MaxSyntheticPEs = 1000
	MaxSyntheticRRs = 100
)

// The range of the metrics Synthetic gives core links.
const (
	minCoreMetric = 10
	maxCoreMetric = 100
)

// SyntheticOptions says what network Synthetic makes. The zero value is
// not useful; DefaultSyntheticOptions gives the command's defaults.
type SyntheticOptions struct {
	P        int // P routers in the core, at least 1
	PEs      int // provider edge routers
	RRs      int // route reflectors
	VRFs     int // customers, one VRF each
	VRFPEs   int // PEs each customer is on (at most; see the package documentation)
	Sites    int // sites (CEs) per customer
	Prefixes int // LAN prefixes per site
	Seed     uint64
}

// DefaultSyntheticOptions returns the options of vpnsim gen when no flag
// is given: 10 P routers, 4 PEs, 1 route reflector, 2 customers each on 3
// PEs with 3 sites of 1 prefix, seed 1.
func DefaultSyntheticOptions() SyntheticOptions {
	return SyntheticOptions{P: 10, PEs: 4, RRs: 1, VRFs: 2, VRFPEs: 3, Sites: 3, Prefixes: 1, Seed: 1}
}

// Synthetic makes a provider network of the size opts gives. The core is
// P1 to Pn in a ring plus n/4 chords between routers picked at random
// (never neighbours on the ring, never twice the same pair), every core
// link with a random metric from 10 to 100; all of it comes from a source
// seeded with opts.Seed, so the same options give the same bytes. PE j
// (from 0) attaches to P router j·n/PEs (from 0) and route reflector j to
// P router (2j+1)·n/(2·RRs), spreading both over the ring. Customers and
// addresses are as the package documentation describes.
func Synthetic(opts SyntheticOptions) ([]byte, error) {
	cust := customers{vrfs: opts.VRFs, sites: opts.Sites, prefixes: opts.Prefixes, vrfPEs: opts.VRFPEs}
	switch {
	case opts.P < 1 || opts.P > MaxSyntheticP:
		return nil, fmt.Errorf("--p %d: the core needs 1 to %d P routers", opts.P, MaxSyntheticP)
	case opts.PEs < 0 || opts.PEs > MaxSyntheticPEs:
		return nil, fmt.Errorf("--pe %d: give 0 to %d PEs", opts.PEs, MaxSyntheticPEs)
	case opts.RRs < 0 || opts.RRs > MaxSyntheticRRs:
		return nil, fmt.Errorf("--rr %d: give 0 to %d route reflectors (0: the PEs peer in a full mesh)", opts.RRs, MaxSyntheticRRs)
	case opts.VRFs > 0 && opts.VRFPEs < 1:
		return nil, fmt.Errorf("--vrf-pes %d: each customer is on at least 1 PE", opts.VRFPEs)
	}
	if err := cust.check(opts.PEs, "--pe"); err != nil {
		return nil, err
	}

	n := opts.P
	nw := &network{name: "synthetic"}
	nw.header = []string{
		"A synthetic MPLS IP-VPN provider network.",
		fmt.Sprintf("Made by: vpnsim gen --p %d --pe %d --rr %d --vrfs %d --vrf-pes %d --sites %d --prefixes %d --seed %d",
			opts.P, opts.PEs, opts.RRs, opts.VRFs, opts.VRFPEs, opts.Sites, opts.Prefixes, opts.Seed),
	}
	nw.description = fmt.Sprintf("Synthetic provider: %s in a ring with chords, %s, %s, %s",
		plural(n, "P router"), plural(opts.PEs, "PE"), plural(opts.RRs, "route reflector"), customerSummary(cust))
	pes, rrs, ps := routerNames("PE", opts.PEs), routerNames("RR", opts.RRs), routerNames("P", n)
	i := 0
	for _, group := range []struct {
		names   []string
		role    topologies.Role
		comment string
	}{
		{pes, topologies.RolePE, "provider edge routers"},
		{rrs, topologies.RoleRR, "route reflectors"},
		{ps, topologies.RoleP, "the core"},
	} {
		for j, x := range group.names {
			nd := node{name: x, role: group.role, loopback: loopback(i)}
			if j == 0 {
				nd.comment = group.comment
			}
			nw.nodes = append(nw.nodes, nd)
			i++
		}
	}

	for j, x := range pes {
		l := link{a: x, b: ps[j*n/len(pes)]}
		if j == 0 {
			l.comment = "each PE hangs off one P router, spread over the ring"
		}
		nw.links = append(nw.links, l)
	}
	for j, x := range rrs {
		l := link{a: x, b: ps[(2*j+1)*n/(2*len(rrs))]}
		if j == 0 {
			l.comment = "each route reflector hangs off one P router"
		}
		nw.links = append(nw.links, l)
	}
	rng := newRand(opts.Seed)
	metric := func() int { return minCoreMetric + rng.IntN(maxCoreMetric-minCoreMetric+1) }
	joined := map[[2]int]bool{}
	join := func(a, b int) {
		joined[[2]int{min(a, b), max(a, b)}] = true
		nw.links = append(nw.links, link{a: ps[a], b: ps[b], metric: metric()})
	}
	first := len(nw.links)
	for a := range n {
		if b := (a + 1) % n; b != a && !joined[[2]int{min(a, b), max(a, b)}] {
			join(a, b)
		}
	}
	if len(nw.links) > first {
		nw.links[first].comment = fmt.Sprintf("the ring, then %d chords; metrics %d to %d", n/4, minCoreMetric, maxCoreMetric)
	}
	// Chords need a pair that is neither the same router nor neighbours,
	// which every n ≥ 4 has; the tries are bounded all the same.
	for added, tries := 0, 0; added < n/4 && tries < 100*n; tries++ {
		a, b := rng.IntN(n), rng.IntN(n)
		if d := (b - a + n) % n; d <= 1 || d == n-1 || joined[[2]int{min(a, b), max(a, b)}] {
			continue
		}
		join(a, b)
		added++
	}
	nw.addCustomers(pes, cust)
	return nw.write(), nil
}
