package lab_test

// The separation property: random provider networks with overlapping
// customer addresses and random failures, where every ping between two
// customer sites must end exactly as an oracle computed from the topology
// alone says. See TestSeparationProperty for the oracle's rule and
// TestSeparationRegressions for the counterexamples it saved.

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

// Pools the generator draws from. Three route targets make VRFs that import
// each other, one way or both, or not at all; the LAN pool makes different
// customers reuse the same prefixes (the /16 covers the /24s).
var (
	rtPool  = []string{"65000:1", "65000:2", "65000:3"}
	lanPool = []netip.Prefix{
		netip.MustParsePrefix("10.1.1.0/24"),
		netip.MustParsePrefix("10.1.2.0/24"),
		netip.MustParsePrefix("10.1.3.0/24"),
		netip.MustParsePrefix("10.1.0.0/16"),
	}
)

// sepCase is one random network: a provider core, VRFs, sites, and what
// fails after the network first converged (some of it restored after the
// next convergence).
type sepCase struct {
	PHP, Pipe bool
	Labels    string   // vpn-label-allocation
	Routers   []router // loopbacks 10.0.0.1 upward, in this order
	Links     []coreLink
	VRFs      []caseVRF
	Sites     []site
	LinkFail  []change // by index into Links
	AttFail   []change // by index into Sites: the site's attachment circuit
	NodeFail  []change // by index into Routers
}

// change is what happens to a link or node after the first convergence.
type change uint8

const (
	stays           change = iota
	fails                  // fails and stays down
	failsAndReturns        // fails, and comes back after the next convergence
)

type router struct {
	Name, Role string
	Loopback   netip.Addr
}

type coreLink struct{ A, B, Metric int } // A, B index Routers

type caseVRF struct {
	Name, RD       string
	Import, Export []int // indices into rtPool
}

// site is one CE, attached to one PE in one VRF.
type site struct {
	Name string
	PE   int // index into Routers
	VRF  int // index into VRFs
	EBGP bool
	LANs []netip.Prefix
	// An eBGP site's AS (65100 when it shares it with the other sites
	// drawn so, else its own) and its link's AS-path options.
	ASN        int
	ASOverride bool
	AllowASIn  bool
}

// GoString keeps rapid's log of drawn values short: the case is printed as
// its topology when it fails.
func (c sepCase) GoString() string {
	return fmt.Sprintf("sepCase{%d routers, %d links, %d VRFs, %d sites}", len(c.Routers), len(c.Links), len(c.VRFs), len(c.Sites))
}

// The raw draws a case is made of. Every part of a case is one element of
// a rapid slice, so that shrinking can delete it whole: a router with its
// uplink and its failure, an extra link, a VRF, a site with its LANs and
// its attachment's failure.
type (
	rawRouter struct {
		Role       int // 0 PE, 1 P, 2 RR (the first router is always a PE; a third RR is a P)
		Uplink     bool
		Parent     int // the uplink goes to the router Parent+1 places before (modulo)
		Metric     int
		LinkChange change
		NodeChange change
	}
	rawLink struct {
		A, B, Metric int // B: the other end, A+1+B places on (modulo)
		Change       change
	}
	rawVRF struct {
		Auto           bool
		Import, Export []bool // by rtPool index
	}
	rawSite struct {
		PE, VRF int // modulo the number of PEs and VRFs
		EBGP    bool
		SameAS  bool  // the AS 65100, shared with every site that draws it
		ASPath  int   // 0 nothing, 1 as-override on its link, 2 allowas-in 1
		LANs    []int // lanPool indices
		Change  change
	}
)

// drawChange draws stays, or one time in n+1 fails and one time in n+1
// failsAndReturns.
func drawChange(t *rapid.T, n int, label string) change {
	return change(max(0, rapid.IntRange(0, n).Draw(t, label)-n+2))
}

