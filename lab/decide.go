package lab

import (
	"errors"
	"sync"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vpnpolicy"
	"github.com/vpnsim/vpnsim/vrf"
)

// BGP decisions as real routers make them. GoBGP is the session and wire
// engine; the decision process is the model's (package vrf's CompareBGP:
// RFC 4271 section 9.1.2 with RFC 4456 section 9), because only the model
// knows the IGP: which next hops resolve and at what cost.
//
//   - A route reflector (bgp.SpeakerConfig.Decides) keeps what it receives
//     in its Adj-RIB-In. After each settle, reflect runs its decision per
//     RD and prefix over the paths that are candidates (RFC 4271 section
//     9.1.2.1: the next hop resolves in the reflector's IGP; RFC 4456
//     section 8: not its own ORIGINATOR_ID, not its own CLUSTER_ID), with
//     the reflector's IGP cost to each next hop, and has the speaker send
//     the winner on unchanged (bgp.Speaker.Reflect). So the reflector picks
//     the PE nearest to it, as IOS, Junos and FRR do, and a path whose next
//     hop is outside the model never displaces one that works.
//   - A PE decides per VRF and prefix (computePE): a path is a candidate
//     when an LSP reaches its next hop (RFC 4364 section 4.3.2), with the
//     PE's IGP cost to it. Its VPNv4 table marks as best (">") the path the
//     same decision picks per RD and prefix, so the table and forwarding
//     agree.
//
// The cost: one Adj-RIB-In listing per reflector in each round in which
// something reached it (control.rrSeen), and one more settle per
// convergence (PEs advertise; once that has settled, reflectors decide and
// reflect; PEs install). docs/performance.md has the figures.

// rrCandidate turns a path a reflector received (not its own coming
// back: decideRR leaves those out) into a route for the decision process,
// and reports whether it is a candidate at all.
func (c *control) rrCandidate(n *topologies.Node, p bgp.VPNPath) (vrf.Route, bool) {
	nh := c.l.NodeByLoopback(p.NextHop)
	r := c.l.Core.Router(n.Name)
	if nh == "" || r == nil {
		return vrf.Route{}, false
	}
	cost, ok := r.Dist(nh)
	if !ok {
		return vrf.Route{}, false // RFC 4271 section 9.1.2.1: the next hop does not resolve
	}
	return vpnpolicy.ReceivedRoute(p, nh, cost), true
}

// rrTable is one reflector's BGP table as it would print it: what it
// received (its own routes coming back left out), with the best path of
// each RD and prefix marked.
type rrTable struct {
	paths []bgp.VPNPath
	valid []bool // a candidate (next hop resolves)
	best  []bool
}

// decideRR reads reflector n's Adj-RIB-In and runs its decision.
func (c *control) decideRR(n *topologies.Node) (rrTable, error) {
	all, err := c.vpn[n.Name].AdjRIBInVPNv4()
	if err != nil {
		return rrTable{}, err
	}
	var t rrTable
	t.paths = all[:0] // in place: the listing is the reflector's whole Adj-RIB-In
	for _, p := range all {
		if p.OriginatorID == n.Loopback || p.HasCluster(n.Loopback) {
			continue
		}
		t.paths = append(t.paths, p)
	}
	clear(all[len(t.paths):])
	t.valid = make([]bool, len(t.paths))
	t.best = make([]bool, len(t.paths))
	// One destination at a time: the routes compared are never all held.
	var buf []vrf.Route
	var routes []*vrf.Route
	for i := 0; i < len(t.paths); {
		j := i + 1
		for j < len(t.paths) && t.paths[j].RD == t.paths[i].RD && t.paths[j].Prefix == t.paths[i].Prefix {
			j++
		}
		buf, routes = buf[:0], routes[:0]
		for k := i; k < j; k++ {
			r, ok := c.rrCandidate(n, t.paths[k])
			buf = append(buf, r)
			t.valid[k] = ok
		}
		for k := range buf {
			routes = append(routes, &buf[k])
		}
		markBest(t.paths[i:j], routes, t.valid[i:j], t.best[i:j])
		i = j
	}
	return t, nil
}

// markBest sets best for the winner of each RD and prefix among the valid
// paths (sorted by RD and prefix, so each destination is one run).
func markBest(paths []bgp.VPNPath, routes []*vrf.Route, valid, best []bool) {
	for i := 0; i < len(paths); {
		j, b := i, -1
		for ; j < len(paths) && paths[j].RD == paths[i].RD && paths[j].Prefix == paths[i].Prefix; j++ {
			if valid[j] && (b < 0 || vrf.Compare(routes[j], routes[b]) < 0) {
				b = j
			}
		}
		if b >= 0 {
			best[b] = true
		}
		i = j
	}
}

// reflected is what one reflector sends: its chosen path per RD and
// prefix, as the peer it came from and its fingerprint (not the path: a
// reflector of the 100 000-route network sends 100 000 of them).
type reflected map[vpnKey]rrChoice

type rrChoice struct {
	from string
	fp   bgp.Fingerprint
}

