// Package lab is a running network built from a topology: it assembles the
// wire (sim), the routers (p, pe, ce) and their BGP speakers (bgp), drives
// the control plane to convergence after every change, and offers what a
// user does with a network: ping, traceroute, table lookups, failures.
//
// A Lab is used from one goroutine at a time.
package lab

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/ce"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/pe"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Options tune a Lab.
type Options struct {
	Logger  *slog.Logger // nil: discard
	Verbose bool         // BGP speakers' warnings and errors reach Logger
	// NoRIBAudit skips the last step of every BGP settle check, which
	// compares each session's Adj-RIB-Out with its peer's Adj-RIB-In (see
	// bgp.Options): faster on large networks, blind to a GoBGP
	// inconsistency.
	NoRIBAudit bool
	// Progress, when set, hears of each step of a convergence as it ends
	// ("BGP settled", "VRFs computed", ...) and how long it took.
	Progress func(step string, took time.Duration)
}

// Lab is one simulated network.
type Lab struct {
	Topo *topologies.Topology
	Net  *sim.Network
	Core *p.Core

	wantOnce        sync.Once // VPNProgress's expected counts, once
	wantRR, wantPEs uint64

	state p.State
	mtu   map[int]int // link index -> an MTU a change set
	nodes map[string]*sim.Node
	lsrs  map[string]*p.LSR // every provider router (a PE's LSR too)
	pes   map[string]*pe.PE
	ces   map[string]*ce.CE

	ctl   *control
	probe uint32
	obs   multiObserver
	notes int // observers that want the nodes' decisions
}

// InputError is a network the file describes but vpnsim cannot build (a
// label range too small for the PE's VPN labels): bad input, with the
// file's position.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

// New builds the network of t: nodes, interfaces and links, and the BGP
// speakers and sessions. It does not converge: call Start.
func New(t *topologies.Topology, opts Options) (*Lab, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Lab{Topo: t, Net: sim.New(),
		nodes: map[string]*sim.Node{}, lsrs: map[string]*p.LSR{}, pes: map[string]*pe.PE{}, ces: map[string]*ce.CE{},
		state: p.State{LinkDown: map[int]bool{}, NodeDown: map[string]bool{}, Metric: map[int]uint32{}}}
	for _, n := range t.Nodes {
		sn := l.Net.AddNode(n.Name)
		for _, ifc := range n.Interfaces {
			i := sn.AddIface(ifc.Name)
			if ifc.Addr.IsValid() {
				i.SetAddr(ifc.Addr)
			}
			// an attachment's dot1q tag; a PE's EVPN attachment is a
			// bridge port, which takes whole frames and checks the tag
			// itself
			if ifc.Link.IsEVPN() && n.Role == topologies.RolePE {
				i.Bridge = true
			} else {
				i.VLAN = ifc.Link.VLAN
			}
		}
		l.nodes[n.Name] = sn
	}
	for _, lk := range t.Links {
		a := l.nodes[lk.A.Node.Name].Ifaces[ifIndex(lk.A)]
		b := l.nodes[lk.B.Node.Name].Ifaces[ifIndex(lk.B)]
		l.Net.Connect(a, b, lk.Delay).MTU = lk.MTU
	}
	ttl := t.Provider.TTLPropagation
	for _, n := range t.Nodes {
		sn := l.nodes[n.Name]
		switch n.Role {
		case topologies.RolePE:
			x := pe.New(sn, n, t, pe.VRFsOf(t, n))
			sn.Handler = x
			l.pes[n.Name] = x
			l.lsrs[n.Name] = x.LSR
		case topologies.RoleP, topologies.RoleRR:
			x := p.NewLSR(sn, n, ttl)
			sn.Handler = x
			l.lsrs[n.Name] = x
		case topologies.RoleCE:
			x := ce.New(sn, n)
			sn.Handler = x
			l.ces[n.Name] = x
		}
	}
	ctl, err := newControl(l, opts)
	if err != nil {
		return nil, err
	}
	l.ctl = ctl
	l.Net.Observer = &l.obs
	return l, nil
}

func ifIndex(ifc *topologies.Interface) int {
	return slices.Index(ifc.Node.Interfaces, ifc)
}