var (
	// Metrics 10, 20 or 30 make equal-cost paths common. Most routers
	// have an uplink to an earlier router, so that most cores are
	// connected. One link in six fails and one in six fails and comes back;
	// fewer attachments and routers do.
	genRouter = rapid.Custom(func(t *rapid.T) rawRouter {
		return rawRouter{
			Role:       rapid.IntRange(0, 2).Draw(t, "role"),
			Uplink:     rapid.IntRange(0, 5).Draw(t, "no-uplink") != 5,
			Parent:     rapid.IntRange(0, 7).Draw(t, "parent"),
			Metric:     10 * rapid.IntRange(1, 3).Draw(t, "metric"),
			LinkChange: drawChange(t, 5, "uplink-fails"),
			NodeChange: drawChange(t, 15, "router-fails"),
		}
	})
	genLink = rapid.Custom(func(t *rapid.T) rawLink {
		return rawLink{
			A:      rapid.IntRange(0, 7).Draw(t, "a"),
			B:      rapid.IntRange(0, 6).Draw(t, "b"),
			Metric: 10 * rapid.IntRange(1, 3).Draw(t, "metric"),
			Change: drawChange(t, 5, "link-fails"),
		}
	})
	genVRF = rapid.Custom(func(t *rapid.T) rawVRF {
		return rawVRF{
			Auto:   rapid.Bool().Draw(t, "rd-auto"),
			Import: rapid.SliceOfN(rapid.Bool(), len(rtPool), len(rtPool)).Draw(t, "import"),
			Export: rapid.SliceOfN(rapid.Bool(), len(rtPool), len(rtPool)).Draw(t, "export"),
		}
	})
	genSite = rapid.Custom(func(t *rapid.T) rawSite {
		return rawSite{
			PE:     rapid.IntRange(0, 7).Draw(t, "pe"),
			VRF:    rapid.IntRange(0, 3).Draw(t, "vrf"),
			EBGP:   rapid.Bool().Draw(t, "ebgp"),
			SameAS: rapid.Bool().Draw(t, "same-as"),
			ASPath: rapid.IntRange(0, 2).Draw(t, "as-path-option"),
			LANs:   rapid.SliceOfN(rapid.IntRange(0, len(lanPool)-1), 1, 2).Draw(t, "lans"),
			Change: drawChange(t, 9, "attachment-fails"),
		}
	})
)

// genCase draws one case. Every choice shrinks toward a simpler network:
// fewer routers, links, VRFs and sites, no failures, default provider
// settings.
var genCase = rapid.Custom(func(t *rapid.T) sepCase {
	var c sepCase
	c.PHP = !rapid.Bool().Draw(t, "no-php")
	c.Pipe = rapid.Bool().Draw(t, "pipe")
	c.Labels = []string{"per-vrf", "per-ce", "per-prefix"}[rapid.IntRange(0, 2).Draw(t, "labels")]

	rawRouters := rapid.SliceOfN(genRouter, 3, 8).Draw(t, "routers")
	var pes []int
	count := map[string]int{}
	for i, r := range rawRouters {
		role := []string{"pe", "p", "rr"}[r.Role]
		if i == 0 || role == "rr" && count["rr"] == 2 {
			role = map[bool]string{true: "pe", false: "p"}[i == 0]
		}
		count[role]++
		if role == "pe" {
			pes = append(pes, i)
		}
		c.Routers = append(c.Routers, router{Name: fmt.Sprintf("%s%d", strings.ToUpper(role), count[role]), Role: role,
			Loopback: netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)})})
		c.NodeFail = append(c.NodeFail, r.NodeChange)
	}
	n := len(c.Routers)
	linked := map[[2]int]bool{}
	link := func(a, b, metric int, ch change) {
		if a > b {
			a, b = b, a
		}
		if !linked[[2]int{a, b}] {
			linked[[2]int{a, b}] = true
			c.Links = append(c.Links, coreLink{a, b, metric})
			c.LinkFail = append(c.LinkFail, ch)
		}
	}
	for i, r := range rawRouters {
		if i > 0 && r.Uplink {
			link(i-1-r.Parent%i, i, r.Metric, r.LinkChange)
		}
	}
	for _, l := range rapid.SliceOfN(genLink, 0, 6).Draw(t, "extra-links") {
		a := l.A % n
		link(a, (a+1+l.B%(n-1))%n, l.Metric, l.Change)
	}

	for i, v := range rapid.SliceOfN(genVRF, 1, 4).Draw(t, "vrfs") {
		x := caseVRF{Name: string(rune('A' + i)), RD: fmt.Sprintf("65000:%d", 101+i)}
		if v.Auto {
			x.RD = "auto"
		}
		for k := range rtPool {
			if v.Import[k] {
				x.Import = append(x.Import, k)
			}
			if v.Export[k] {
				x.Export = append(x.Export, k)
			}
		}
		c.VRFs = append(c.VRFs, x)
	}

	raw := rapid.SliceOfN(genSite, 2, 6).Draw(t, "sites")
	for i, s := range raw {
		st := site{Name: fmt.Sprintf("CE%d", i+1), PE: pes[s.PE%len(pes)], VRF: s.VRF % len(c.VRFs), EBGP: s.EBGP}
		if s.EBGP {
			st.ASN = 65101 + i
			if s.SameAS {
				st.ASN = 65100
			}
			st.ASOverride, st.AllowASIn = s.ASPath == 1, s.ASPath == 2
		}
		c.Sites = append(c.Sites, st)
		c.AttFail = append(c.AttFail, s.Change)
	}
	for i, s := range raw {
		for j, k := range s.LANs {
			c.Sites[i].LANs = append(c.Sites[i].LANs, c.freeLAN(i, j, k))
		}
	}
	return c
})

