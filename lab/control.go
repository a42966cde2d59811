package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/ce"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/pe"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vpnpolicy"
	"github.com/vpnsim/vpnsim/vrf"
)

// control drives BGP: it owns the speakers, decides which sessions the
// simulated network allows, advertises each PE's VRF routes as VPNv4 and
// each eBGP attachment's routes as IPv4, and builds the VRF and CE tables
// from what the speakers hold once they have settled.
type control struct {
	l      *Lab
	fabric *bgp.Fabric
	audit  bool                           // compare every session's RIBs once converged (Options.NoRIBAudit)
	report func(string, time.Duration)    // Options.Progress
	vpn    map[string]*bgp.Speaker        // PE and RR speakers by node name
	att    map[*p.Attachment]*bgp.Speaker // a PE's speaker toward one eBGP CE
	ceSp   map[string]*bgp.Speaker        // CE speakers
	peerOf map[string]attPeer             // attachment speaker name -> its PE and attachment
	ibgp   []ibgpSession
	ebgp   []ebgpSession
	plans  map[string]*pe.LabelPlan

	advVPN  map[string]map[vpnKey]bgp.VPNRoute              // what each PE advertises
	advRR   map[string]reflected                            // what each route reflector reflects (decide.go)
	advCE   map[string]map[netip.Prefix]bgp.IPv4Route       // what each CE passes on (transit.go)
	advIPv4 map[*bgp.Speaker]map[netip.Prefix]bgp.IPv4Route // what each attachment speaker advertises to its CE
	advEVPN map[string]map[evpnKey]bgp.EVPNRoute            // what each PE advertises for its EVPN instances (evpn.go)

	// unresolved holds, by PE and VRF, the best VPN route per prefix from
	// outside the model (external.go): shown, never installed.
	unresolved map[string]map[string]map[netip.Prefix]*vrf.Route

	// Within one convergence (the network's state fixed), what a PE's
	// VRFs hold and what a reflector chooses depend only on what their
	// speakers received (and, for a PE, on its own advertisements). These
	// remember, per node, the speakers' bgp.Speaker.RIBInGen when it was
	// last read, so a round re-reads only the RIBs something reached: at
	// 100 000 routes one reading of every PE's RIB is ~10 CPU-s, and a
	// convergence takes two or three rounds. converge clears them.
	peSeen map[string]peSeen
	rrSeen map[string]uint64
}

// peSeen is one PE's last computation and the RIB generation it read.
type peSeen struct {
	gen    uint64
	routes *peRoutes
	unres  map[string]map[netip.Prefix]*vrf.Route
}

type attPeer struct {
	pe  string
	att *p.Attachment
}

type ibgpSession struct {
	s    *bgp.Session
	a, b string
}

type ebgpSession struct {
	s   *bgp.Session
	pe  string
	att *p.Attachment
	ce  string
}

type vpnKey struct {
	rd     vrf.RD
	prefix netip.Prefix
}