// Close stops the BGP speakers.
func (l *Lab) Close() error { return l.ctl.close() }

// Start converges the network as the file describes it.
func (l *Lab) Start(ctx context.Context) error { return l.Converge(ctx) }

// Converge recomputes the IGP and LDP, brings BGP sessions to what the
// network allows, and waits until every speaker and VRF has settled. ctx
// bounds the wait (a scenario's settle).
func (l *Lab) Converge(ctx context.Context) error {
	for _, n := range l.Net.Nodes {
		if down := l.state.NodeDown[n.Name]; down != n.Down {
			// its links go down or come up: every interface on them
			// forgets its neighbours, as at an interface state change
			for _, i := range n.Ifaces {
				if i.Link != nil {
					i.FlushARP()
					i.Peer().FlushARP()
				}
			}
		}
	}
	for _, lk := range l.Net.Links {
		if down := l.state.LinkDown[lk.Index]; down != lk.Down {
			lk.A.FlushARP()
			lk.B.FlushARP()
		}
		lk.Down = l.state.LinkDown[lk.Index]
		lk.MTU = l.Topo.Links[lk.Index].MTU
		if m, ok := l.mtu[lk.Index]; ok {
			lk.MTU = m
		}
	}
	for _, n := range l.Net.Nodes {
		n.Down = l.state.NodeDown[n.Name]
	}
	for _, lk := range l.Topo.Links {
		// what the control plane's sessions across a link taught both ends
		// (sim.Link.Resolve): LDP on a provider link, eBGP on an attachment
		if lk.IsAttachment() && lk.Routing == topologies.RoutingEBGP || lk.IsProviderLink() && !lk.NoLDP {
			l.Net.Links[lk.Index].Resolve()
		}
	}
	t0 := time.Now()
	l.Core = p.Build(l.Topo, l.state)
	for name, x := range l.lsrs {
		x.Tables = l.Core.Router(name)
	}
	l.ctl.progress("IGP and LDP computed", time.Since(t0))
	return l.ctl.converge(ctx)
}

// FailLink takes the link between two nodes down.
func (l *Lab) FailLink(a, b string) error { return l.setLink(a, b, true) }

// RestoreLink brings the link between two nodes back.
func (l *Lab) RestoreLink(a, b string) error { return l.setLink(a, b, false) }

func (l *Lab) setLink(a, b string, down bool) error {
	lk := l.Topo.Between(a, b)
	if lk == nil {
		return fmt.Errorf("no link between %s and %s", a, b)
	}
	if down {
		l.state.LinkDown[lk.Index] = true
	} else {
		delete(l.state.LinkDown, lk.Index)
	}
	return nil
}

// FailNode takes a node down with all its links and sessions.
func (l *Lab) FailNode(name string) error { return l.setNode(name, true) }

// RestoreNode brings a node back.
func (l *Lab) RestoreNode(name string) error { return l.setNode(name, false) }

func (l *Lab) setNode(name string, down bool) error {
	if l.Topo.Node(name) == nil {
		return fmt.Errorf("no node %s", name)
	}
	if down {
		l.state.NodeDown[name] = true
	} else {
		delete(l.state.NodeDown, name)
	}
	return nil
}

// SetMetric sets a provider link's IGP metric.
func (l *Lab) SetMetric(a, b string, metric uint32) error {
	lk := l.Topo.Between(a, b)
	if lk == nil {
		return fmt.Errorf("no link between %s and %s", a, b)
	}
	if !lk.IsProviderLink() {
		return fmt.Errorf("%s–%s is an attachment circuit; only provider links have a metric", a, b)
	}
	l.state.Metric[lk.Index] = metric
	return nil
}

// SetMTU sets a link's MTU (topology link key mtu), as `mtu` on both its
// interfaces does.
func (l *Lab) SetMTU(a, b string, mtu int) error {
	lk := l.Topo.Between(a, b)
	if lk == nil {
		return fmt.Errorf("no link between %s and %s", a, b)
	}
	if mtu < topologies.MinMTU || mtu > topologies.MaxMTU {
		return fmt.Errorf("mtu %d: give %d to %d bytes", mtu, topologies.MinMTU, topologies.MaxMTU)
	}
	if l.mtu == nil {
		l.mtu = map[int]int{}
	}
	l.mtu[lk.Index] = mtu
	return nil
}