// imports reports whether VRF v takes in routes exported by VRF w (by route
// target; a VRF with no export targets is imported by none).
func (c *sepCase) imports(v, w int) bool {
	for _, k := range c.VRFs[w].Export {
		if slices.Contains(c.VRFs[v].Import, k) {
			return true
		}
	}
	return false
}

// visible reports whether VRF v could ever hold site s's routes on some PE:
// s is attached in v, or v imports s's VRF.
func (c *sepCase) visible(v, s int) bool {
	return c.Sites[s].VRF == v || c.imports(v, c.Sites[s].VRF)
}

// share reports whether some VRF that exists (has a site) could hold the
// routes of both sites a and b.
func (c *sepCase) share(a, b int) bool {
	for _, s := range c.Sites {
		if c.visible(s.VRF, a) && c.visible(s.VRF, b) {
			return true
		}
	}
	return false
}

// freeLAN picks site i's j-th LAN: the pool entry drawn, or the next one in
// the pool that overlaps no LAN of a site sharing a VRF with i (nor i's own
// earlier LANs); when the pool has none, a prefix no other site uses. This
// is the generator's rule that keeps the oracle unambiguous: no VRF can ever
// hold two different sites' routes for overlapping prefixes.
func (c *sepCase) freeLAN(i, j, drawn int) netip.Prefix {
	for k := range lanPool {
		cand := lanPool[(drawn+k)%len(lanPool)]
		ok := true
		for o := 0; o <= i && ok; o++ {
			if o != i && !c.share(i, o) {
				continue
			}
			for _, p := range c.Sites[o].LANs {
				ok = ok && !p.Overlaps(cand)
			}
		}
		if ok {
			return cand
		}
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(10 + i), byte(j), 0}), 24)
}

func firstHost(p netip.Prefix) netip.Addr { return p.Masked().Addr().Next() }