func newControl(l *Lab, opts Options) (*control, error) {
	t := l.Topo
	c := &control{l: l, fabric: bgp.NewFabric(bgp.Options{Logger: opts.Logger, Verbose: opts.Verbose, NoRIBAudit: true}), audit: !opts.NoRIBAudit, report: opts.Progress,
		vpn: map[string]*bgp.Speaker{}, att: map[*p.Attachment]*bgp.Speaker{}, ceSp: map[string]*bgp.Speaker{},
		peerOf: map[string]attPeer{}, plans: map[string]*pe.LabelPlan{},
		advVPN: map[string]map[vpnKey]bgp.VPNRoute{}, advRR: map[string]reflected{}, advCE: map[string]map[netip.Prefix]bgp.IPv4Route{}, advIPv4: map[*bgp.Speaker]map[netip.Prefix]bgp.IPv4Route{},
		advEVPN: map[string]map[evpnKey]bgp.EVPNRoute{}}
	fail := func(err error) (*control, error) {
		c.fabric.Close()
		return nil, fmt.Errorf("starting BGP speakers: %w", err)
	}
	var pes []*topologies.Node
	for _, n := range t.Nodes {
		cfg := bgp.SpeakerConfig{Name: n.Name, ASN: t.Provider.ASN, RouterID: n.Loopback}
		switch n.Role {
		case topologies.RolePE:
			pes = append(pes, n)
		case topologies.RoleRR:
			cfg.ClusterID = n.Loopback
			cfg.Decides = true // decide.go
		default:
			continue
		}
		s, err := c.fabric.AddSpeaker(cfg)
		if err != nil {
			return fail(err)
		}
		c.vpn[n.Name] = s
	}
	// Each PE receives only the VPN routes its VRFs import (see
	// bgp.SessionConfig.BImports); reflectors receive everything.
	imports := c.imports
	add := func(a, b string, client bool) error {
		s, err := c.fabric.AddSession(bgp.SessionConfig{A: c.vpn[a], B: c.vpn[b], Family: bgp.VPNv4, BIsRRClientOfA: client,
			AImports: imports(a), BImports: imports(b), EVPN: len(t.EVPNs) > 0})
		if err == nil {
			c.ibgp = append(c.ibgp, ibgpSession{s: s, a: a, b: b})
		}
		return err
	}
	// The session plan is the topology's (topologies.IBGPSessions), the
	// same the export writes into the routers' configurations.
	for _, x := range t.IBGPSessions() {
		if err := add(x.A.Name, x.B.Name, x.Client); err != nil {
			return fail(err)
		}
	}
	for _, n := range pes {
		x := l.pes[n.Name]
		// Labels are planned over what may ever be exported, whatever
		// is up (pe.Exportable).
		_, first, last := t.LabelBases(n)
		plan, err := x.PlanLabels(t.Provider.VPNLabelAllocation, mpls.Label(first), mpls.Label(last), func(v *vrf.VRF) []netip.Prefix {
			var ps []netip.Prefix
			for _, s := range staticsOn(t, x, v) {
				ps = append(ps, s.Prefix)
			}
			return ps
		})
		if err != nil {
			c.fabric.Close()
			return nil, &InputError{fmt.Sprintf("%s:%d:%d: label-range: %v", t.File, n.Pos.Line, n.Pos.Column, err)}
		}
		c.plans[n.Name] = plan
		for _, a := range x.Attach {
			if a.Routing != topologies.RoutingEBGP {
				continue
			}
			ps, err := c.fabric.AddSpeaker(bgp.SpeakerConfig{Name: n.Name + "/" + a.CE, ASN: t.Provider.ASN, RouterID: n.Loopback})
			if err != nil {
				return fail(err)
			}
			c.att[a] = ps
			c.peerOf[n.Name+"/"+a.CE] = attPeer{pe: n.Name, att: a}
			cs := c.ceSp[a.CE]
			if cs == nil {
				cn := t.Node(a.CE)
				cs, err = c.fabric.AddSpeaker(bgp.SpeakerConfig{Name: a.CE, ASN: cn.ASN, RouterID: l.ces[a.CE].Source()})
				if err != nil {
					return fail(err)
				}
				// The next hop is the CE's router ID, never a link
				// address: those mark what it passes on (transit.go).
				for _, lan := range cn.LANs {
					if err := cs.AddIPv4(lan, l.ces[a.CE].Source()); err != nil {
						return fail(err)
					}
				}
				c.ceSp[a.CE] = cs
			}
			pol := a.Link.BGP
			s, err := c.fabric.AddSession(bgp.SessionConfig{A: ps, B: cs, Family: bgp.IPv4Unicast,
				AOptions: bgp.EBGPOptions{ASOverride: pol.ASOverride, AllowOwnAS: pol.PEAllowASIn},
				BOptions: bgp.EBGPOptions{AllowOwnAS: pol.AllowASIn}})
			if err != nil {
				return fail(err)
			}
			if err := cs.NoEcho(ps, a.CEAddr); err != nil {
				return fail(err)
			}
			c.ebgp = append(c.ebgp, ebgpSession{s: s, pe: n.Name, att: a, ce: a.CE})
		}
	}
	if err := c.addExternalPeers(); err != nil {
		return fail(err)
	}
	return c, nil
}

func (c *control) close() error { return c.fabric.Close() }

// maxRounds bounds the advertise-and-settle rounds of one convergence; two
// or three suffice (eBGP-learned routes are exported in the round after they
// arrive).
const maxRounds = 16