// setRouteTarget adds or removes a route target of one PE's VRF, as the
// PE's configuration would, and brings its sessions' route-target filters
// along (the PE's VRFs may now import other routes).
func (l *Lab) setRouteTarget(c network.Change) error {
	x := l.pes[c.Node]
	if x == nil {
		return fmt.Errorf("%s is not a PE: only a PE holds VRFs", c.Node)
	}
	v := x.VRF(c.VRF)
	if v == nil {
		return fmt.Errorf("%s has no VRF %s", c.Node, c.VRF)
	}
	rt, err := vrf.ParseRouteTarget(c.RT)
	if err != nil {
		return err
	}
	if !c.Import && !c.Export {
		return fmt.Errorf("route-target %s: say import, export or both", c.RT)
	}
	edit := func(rts []vrf.RouteTarget) []vrf.RouteTarget {
		rts = slices.DeleteFunc(slices.Clone(rts), func(r vrf.RouteTarget) bool { return r == rt })
		if !c.Remove {
			rts = append(rts, rt)
			slices.SortFunc(rts, vrf.RouteTarget.Compare)
		}
		return rts
	}
	if c.Import {
		v.Import = edit(v.Import)
	}
	if c.Export {
		v.Export = edit(v.Export)
	}
	return l.ctl.refilter(c.Node)
}

// PE returns the named PE, or nil.
func (l *Lab) PE(name string) *pe.PE { return l.pes[name] }

// CE returns the named CE, or nil.
func (l *Lab) CE(name string) *ce.CE { return l.ces[name] }

// LSR returns the named provider router's data plane, or nil.
func (l *Lab) LSR(name string) *p.LSR { return l.lsrs[name] }

// NodeByLoopback names the provider router with that loopback, or "".
func (l *Lab) NodeByLoopback(a netip.Addr) string {
	if r := l.Core.RouterByLoopback(a); r != nil {
		return r.Node.Name
	}
	return ""
}

// VRF returns node's VRF by name: nil and false when the node has none by
// that name (P, RR and CE nodes never do).
func (l *Lab) VRF(node, name string) (*vrf.VRF, bool) {
	x := l.pes[node]
	if x == nil {
		return nil, false
	}
	v := x.VRF(name)
	return v, v != nil
}

// Speakers exposes the BGP fabric for tables and tests.
func (l *Lab) Fabric() *bgp.Fabric { return l.ctl.fabric }

// VPNProgress is how far the VPN routes have spread while the network
// converges, for a progress line (VPNProgress).
type VPNProgress struct {
	// RR is the first route reflector in file order.
	RR string
	// RRReceived counts the UPDATEs RR received from PEs; RRWant is the
	// VPN destinations (RD and prefix) it holds once converged: every
	// attachment subnet and CE LAN under the RD of its PE's VRF (several
	// PEs sharing an RD make one destination).
	RRReceived, RRWant uint64
	// PEsReceived counts the UPDATEs the PEs received from the reflectors;
	// PEsWant is what a first convergence sends them: each reflector sends
	// each destination to every PE that imports it (by route target), the
	// one it came from included (bgp's decide.go: the reflector sends a
	// path back to its client, which drops it by its ORIGINATOR_ID).
	PEsReceived, PEsWant uint64
}