// topologyYAML writes the case as a topology file.
func (c *sepCase) topologyYAML(name string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\n", name)
	b.WriteString("description: A random network of TestSeparationProperty (lab/property_test.go).\n\n")
	ttl, alloc := "uniform", c.Labels
	if c.Pipe {
		ttl = "pipe"
	}
	if alloc == "" {
		alloc = "per-vrf"
	}
	fmt.Fprintf(&b, "provider:\n  asn: 65000\n  php: %t\n  ttl-propagation: %s\n  vpn-label-allocation: %s\n\nnodes:\n", c.PHP, ttl, alloc)
	for _, r := range c.Routers {
		fmt.Fprintf(&b, "  %s: {role: %s, loopback: %s}\n", r.Name, r.Role, r.Loopback)
	}
	for i, s := range c.Sites {
		lans := make([]string, len(s.LANs))
		for j, p := range s.LANs {
			lans[j] = p.String()
		}
		asn := ""
		if s.EBGP {
			asn = fmt.Sprintf("asn: %d, ", s.ASN)
			if s.ASN == 0 { // a case saved before sites had an AS of their own
				asn = fmt.Sprintf("asn: %d, ", 65101+i)
			}
		}
		fmt.Fprintf(&b, "  %s: {role: ce, %slans: [%s]}\n", s.Name, asn, strings.Join(lans, ", "))
	}
	b.WriteString("\nvrfs:\n")
	rts := func(ks []int) string {
		q := make([]string, len(ks))
		for i, k := range ks {
			q[i] = strconv.Quote(rtPool[k])
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	for _, v := range c.VRFs {
		fmt.Fprintf(&b, "  %s: {rd: %q, import: %s, export: %s}\n", v.Name, v.RD, rts(v.Import), rts(v.Export))
	}
	b.WriteString("\nlinks:\n")
	for _, l := range c.Links {
		fmt.Fprintf(&b, "  - {endpoints: [%s, %s], metric: %d}\n", c.Routers[l.A].Name, c.Routers[l.B].Name, l.Metric)
	}
	for _, s := range c.Sites {
		routing := "static"
		if s.EBGP {
			routing = "ebgp"
			if s.ASOverride {
				routing += ", as-override: true"
			}
			if s.AllowASIn {
				routing += ", allowas-in: 1"
			}
		}
		fmt.Fprintf(&b, "  - {endpoints: [%s, %s], vrf: %s, routing: %s}\n", s.Name, c.Routers[s.PE].Name, c.VRFs[s.VRF].Name, routing)
	}
	return []byte(b.String())
}

// target is a link (both names) or a node (Node only) that fails.
type target struct{ Node, Peer string }

func (x target) String() string {
	if x.Peer == "" {
		return x.Node
	}
	return x.Node + "–" + x.Peer
}

// changes lists what fails after the first convergence (provider links,
// attachments, routers) and, of those, what comes back after the next.
func (c *sepCase) changes() (fail, restore []target) {
	add := func(ch change, x target) {
		if ch != stays {
			fail = append(fail, x)
		}
		if ch == failsAndReturns {
			restore = append(restore, x)
		}
	}
	for i, l := range c.Links {
		add(c.LinkFail[i], target{c.Routers[l.A].Name, c.Routers[l.B].Name})
	}
	for i, s := range c.Sites {
		add(c.AttFail[i], target{s.Name, c.Routers[s.PE].Name})
	}
	for i, r := range c.Routers {
		add(c.NodeFail[i], target{Node: r.Name})
	}
	return fail, restore
}

// outcome is what one ping brings back, in the terms of network.PingResult.
type outcome struct {
	Result    string // network.Reply, network.Unreachable or network.Lost
	From      string // reply or unreachable: the node that answered
	DroppedAt string // lost: where the request or its answer was last dropped ("" when it was delivered elsewhere)
}

func (o outcome) String() string {
	switch {
	case o.Result == network.Lost && o.DroppedAt == "":
		return "lost (delivered elsewhere)"
	case o.Result == network.Lost:
		return "lost at " + o.DroppedAt
	}
	return o.Result + " from " + o.From
}

// oracle answers questions about a case from its topology alone.
type oracle struct {
	c     *sepCase
	comp  []int  // connected component of each router over the links and routers that are up
	rrIn  []bool // by component: it holds a route reflector that is up
	hasRR bool
}

func newOracle(c *sepCase) *oracle {
	o := &oracle{c: c, comp: make([]int, len(c.Routers))}
	down := func(r int) bool { return c.NodeFail[r] == fails }
	for i := range o.comp {
		o.comp[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if o.comp[i] != i {
			o.comp[i] = find(o.comp[i])
		}
		return o.comp[i]
	}
	for i, l := range c.Links {
		if c.LinkFail[i] != fails && !down(l.A) && !down(l.B) {
			o.comp[find(l.A)] = find(l.B)
		}
	}
	o.rrIn = make([]bool, len(c.Routers))
	for i, r := range c.Routers {
		o.comp[i] = find(i)
		if r.Role == "rr" {
			o.hasRR = true
		}
	}
	for i, r := range c.Routers {
		if r.Role == "rr" && !down(i) {
			o.rrIn[o.comp[i]] = true
		}
	}
	return o
}

// attached reports whether site t's attachment circuit is up: the link and
// the PE.
func (o *oracle) attached(t int) bool {
	s := o.c.Sites[t]
	return o.c.AttFail[t] != fails && o.c.NodeFail[s.PE] != fails
}

// sessions reports whether PEs p and q (both up) exchange VPN routes: the
// same PE, or both in one part of the core (so their loopbacks reach each
// other) and,
// when the network has reflectors, a reflector in that part too. Every PE
// peers with every reflector and the reflectors with each other (as each
// other's clients), so within one connected part a route reaches every PE
// through any reflector there, and no route crosses between parts.
func (o *oracle) sessions(p, q int) bool {
	return p == q || o.comp[p] == o.comp[q] && (!o.hasRR || o.rrIn[o.comp[p]])
}

// holds reports whether VRF v on (up) PE p holds site t's routes: t's
// attachment is up, and either t is attached to p in v or in a VRF v imports (leaking
// on one PE), or t sits on another PE whose routes p receives and v imports
// t's VRF's export targets. (A VRF never re-exports what it imported.)
func (o *oracle) holds(v, p, t int) bool {
	c := o.c
	s := c.Sites[t]
	if !o.attached(t) {
		return false
	}
	if s.PE == p {
		return s.VRF == v || c.imports(v, s.VRF)
	}
	return c.imports(v, s.VRF) && o.sessions(p, s.PE)
}

// owner is the site whose LAN VRF v on PE p sends a packet for a to, or -1
// when v holds no route for a. The generator's rule makes it unique.
func (o *oracle) owner(v, p int, a netip.Addr) int {
	for t, s := range o.c.Sites {
		if o.holds(v, p, t) && slices.ContainsFunc(s.LANs, func(l netip.Prefix) bool { return l.Contains(a) }) {
			return t
		}
	}
	return -1
}

// ping is the oracle's answer for a ping from site s's CE to address a,
// sourced from the first host of s's first LAN:
//
//  1. a in s's own LANs: s's CE answers itself.
//  2. s's attachment (link or PE) is down: its CE has no route; lost at
//     the CE.
//  3. s's VRF on s's PE holds no route for a: a static CE sends the packet
//     to its PE, which answers unreachable (its VRF has the route back to
//     s); an eBGP CE has learned only the VRF's routes, so it has no route
//     and the packet is lost at the CE.
//  4. s is an eBGP CE and t's routes carry s's own AS (t speaks eBGP from
//     the same AS, and s's link has neither as-override nor allowas-in):
//     s's CE dropped them as a loop; lost at s's CE.
//  5. Otherwise the request reaches t, the site that route leads to, and t's
//     CE replies toward s's address. t's VRF on t's PE sends the reply to
//     the site owning that address there: s, and the reply comes back from
//     t; another site u with the same address, and the reply is delivered
//     to u and lost to s; none, and the reply is lost where it has no
//     route: at t's PE for a static CE (whose unreachable about the reply
//     goes back to t), at t's CE for an eBGP CE. When the site the reply
//     is for carries t's own AS and t dropped its routes (as in 4), the
//     reply is lost at t's CE.
func (o *oracle) ping(s int, a netip.Addr) outcome {
	c := o.c
	S := c.Sites[s]
	pe := func(i int) string { return c.Routers[c.Sites[i].PE].Name }
	switch {
	case slices.ContainsFunc(S.LANs, func(l netip.Prefix) bool { return l.Contains(a) }):
		return outcome{Result: network.Reply, From: S.Name}
	case !o.attached(s):
		return outcome{Result: network.Lost, DroppedAt: S.Name}
	}
	t := o.owner(S.VRF, S.PE, a)
	if t < 0 {
		if S.EBGP {
			return outcome{Result: network.Lost, DroppedAt: S.Name}
		}
		return outcome{Result: network.Unreachable, From: pe(s)}
	}
	if c.loops(s, t) {
		return outcome{Result: network.Lost, DroppedAt: S.Name}
	}
	T := c.Sites[t]
	switch u := o.owner(T.VRF, T.PE, firstHost(S.LANs[0])); {
	case u >= 0 && c.loops(t, u):
		return outcome{Result: network.Lost, DroppedAt: T.Name}
	case u == s:
		return outcome{Result: network.Reply, From: T.Name}
	case u >= 0:
		return outcome{Result: network.Lost}
	case T.EBGP:
		return outcome{Result: network.Lost, DroppedAt: T.Name}
	default:
		return outcome{Result: network.Lost, DroppedAt: pe(t)}
	}
}

// loops reports whether eBGP site s's CE drops the routes of site t as an
// AS-path loop (RFC 4271 section 9.1.2): t's routes carry t's AS, and it is
// s's own, unless s's PE overrides it (as-override) or s allows it
// (allowas-in). A static site's routes carry no AS.
func (c *sepCase) loops(s, t int) bool {
	S, T := c.Sites[s], c.Sites[t]
	return S.EBGP && T.EBGP && S.ASN != 0 && S.ASN == T.ASN && !S.ASOverride && !S.AllowASIn
}

// probe is one ping of a case and what the oracle expects of it.
type probe struct {
	From string
	To   netip.Addr
	Want outcome
}

// probes lists, for every ordered pair of different sites (s, d), a ping
// from s's CE to the first host of d's first LAN.
func (c *sepCase) probes() []probe {
	o := newOracle(c)
	var out []probe
	for s := range c.Sites {
		for d := range c.Sites {
			if s != d {
				a := firstHost(c.Sites[d].LANs[0])
				out = append(out, probe{From: c.Sites[s].Name, To: a, Want: o.ping(s, a)})
			}
		}
	}
	return out
}

// caseResult is what running one case found.
type caseResult struct {
	Mismatches []string // "ping CE1 -> 10.1.2.1: got ..., want ..."
	Err        error    // the network could not be built or did not converge
	Outcomes   map[string]int
}

func (r caseResult) failed() bool { return r.Err != nil || len(r.Mismatches) > 0 }

// runCase builds the case's network, converges it, fails links and
// routers, converges again, restores some of them and converges again, and
// compares every ping with the oracle.
func runCase(c *sepCase) caseResult {
	res := caseResult{Outcomes: map[string]int{}}
	topo, _, err := topologies.Parse("separation.yaml", c.topologyYAML("separation"))
	if err != nil {
		res.Err = fmt.Errorf("the generated topology is invalid: %w", err)
		return res
	}
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		res.Err = err
		return res
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		res.Err = fmt.Errorf("start: %w", err)
		return res
	}
	fail, restore := c.changes()
	for _, step := range []struct {
		what    string
		targets []target
		link    func(a, b string) error
		node    func(string) error
	}{
		{"the failures", fail, l.FailLink, l.FailNode},
		{"the repairs", restore, l.RestoreLink, l.RestoreNode},
	} {
		if len(step.targets) == 0 {
			continue
		}
		for _, x := range step.targets {
			var err error
			if x.Peer == "" {
				err = step.node(x.Node)
			} else {
				err = step.link(x.Node, x.Peer)
			}
			if err != nil {
				res.Err = err
				return res
			}
		}
		if err := l.Converge(ctx); err != nil {
			res.Err = fmt.Errorf("converge after %s: %w", step.what, err)
			return res
		}
	}
	for _, p := range c.probes() {
		r, err := l.Ping(p.From, p.To, network.ProbeOptions{})
		if err != nil {
			res.Err = fmt.Errorf("ping %s -> %s: %w", p.From, p.To, err)
			return res
		}
		got := outcome{Result: r.Result}
		switch r.Result {
		case network.Reply, network.Unreachable, network.TTLExceeded:
			got.From = r.ReplyFrom
		case network.Lost:
			got.DroppedAt = r.DroppedAt
		}
		res.Outcomes[p.Want.Result]++
		if got != p.Want {
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("ping %s -> %s: got %s, want %s", p.From, p.To, got, p.Want))
		}
	}
	return res
}

// runBatch runs the cases' networks concurrently, at most parallelLabs() at
// a time: most of a case's time is spent waiting on BGP, not computing.
func runBatch(cs []sepCase) []caseResult {
	out := make([]caseResult, len(cs))
	sem := make(chan struct{}, parallelLabs())
	var wg sync.WaitGroup
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = runCase(&cs[i])
		}()
	}
	wg.Wait()
	return out
}