// reflect runs every route reflector's decision and brings what each
// sends to its choice; it reports whether anything changed. Reflectors are
// independent speakers, so they decide at the same time.
func (c *control) reflect() (bool, error) {
	var rrs []*topologies.Node
	for _, n := range c.l.Topo.Nodes {
		if n.Role == topologies.RoleRR {
			rrs = append(rrs, n)
		}
	}
	changed := make([]bool, len(rrs))
	errs := make([]error, len(rrs))
	outs := make([]reflected, len(rrs))
	gens := make([]uint64, len(rrs))
	var wg sync.WaitGroup
	for i, n := range rrs {
		sp := c.vpn[n.Name]
		if sp == nil {
			continue
		}
		// Read before the listing: what arrives during it changes the
		// generation, and the next round reads again.
		gens[i] = sp.RIBInGen()
		if seen, ok := c.rrSeen[n.Name]; ok && seen == gens[i] {
			outs[i] = c.advRR[n.Name] // nothing reached it: the same choice
			continue
		}
		wg.Go(func() { outs[i], changed[i], errs[i] = c.reflectRR(n) })
	}
	wg.Wait()
	any := false
	for i, n := range rrs {
		if errs[i] == nil {
			c.advRR[n.Name] = outs[i]
			if c.rrSeen != nil && c.vpn[n.Name] != nil {
				c.rrSeen[n.Name] = gens[i]
			}
		}
		any = any || changed[i]
	}
	return any, errors.Join(errs...)
}

func (c *control) reflectRR(n *topologies.Node) (reflected, bool, error) {
	have := c.advRR[n.Name]
	want := make(reflected, len(have))
	var adds []bgp.VPNPath // in RD and prefix order, as decideRR sorts them
	if !c.l.state.NodeDown[n.Name] {
		t, err := c.decideRR(n)
		if err != nil {
			return have, false, err
		}
		for i, p := range t.paths {
			if !t.best[i] {
				continue
			}
			k := vpnKey{p.RD, p.Prefix}
			w := rrChoice{from: p.FromPeer, fp: p.Fingerprint()}
			want[k] = w
			if h, ok := have[k]; !ok || h != w {
				adds = append(adds, p)
			}
		}
	}
	sp := c.vpn[n.Name]
	changed := false
	gone := map[vpnKey]bool{}
	for k := range have {
		if _, ok := want[k]; !ok {
			gone[k] = true
		}
	}
	for _, k := range sortedKeys(gone) {
		if err := sp.DeleteVPNv4(k.rd, k.prefix); err != nil {
			return have, changed, err
		}
		changed = true
	}
	if len(adds) > 0 {
		if err := sp.Reflect(adds...); err != nil {
			return have, changed, err
		}
		changed = true
	}
	return want, changed, nil
}

// VPNTable returns node's VPNv4 BGP table as the router prints it, sorted
// by RD, prefix and peer, with best marking the path its decision picks
// (the one forwarding uses) and valid the candidates (next hop resolves).
// A route reflector's table is what it received; a PE's is its RIB.
func (l *Lab) VPNTable(node string) (paths []bgp.VPNPath, valid, best []bool, err error) {
	n := l.Topo.Node(node)
	sp := l.ctl.vpn[node]
	if n == nil || sp == nil {
		return nil, nil, nil, nil
	}
	if n.Role == topologies.RoleRR {
		t, err := l.ctl.decideRR(n)
		return t.paths, t.valid, t.best, err
	}
	paths, err = sp.VPNv4RIB()
	if err != nil {
		return nil, nil, nil, err
	}
	valid = make([]bool, len(paths))
	best = make([]bool, len(paths))
	routes := make([]*vrf.Route, len(paths))
	for i, p := range paths {
		routes[i], valid[i] = l.ctl.peCandidate(n, p)
	}
	markBest(paths, routes, valid, best)
	return paths, valid, best, nil
}

// peCandidate turns a path in a PE's RIB into a route for the decision
// process: a local path is the PE's own export (it wins, as a locally
// originated path does, RFC 4271 section 9.1.2.2 by weight in IOS); a
// received one is a candidate when an LSP reaches its next hop.
func (c *control) peCandidate(n *topologies.Node, p bgp.VPNPath) (*vrf.Route, bool) {
	if p.FromPeer == "" {
		return &vrf.Route{Prefix: p.Prefix, Proto: vrf.Static, RD: p.RD, NextHop: p.NextHop}, true
	}
	x := c.l.pes[n.Name]
	if x == nil || p.NextHop == n.Loopback || len(x.Tables.FTN(p.NextHop)) == 0 {
		return nil, false
	}
	remote := c.l.NodeByLoopback(p.NextHop)
	cost, _ := x.Tables.Dist(remote)
	return vpnpolicy.Received(p, remote, cost), true
}

// bestReasons says, for each best path, why it won: the step of the
// decision at which it beats the runner-up of its RD and prefix, "only
// path" when no other path was a candidate. It runs the same candidates as
// the decision (for the tables only, never during convergence).
//
// It also gives each received candidate's IGP metric to its next hop.
func (c *control) bestReasons(n *topologies.Node, paths []bgp.VPNPath, valid, best []bool) (reasons []string, metric []uint32) {
	routes := make([]*vrf.Route, len(paths))
	for i, p := range paths {
		if n.Role == topologies.RoleRR {
			if r, ok := c.rrCandidate(n, p); ok {
				routes[i] = &r
			}
		} else {
			routes[i], _ = c.peCandidate(n, p)
		}
	}
	out := make([]string, len(paths))
	metric = make([]uint32, len(paths))
	for i, r := range routes {
		if r != nil && paths[i].FromPeer != "" {
			metric[i] = r.IGPCost
		}
	}
	for i := 0; i < len(paths); {
		j, b, second := i, -1, -1
		for ; j < len(paths) && paths[j].RD == paths[i].RD && paths[j].Prefix == paths[i].Prefix; j++ {
			if best[j] {
				b = j
			}
		}
		for k := i; k < j; k++ {
			if k != b && valid[k] && (second < 0 || vrf.Compare(routes[k], routes[second]) < 0) {
				second = k
			}
		}
		switch {
		case b < 0:
		case second < 0:
			out[b] = "only path"
		default:
			out[b] = vrf.Deciding(routes[b], routes[second])
		}
		i = j
	}
	return out, metric
}