func (c *control) converge(ctx context.Context) error {
	l := c.l
	for _, x := range c.ibgp {
		c.setSession(x.s, c.reach(x.a, x.b) && c.reach(x.b, x.a))
	}
	for _, x := range c.ebgp {
		c.setSession(x.s, l.Net.Nodes[l.nodes[x.pe].ID].Ifaces[x.att.IfIndex].Link.Up())
	}
	c.setExternalPeers()
	// Each round waits until the speakers have settled, installs what they
	// hold, and advertises what the VRFs now export; the network has
	// converged when a round advertises nothing new. Reflectors decide on
	// a settled network too: when the PEs' advertisements changed, the
	// round waits for them to reach the reflectors before they decide, so
	// each reflector reads its Adj-RIB-In once, whole, instead of once
	// while it is still arriving and again in the next round.
	c.peSeen, c.rrSeen = map[string]peSeen{}, map[string]uint64{}
	for round := 1; ; round++ {
		t0 := time.Now()
		if err := c.fabric.WaitSettled(ctx); err != nil {
			return fmt.Errorf("the network did not settle: %w", err)
		}
		c.progress(fmt.Sprintf("BGP settled (round %d)", round), time.Since(t0))
		t0 = time.Now()
		routes, err := c.compute()
		if err != nil {
			return err
		}
		changed, err := c.advertise(routes)
		if err != nil {
			return err
		}
		c.progress(fmt.Sprintf("VRFs computed and advertised (round %d)", round), time.Since(t0))
		if changed && c.hasReflectors() {
			t0 = time.Now()
			if err := c.fabric.WaitSettled(ctx); err != nil {
				return fmt.Errorf("the network did not settle: %w", err)
			}
			c.progress(fmt.Sprintf("BGP settled at the reflectors (round %d)", round), time.Since(t0))
		}
		t0 = time.Now()
		reflectedChanged, err := c.reflect()
		if err != nil {
			return err
		}
		transitChanged, err := c.transit()
		if err != nil {
			return err
		}
		evpnChanged, err := c.evpn()
		if err != nil {
			return err
		}
		changed = changed || reflectedChanged || transitChanged || evpnChanged
		// the reflectors' decision, and what depends on it: routes CEs
		// pass on (transit.go) and EVPN (evpn.go)
		c.progress(fmt.Sprintf("reflectors decided (round %d)", round), time.Since(t0))
		if !changed {
			if c.audit {
				// Quiet now: compare every session's RIBs once, on the
				// final state (see bgp.Options.NoRIBAudit).
				t0 = time.Now()
				if err := c.fabric.WaitAudited(ctx); err != nil {
					return fmt.Errorf("the network did not settle: %w", err)
				}
				c.progress("BGP RIBs audited", time.Since(t0))
			}
			return c.installCEs()
		}
		if round > maxRounds {
			return fmt.Errorf("the network did not settle: VPN routes still changing after %d rounds", maxRounds)
		}
	}
}

// hasReflectors reports whether any route reflector decides (decide.go).
func (c *control) hasReflectors() bool {
	for _, n := range c.l.Topo.Nodes {
		if n.Role == topologies.RoleRR && c.vpn[n.Name] != nil {
			return true
		}
	}
	return false
}

func (c *control) progress(step string, took time.Duration) {
	if c.report != nil {
		c.report(step, took)
	}
}

func (c *control) setSession(s *bgp.Session, up bool) {
	if s.State().Desired != up {
		s.SetUp(up)
	}
}

// reach reports whether provider router a is up and reaches b's loopback.
func (c *control) reach(a, b string) bool {
	r := c.l.Core.Router(a)
	if r == nil || !r.Up {
		return false
	}
	_, ok := r.Dist(b)
	return ok
}

// peRoutes is one PE's computed VRF contents.
type peRoutes struct {
	pe     *pe.PE
	routes map[string][]*vrf.Route // candidates by VRF name
}