// parallelLabs bounds the networks running at once: VPNSIM_PARALLEL_LABS,
// by default 1. Today one at a time is fastest on two cores: closing a
// network's BGP speakers polls (bgp's Speaker.stop) until the goroutines
// it started get to run, and with several networks at once most of the
// time goes there (1,000 cases took 46 s one at a time, 70 to 100 s eight
// at a time, and two at a time is slower still). With the model making the
// route reflectors' decisions (one more advertise-and-settle round per
// convergence) and the new generator, 1,000 cases took 30 to 48 s in
// 2026-12 runs, after bgp's Close stopped waiting out a stalled GoBGP
// main loop (before, one case a run could hold it 40 to 95 s).
func parallelLabs() int {
	if n, err := strconv.Atoi(os.Getenv("VPNSIM_PARALLEL_LABS")); err == nil && n > 0 {
		return n
	}
	return 1
}

// batchSize is the number of cases one rapid check draws and runs, up to
// parallel at a time: one case per check when they run one at a time (so
// that shrinking runs one network per attempt), else four rounds' worth.
func batchSize(parallel int) int {
	if parallel == 1 {
		return 1
	}
	return 4 * parallel
}

const (
	// propertyCases is the least number of cases a full run checks, and
	// smokeCases the number under the race detector or -short.
	propertyCases = 1000
	smokeCases    = 50
	// ciSeed is rapid's seed when CI=true and no seed is given.
	ciSeed = "20261127"
)