// VPNProgress says how far the VPN routes have spread. On a first
// convergence each route is one UPDATE, so the counts reach what is
// wanted; after a change they count withdrawals and replacements too. It
// reads the relays' counters only, never a speaker's table: asking GoBGP
// would queue behind the very work it reports on. ok is false when the
// network has no route reflector (in a full mesh no one place sees
// everything).
func (l *Lab) VPNProgress() (p VPNProgress, ok bool) {
	var rrs []string
	for _, n := range l.Topo.Nodes {
		if n.Role == topologies.RoleRR {
			rrs = append(rrs, n.Name)
		}
	}
	if len(rrs) == 0 || l.ctl == nil {
		return p, false
	}
	p.RR = rrs[0]
	l.wantOnce.Do(func() { l.wantRR, l.wantPEs = l.progressWants(len(rrs)) })
	p.RRWant, p.PEsWant = l.wantRR, l.wantPEs
	for _, x := range l.ctl.ibgp {
		st := x.s.State()
		for _, d := range []struct {
			from, to string
			n        uint64
		}{{x.a, x.b, st.RouteUpdatesAToB}, {x.b, x.a, st.RouteUpdatesBToA}} {
			switch {
			case d.to == p.RR && l.pes[d.from] != nil:
				p.RRReceived += d.n
			case l.pes[d.to] != nil && slices.Contains(rrs, d.from):
				p.PEsReceived += d.n
			}
		}
	}
	return p, true
}

// progressWants computes VPNProgress's RRWant and PEsWant, for a network
// of rrs reflectors.
func (l *Lab) progressWants(rrs int) (rr, pes uint64) {
	type dest struct {
		rd vrf.RD
		p  netip.Prefix
	}
	origin := map[dest]string{}
	exports := map[dest][]vrf.RouteTarget{}
	for _, ln := range l.Topo.Links {
		if !ln.IsAttachment() {
			continue
		}
		ce, pn := ln.AttachmentEnds()
		x := l.pes[pn.Name]
		if x == nil || x.VRF(ln.VRF) == nil {
			continue
		}
		v := x.VRF(ln.VRF)
		for _, p := range append([]netip.Prefix{ln.Subnet}, ce.LANs...) {
			d := dest{v.RD, p}
			if _, ok := origin[d]; !ok {
				origin[d] = pn.Name
			}
			exports[d] = append(exports[d], l.Topo.VRF(ln.VRF).Export...)
		}
	}
	imports := map[string][]vrf.RouteTarget{}
	for name := range l.pes {
		imports[name] = l.ctl.imports(name)
	}
	for d := range origin {
		for _, im := range imports {
			if slices.ContainsFunc(exports[d], func(rt vrf.RouteTarget) bool { return slices.Contains(im, rt) }) {
				pes += uint64(rrs)
			}
		}
	}
	return uint64(len(origin)), pes
}

var _ network.Network = (*Lab)(nil)

// Nodes lists the network's routers in file order.
func (l *Lab) Nodes() []network.Node {
	out := make([]network.Node, len(l.Topo.Nodes))
	for i, n := range l.Topo.Nodes {
		out[i] = network.Node{Name: n.Name, Role: string(n.Role)}
	}
	return out
}

// Change applies a failure, a repair or a metric and converges; ctx bounds
// the convergence.
func (l *Lab) Change(ctx context.Context, c network.Change) error {
	var err error
	switch {
	case c.Kind == network.Metric:
		err = l.SetMetric(c.Link[0], c.Link[1], c.Value)
	case c.Kind == network.MTU:
		err = l.SetMTU(c.Link[0], c.Link[1], int(c.Value))
	case c.Kind == network.RouteTarget:
		err = l.setRouteTarget(c)
	case c.Kind != network.Fail && c.Kind != network.Restore:
		err = fmt.Errorf("no change %q: choose fail, restore, metric or mtu", c.Kind)
	case c.IsLink():
		err = l.setLink(c.Link[0], c.Link[1], c.Kind == network.Fail)
	default:
		err = l.setNode(c.Node, c.Kind == network.Fail)
	}
	if err != nil {
		return err
	}
	return l.Converge(ctx)
}

// LinkState is what a drawing shows of link lk: failed (by a fail of
// the link itself; a failed end node is NodeDown's) and its IGP metric now
// (a metric change's, else the file's).
func (l *Lab) LinkState(lk *topologies.Link) (failed bool, metric uint32) {
	failed = l.state.LinkDown[lk.Index]
	metric = lk.Metric
	if m, ok := l.state.Metric[lk.Index]; ok {
		metric = m
	}
	return failed, metric
}

// NodeDown reports whether node name is failed.
func (l *Lab) NodeDown(name string) bool { return l.state.NodeDown[name] }