// compute builds every up PE's VRF candidates from its attachments and its
// speakers' RIBs, and installs them (VRF tables and VPN LFIB entries). A
// failed PE holds nothing: its VRFs are emptied and it is returned with no
// routes, so that advertise withdraws what it advertised before it failed,
// as if it had been down from the start. PEs share nothing here, so they
// are computed on every core.
func (c *control) compute() (map[string]*peRoutes, error) {
	l := c.l
	var pes []*topologies.Node
	for _, n := range l.Topo.Nodes {
		if l.pes[n.Name] != nil {
			pes = append(pes, n)
		}
	}
	res := make([]*peRoutes, len(pes))
	unres := make([]map[string]map[netip.Prefix]*vrf.Route, len(pes))
	errs := make([]error, len(pes))
	gens := make([]uint64, len(pes))
	var todo []int
	for i, n := range pes {
		gens[i] = c.ribInGen(n.Name)
		if seen, ok := c.peSeen[n.Name]; ok && seen.gen == gens[i] && !l.state.NodeDown[n.Name] {
			res[i], unres[i] = seen.routes, seen.unres // nothing reached it: as installed
			continue
		}
		todo = append(todo, i)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for i := range next {
				unres[i] = map[string]map[netip.Prefix]*vrf.Route{}
				res[i], errs[i] = c.computePE(pes[i], unres[i])
			}
		})
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[string]*peRoutes, len(pes))
	c.unresolved = map[string]map[string]map[netip.Prefix]*vrf.Route{}
	for i, n := range pes {
		out[n.Name] = res[i]
		if len(unres[i]) > 0 {
			c.unresolved[n.Name] = unres[i]
		}
		if c.peSeen != nil {
			c.peSeen[n.Name] = peSeen{gen: gens[i], routes: res[i], unres: unres[i]}
		}
	}
	return out, nil
}

// ribInGen is the sum of the RIBInGen of PE name's speakers: its VPN
// speaker and those toward its eBGP CEs (see control.peSeen).
func (c *control) ribInGen(name string) uint64 {
	var g uint64
	if sp := c.vpn[name]; sp != nil {
		g += sp.RIBInGen()
	}
	for _, a := range c.l.pes[name].Attach {
		if sp := c.att[a]; sp != nil {
			g += sp.RIBInGen()
		}
	}
	return g
}

// computePE builds and installs one PE's VRF routes, and records in unres
// the routes from outside the model its VRFs import (see external.go).
func (c *control) computePE(n *topologies.Node, unres map[string]map[netip.Prefix]*vrf.Route) (*peRoutes, error) {
	l := c.l
	x := l.pes[n.Name]
	if l.state.NodeDown[n.Name] {
		for _, v := range x.VRFs {
			v.Install(nil)
		}
		return &peRoutes{pe: x, routes: map[string][]*vrf.Route{}}, nil
	}
	own := map[string][]*vrf.Route{}
	for _, a := range x.Attach {
		if !x.Node.Ifaces[a.IfIndex].Link.Up() {
			continue
		}
		var paths []bgp.IPv4Path
		var ceID netip.Addr
		if a.Routing == topologies.RoutingEBGP {
			var err error
			if paths, err = c.att[a].IPv4Paths(); err != nil {
				return nil, err
			}
			ceID = l.ces[a.CE].Source()
		}
		own[a.VRF.Name] = append(own[a.VRF.Name], vpnpolicy.Learned(vpnpolicy.Attachment{IfIndex: a.IfIndex, Subnet: a.Link.Subnet,
			CE: a.CE, CEAddr: a.CEAddr, CEID: ceID, LANs: a.LANs, Routing: a.Routing, BGP: a.Link.BGP}, paths)...)
	}
	for _, v := range x.VRFs {
		own[v.Name] = append(own[v.Name], c.statics(x, v)...)
		vpnpolicy.MarkExported(own[v.Name], l.Topo.VRF(v.Name).ExportMap)
	}
	paths, err := c.vpn[n.Name].VPNv4RIB()
	if err != nil {
		return nil, err
	}
	byRT := vpnpolicy.TargetIndex(paths)
	pr := &peRoutes{pe: x, routes: map[string][]*vrf.Route{}}
	var idx []int
	for _, v := range x.VRFs {
		im := l.Topo.VRF(v.Name).ImportMap
		cands := slices.Clone(own[v.Name])
		cands = append(cands, vpnpolicy.Leaked(v, x.VRFs, own, im)...)
		idx = vpnpolicy.Importable(v, byRT, idx)
		for _, i := range idx {
			p := &paths[i]
			if c.unresolvedRoute(unres, v, *p) {
				continue // from outside the model: shown, never installed
			}
			if !vpnpolicy.Imports(im, p.Prefix) {
				continue
			}
			r, ok := c.peCandidate(n, *p)
			if !ok {
				continue // no LSP to the next hop (RFC 4364 section 4.3.2)
			}
			cands = append(cands, r)
		}
		pr.routes[v.Name] = cands
	}
	x.InstallVPN(pr.routes, c.plans[n.Name])
	return pr, nil
}