// regressionDir is where a shrunk counterexample is saved as a scenario.
var regressionDir = filepath.Join("..", "scenarios", "regressions")

// TestSeparationProperty checks customer separation on random networks
// against an oracle that reads only the topology (see oracle.ping).
//
// Each case is a random provider core (3 to 8 routers, 0 to 2 reflectors,
// connected or not, metrics 10 to 30, random php, ttl-propagation and
// vpn-label-allocation), 1 to 4 VRFs with random import and export sets
// from three route targets, and 2 to 6 sites with one or two LANs each,
// static or eBGP, on random PEs in random VRFs. After the first
// convergence random provider links, attachment circuits and routers fail;
// after the next, some of them come back. Then every site pings the first
// host of every other site's first LAN.
//
// The oracle's rule, in short: a ping from site S to an address a in site
// D's LAN is answered by the site T whose LAN holds a in S's VRF on S's PE
// (T is D unless S's VRF sees another site with that prefix, which is then
// the right answer); S's VRF holds T's routes when T's attachment (link and
// PE) is up and T is on S's PE in S's VRF or in a VRF S's VRF imports, or T
// is on another PE, S's VRF imports T's VRF's export targets, and the two
// PEs exchange routes (connected through up links and routers, and with an
// up reflector among them when the network has any).
// The reply comes back to S exactly when T's VRF on T's PE in turn sends
// S's source address to S. Otherwise: unreachable from S's PE (static S) or
// lost at S's CE (eBGP S, or S's attachment down) when S's VRF has no
// route; lost where the reply had no route, or lost to another site using
// S's address. eBGP sites may share one AS: a CE drops the routes of a
// site of its own AS (an AS-path loop) unless its link says as-override
// or allowas-in, so the request or the reply is lost at that CE.
//
// Cases are generated so that the oracle is never ambiguous: no VRF could
// ever hold routes of two different sites for overlapping prefixes (a site
// takes the next LAN of the pool when its drawn one would overlap; see
// freeLAN). Prefixes are otherwise reused freely between customers.
//
// Each rapid check draws a batch of cases and runs their networks,
// parallelLabs at a time; a full run is at least propertyCases cases (the
// count is set here, so -rapid.checks only raises it). With CI=true the
// seed is fixed unless -rapid.seed or RAPID_SEED gives one. Under the race
// detector or -short only smokeCases run: run the full property without
// -race (`go test -count=1 -run '^TestSeparationProperty$' ./lab/`).
//
// A failing case, once rapid has shrunk it, is saved under
// scenarios/regressions as a scenario (and its topology), which
// TestSeparationRegressions then runs on every test run.
func TestSeparationProperty(t *testing.T) {
	cases := propertyCases
	if raceEnabled || testing.Short() {
		cases = smokeCases
	}
	batch := batchSize(parallelLabs())
	checks := (cases + batch - 1) / batch
	if testing.Short() {
		checks *= 5 // rapid runs a fifth of its checks under -short
	}
	explicit := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if cur, _ := strconv.Atoi(flag.Lookup("rapid.checks").Value.String()); explicit["rapid.checks"] && cur > checks {
		checks = cur
	}
	setFlag(t, "rapid.checks", strconv.Itoa(checks))
	if _, env := os.LookupEnv("RAPID_SEED"); os.Getenv("CI") == "true" && !explicit["rapid.seed"] && !env {
		setFlag(t, "rapid.seed", ciSeed)
	}

	var (
		mu      sync.Mutex
		last    *failedCase // the last failing case: after shrinking, the minimal one
		total   int
		results = map[string]int{}
	)
	t.Cleanup(func() {
		if !t.Failed() || last == nil {
			return
		}
		path, err := saveRegression(regressionDir, last)
		if err != nil {
			t.Errorf("saving the counterexample: %v", err)
			return
		}
		t.Logf("counterexample saved as %s; run it with: vpnsim run %s", path, path)
	})
	rapid.Check(t, func(rt *rapid.T) {
		cs := make([]sepCase, batch)
		for i := range cs {
			cs[i] = genCase.Draw(rt, fmt.Sprintf("case %d", i))
		}
		rs := runBatch(cs)
		mu.Lock()
		defer mu.Unlock()
		total += len(cs)
		for _, r := range rs {
			for k, n := range r.Outcomes {
				results[k] += n
			}
		}
		for i, r := range rs {
			if !r.failed() {
				continue
			}
			last = &failedCase{c: cs[i], res: r}
			msg := strings.Join(r.Mismatches, "\n")
			if r.Err != nil {
				msg = r.Err.Error()
			}
			fail, restore := cs[i].changes()
			rt.Fatalf("case %d of the check breaks separation:\n%s\nfailed: %v, then restored: %v\ntopology:\n%s", i, msg, fail, restore, cs[i].topologyYAML("separation"))
		}
	})
	t.Logf("%d cases, expected outcomes of their pings: %v", total, results)
	if total < cases {
		t.Errorf("only %d of %d cases ran: rapid stopped early to meet the test's deadline (-timeout)", total, cases)
	}
	// The property is only as good as its cases: every kind of outcome
	// must have been expected (and so checked) many times.
	for _, k := range []string{network.Reply, network.Unreachable, network.Lost} {
		if results[k] < total/10 {
			t.Errorf("only %d of the pings of %d cases were expected to end %s: the generator is too narrow", results[k], total, k)
		}
	}
}

// setFlag sets a command-line flag for this test and restores it after.
func setFlag(t *testing.T, name, value string) {
	f := flag.Lookup(name)
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// failedCase is a counterexample and what it did.
type failedCase struct {
	c   sepCase
	res caseResult
}

// saveRegression writes the case as a scenario under dir (and its topology
// under dir/topologies, so that `vpnsim test DIR` finds only scenarios):
// the failures, then every ping with the oracle's expectation. The name
// comes from a hash of the topology and the failures, so the same
// counterexample is saved once. It returns the scenario's path.
func saveRegression(dir string, f *failedCase) (string, error) {
	h := fnv.New32a()
	h.Write(f.c.topologyYAML(""))
	fail, restore := f.c.changes()
	fmt.Fprint(h, fail, restore)
	name := fmt.Sprintf("separation-%08x", h.Sum32())
	if err := os.MkdirAll(filepath.Join(dir, "topologies"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "topologies", name+".yaml"), f.c.topologyYAML(name), 0o644); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".yaml")
	return path, os.WriteFile(path, regressionScenario(name, f), 0o644)
}

// regressionScenario is the scenario text of a counterexample.
func regressionScenario(name string, f *failedCase) []byte {
	var b strings.Builder
	b.WriteString("# A counterexample TestSeparationProperty (lab/property_test.go) found and\n")
	b.WriteString("# shrank. Each ping expects what the property's oracle says; what the\n# simulator did instead:\n")
	for _, m := range f.res.Mismatches {
		fmt.Fprintf(&b, "#   %s\n", m)
	}
	if f.res.Err != nil {
		fmt.Fprintf(&b, "#   %s\n", strings.ReplaceAll(f.res.Err.Error(), "\n", "\n#   "))
	}
	fmt.Fprintf(&b, "name: %s\ntopology: topologies/%s.yaml\nsteps:\n", name, name)
	fail, restore := f.c.changes()
	for _, step := range []struct {
		action  string
		targets []target
	}{{"fail", fail}, {"restore", restore}} {
		for _, x := range step.targets {
			if x.Peer == "" {
				fmt.Fprintf(&b, "  - %s: {node: %s}\n", step.action, x.Node)
			} else {
				fmt.Fprintf(&b, "  - %s: {link: [%s, %s]}\n", step.action, x.Node, x.Peer)
			}
		}
	}
	for _, p := range f.c.probes() {
		fmt.Fprintf(&b, "  - ping: {from: %s, to: %s}\n", p.From, p.To)
		switch w := p.Want; {
		case w.Result == network.Lost && w.DroppedAt != "":
			fmt.Fprintf(&b, "    expect: {result: lost, dropped-at: %s}\n", w.DroppedAt)
		case w.Result == network.Lost:
			b.WriteString("    expect: {result: lost}\n")
		default:
			fmt.Fprintf(&b, "    expect: {result: %s, reply-from: %s}\n", w.Result, w.From)
		}
	}
	return []byte(b.String())
}