// advertise brings each PE's VPNv4 advertisements and each eBGP
// attachment's IPv4 advertisements to what the installed VRFs say; it
// reports whether anything changed. PEs are independent speakers, so they
// advertise at the same time; each in its own sorted order.
func (c *control) advertise(all map[string]*peRoutes) (bool, error) {
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	slices.Sort(names)
	res := make([]advertised, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { res[i] = c.advertisePE(name, all[name].pe) })
	}
	wg.Wait()
	changed := false
	var errs []error
	for i, name := range names {
		r := res[i]
		c.advVPN[name] = r.vpn
		for sp, want := range r.ipv4 {
			c.advIPv4[sp] = want
		}
		if r.changed || r.err != nil {
			delete(c.peSeen, name) // its own paths changed: read its RIB again
		}
		changed = changed || r.changed
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return changed, errors.Join(errs...)
}

// advertised is what one PE's advertise did: what it advertises now and
// whether that changed.
type advertised struct {
	vpn     map[vpnKey]bgp.VPNRoute
	ipv4    map[*bgp.Speaker]map[netip.Prefix]bgp.IPv4Route
	changed bool
	err     error
}

// advertisePE brings one PE's advertisements to what its VRFs export: the
// withdrawals one by one, the new routes in one call.
func (c *control) advertisePE(name string, x *pe.PE) advertised {
	out := advertised{vpn: map[vpnKey]bgp.VPNRoute{}, ipv4: map[*bgp.Speaker]map[netip.Prefix]bgp.IPv4Route{}}
	want := out.vpn
	for _, v := range x.VRFs {
		for _, r := range v.Routes() {
			if !r.Exported {
				continue
			}
			want[vpnKey{v.RD, r.Prefix}] = vpnpolicy.Advertised(v, r, c.plans[name].Label(v.Name, r), x.Config.Loopback)
		}
	}
	have := c.advVPN[name]
	sp := c.vpn[name]
	fail := func(err error) advertised {
		out.vpn, out.err = have, err // advertisements unknown: the next round starts over from the old ones
		return out
	}
	for _, k := range sortedKeys(have) {
		if w, ok := want[k]; !ok || !sameVPN(w, have[k]) {
			if err := sp.DeleteVPNv4(k.rd, k.prefix); err != nil {
				return fail(err)
			}
			out.changed = true
		}
	}
	var adds []bgp.VPNRoute
	for _, k := range sortedKeys(want) {
		if h, ok := have[k]; !ok || !sameVPN(h, want[k]) {
			adds = append(adds, want[k])
		}
	}
	if len(adds) > 0 {
		if err := sp.AddVPNv4(adds...); err != nil {
			return fail(err)
		}
		out.changed = true
	}
	for _, a := range x.Attach {
		sp := c.att[a]
		if sp == nil {
			continue
		}
		want := vpnpolicy.ToCE(a.VRF.Routes(), a.CE, a.Link.BGP.SoO, a.Addr)
		ch, err := syncIPv4(sp, c.advIPv4[sp], want)
		if err != nil {
			out.err = err
			return out
		}
		out.ipv4[sp] = want
		out.changed = out.changed || ch
	}
	return out
}

// syncIPv4 brings the IPv4 routes speaker sp originates from have to want
// (withdrawals first, then additions and changes) and reports whether
// anything changed. A route whose next hop changes is withdrawn before it
// is added again: replaced in place, GoBGP would judge the old path by the
// new next hop when it decides where to withdraw it, and a next-hop export
// filter (bgp.Speaker.NoEcho) would keep the withdrawal from the neighbour
// that had the old one.
func syncIPv4(sp *bgp.Speaker, have, want map[netip.Prefix]bgp.IPv4Route) (bool, error) {
	changed := false
	for _, p := range sortedPrefixes(have) {
		if _, ok := want[p]; !ok {
			if err := sp.DeleteIPv4(p); err != nil {
				return changed, err
			}
			changed = true
		}
	}
	for _, p := range sortedPrefixes(want) {
		h, ok := have[p]
		if ok && sameIPv4(h, want[p]) {
			continue
		}
		if ok && h.NextHop != want[p].NextHop {
			if err := sp.DeleteIPv4(p); err != nil {
				return changed, err
			}
		}
		if err := sp.AddIPv4Route(want[p]); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// installCEs gives every CE its routes: a default route toward each PE it
// reaches over a static attachment, and the best eBGP path per prefix.
func (c *control) installCEs() error {
	l := c.l
	for _, n := range l.Topo.Nodes {
		x := l.ces[n.Name]
		if x == nil {
			continue
		}
		var routes []*ce.Route
		var dflt []ce.NextHop
		for i, ifc := range n.Interfaces {
			if !x.Node.Ifaces[i].Link.Up() || ifc.Link.Routing != topologies.RoutingStatic {
				continue
			}
			peer := ifc.Peer()
			dflt = append(dflt, ce.NextHop{IfIndex: i, PE: peer.Node.Name, Addr: peer.Addr.Addr()})
		}
		if sp := c.ceSp[n.Name]; sp != nil && !l.state.NodeDown[n.Name] {
			paths, err := sp.IPv4Paths()
			if err != nil {
				return err
			}
			best, order := c.ceBest(paths)
			for _, pfx := range order {
				ap := c.peerOf[best[pfx].FromPeer]
				routes = append(routes, &ce.Route{Prefix: pfx, Proto: "ebgp",
					NextHops: []ce.NextHop{{IfIndex: ceIfIndex(n, ap.att.Link), PE: ap.pe, Addr: ap.att.Addr}}})
			}
		}
		if len(dflt) > 0 {
			slices.SortFunc(dflt, func(a, b ce.NextHop) int { return compareStrings(a.PE, b.PE) })
			routes = append(routes, &ce.Route{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Proto: "static", NextHops: dflt})
		}
		x.Install(routes)
	}
	return nil
}

func sameIPv4(a, b bgp.IPv4Route) bool {
	return a.Prefix == b.Prefix && a.NextHop == b.NextHop && a.Origin == b.Origin && slices.Equal(a.ASPath, b.ASPath)
}

// staticOn is one static route of a VRF on a PE: the attachment its next
// hop is on, nil for null0.
type staticOn struct {
	topologies.StaticRoute
	att *p.Attachment
}

// staticsOn are the static routes VRF v has on PE x, whatever is up: those
// whose next hop is the CE of one of x's attachments in v (or null0, on
// every PE with v), restricted to the static's pe when it names one.
func staticsOn(t *topologies.Topology, x *pe.PE, v *vrf.VRF) []staticOn {
	var out []staticOn
	for _, s := range t.VRF(v.Name).Static {
		if s.PE != "" && s.PE != x.Node.Name {
			continue
		}
		if s.Null0 {
			out = append(out, staticOn{StaticRoute: s})
			continue
		}
		for _, a := range x.Attach {
			if a.VRF == v && a.CEAddr == s.NextHop {
				out = append(out, staticOn{StaticRoute: s, att: a})
				break
			}
		}
	}
	return out
}

// statics are the static routes VRF v holds on PE x now: null0 routes, and
// those whose attachment is up.
func (c *control) statics(x *pe.PE, v *vrf.VRF) []*vrf.Route {
	var out []*vrf.Route
	for _, s := range staticsOn(c.l.Topo, x, v) {
		switch {
		case s.att == nil:
			out = append(out, vpnpolicy.Static(s.Prefix, true, -1, "", netip.Addr{}))
		case x.Node.Ifaces[s.att.IfIndex].Link.Up():
			out = append(out, vpnpolicy.Static(s.Prefix, false, s.att.IfIndex, s.att.CE, s.att.CEAddr))
		}
	}
	return out
}

// imports are the route targets PE name's VRFs import (nil for a
// reflector, which receives everything).
func (c *control) imports(name string) []vrf.RouteTarget {
	x := c.l.pes[name]
	if x == nil {
		return nil
	}
	rts := []vrf.RouteTarget{}
	for _, v := range x.VRFs {
		rts = append(rts, v.Import...)
	}
	// the filter covers EVPN paths too (RFC 4684 constrains every VPN
	// family): an EVPN instance's import targets are the PE's as well
	for _, e := range x.EVIs {
		rts = append(rts, e.Import...)
	}
	return rts
}

// refilter brings the route-target filters of PE name's VPNv4 sessions to
// what its VRFs import now.
func (c *control) refilter(name string) error {
	for _, x := range c.ibgp {
		var a, b []vrf.RouteTarget
		switch name {
		case x.a:
			a = c.imports(name)
		case x.b:
			b = c.imports(name)
		default:
			continue
		}
		changed, err := x.s.SetImports(a, b)
		if err != nil {
			return err
		}
		if changed {
			// GoBGP's soft reset out withdraws nothing a changed export
			// policy now rejects: reset the session; the convergence
			// that follows brings it up again with the new filter.
			x.s.SetUp(false)
		}
	}
	return nil
}
