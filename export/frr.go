package export

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// conf builds an FRR configuration, one command a line.
type conf struct{ b strings.Builder }

// line writes one line indented by depth spaces.
func (c *conf) line(depth int, format string, a ...any) {
	c.b.WriteString(strings.Repeat(" ", depth))
	fmt.Fprintf(&c.b, format, a...)
	c.b.WriteByte('\n')
}

// end closes a block: FRR's "!" separator.
func (c *conf) end() { c.b.WriteString("!\n") }

var roleNames = map[topologies.Role]string{
	topologies.RolePE: "provider edge router",
	topologies.RoleP:  "provider core router",
	topologies.RoleRR: "route reflector",
	topologies.RoleCE: "customer edge router",
}

// title says what the router is, for the first line of its files.
func (r *router) title() string {
	return fmt.Sprintf("%s, %s (%s) of topology %s, written by vpnsim export", r.n.Name, roleNames[r.n.Role], r.n.Role, r.t.Name)
}

// frrConf returns the router's frr.conf. Blocks come in the order FRR
// needs: IS-IS's wide metrics before the interfaces that use them, VRFs
// before their interfaces, BGP's default instance before the VRF instances
// that import from it.
func (r *router) frrConf() []byte {
	var c conf
	c.line(0, "! %s", r.title())
	if d := r.n.Description; d != "" {
		c.line(0, "! description: %s", comment(d))
	}
	c.line(0, "! setup.sh (run by containerlab's exec) makes the kernel settings FRR does not:")
	c.line(0, "! %s", r.setupSummary())
	if a := r.t.Provider.VPNLabelAllocation; r.n.Role == topologies.RolePE && (a == topologies.PerPrefix || a == topologies.PerCE) {
		c.line(0, "! vpn-label-allocation %s: FRR 8.4 allocates one VPN label per VRF", a)
		c.line(0, "! (label vpn export auto); see docs/real-lab.md")
	}
	for _, p := range r.t.ExternalPeers {
		if p.PeerOf == r.n.Name {
			c.line(0, "! external peer %s (%s, AS %d) is not exported: it is a router outside the model that", p.Name, p.Address, p.ASN)
			c.line(0, "! connects to vpnsim on 127.0.0.0/8; to keep it, add it as a VPNv4 neighbour of %s here", r.n.Loopback)
		}
	}
	if lr := r.n.LabelRange; lr != [2]uint32{} {
		// FRR 8.4's label manager hands out labels from 16 with no range
		// to set (FRR 9 added "mpls label dynamic-block"); say so.
		c.line(0, "! label-range [%d, %d]: FRR 8.4 has no command for it (FRR 9 and later: mpls label", lr[0], lr[1])
		c.line(0, "! dynamic-block %d %d), so this router's labels differ; see docs/real-lab.md", lr[0], lr[1])
	}
	c.line(0, "frr version 8.4")
	c.line(0, "frr defaults traditional")
	c.line(0, "hostname %s", r.n.Name)
	c.line(0, "log stdout informational")
	c.line(0, "service integrated-vtysh-config")
	c.end()
	if r.n.IsProvider() {
		r.isis(&c)
	}
	for _, v := range r.vrfs() {
		c.line(0, "vrf %s", v.Name)
		c.line(0, "exit-vrf")
		c.end()
	}
	r.interfaces(&c)
	r.staticRoutes(&c)
	if r.n.IsProvider() {
		r.ldp(&c)
	}
	r.policies(&c)
	switch r.n.Role {
	case topologies.RolePE, topologies.RoleRR:
		r.ibgp(&c)
		for _, v := range r.vrfs() {
			r.vrfBGP(&c, v)
		}
	case topologies.RoleCE:
		r.ceBGP(&c)
	}
	return []byte(c.b.String())
}

// setupSummary says in a few words what setup.sh does on this router.
func (r *router) setupSummary() string {
	if r.n.Role == topologies.RoleCE {
		return "the LANs' addresses on lo."
	}
	s := "the loopback address, MPLS input on lo and the core interfaces"
	if r.n.Role == topologies.RolePE {
		s += ", the VRF devices"
	}
	switch r.t.Provider.TTLPropagation {
	case topologies.TTLPipe:
		s += ", ttl-propagation pipe"
	case topologies.TTLPipeForwarded:
		s += ", ttl-propagation pipe for all traffic (Linux has no pipe-forwarded: the router's own traceroutes do not see the core)"
	}
	return s + "."
}

func (r *router) isis(c *conf) {
	c.line(0, "router isis %s", isisTag)
	c.line(1, "net %s", net(r.n.Loopback))
	c.line(1, "is-type level-2-only")
	c.line(1, "metric-style wide")
	c.line(0, "exit")
	c.end()
}

func (r *router) interfaces(c *conf) {
	for _, i := range r.n.Interfaces {
		p := i.Peer()
		switch {
		case i.Link.IsEVPN():
			c.line(0, "! interface %s: attachment of EVPN %s (%s) is not exported: FRR 8.4 runs EVPN over VXLAN only, not over MPLS", i.Name, i.Link.EVPN, p)
			c.end()
			continue
		case !i.Link.IsAttachment():
			c.line(0, "interface %s", i.Name)
			c.line(1, "description to %s", p)
			c.line(1, "ip address %s", i.Addr)
			c.line(1, "ip router isis %s", isisTag)
			c.line(1, "isis network point-to-point")
			c.line(1, "isis metric %d", i.Link.Metric)
		case r.n.Role == topologies.RolePE:
			c.line(0, "interface %s vrf %s", ifName(i), i.Link.VRF)
			c.line(1, "description to %s, VRF %s, %s routing", p, i.Link.VRF, i.Link.Routing)
			c.line(1, "ip address %s", i.Addr)
		default:
			c.line(0, "interface %s", ifName(i))
			c.line(1, "description to %s, %s routing", p, i.Link.Routing)
			c.line(1, "ip address %s", i.Addr)
		}
		c.line(0, "exit")
		c.end()
	}
	// The loopback and a CE's LANs are addresses on lo, in frr.conf as
	// zebra configures them (setup.sh adds the same with ip addr replace,
	// for a router whose zebra starts later), so the configuration alone
	// says what the router is: vpnsim import frr reads them back.
	switch {
	case r.n.IsProvider():
		c.line(0, "interface lo")
		c.line(1, "ip address %s/32", r.n.Loopback)
		c.line(1, "ip router isis %s", isisTag)
		c.line(1, "isis passive")
		c.line(0, "exit")
		c.end()
	case len(r.n.LANs) > 0:
		c.line(0, "interface lo")
		for _, lan := range r.n.LANs {
			c.line(1, "ip address %s", lanAddr(lan))
		}
		c.line(0, "exit")
		c.end()
	}
}

// staticRoutes writes a PE's routes to the LANs of its static CEs and a
// CE's default route toward each PE it reaches over a static attachment.
func (r *router) staticRoutes(c *conf) {
	type route struct {
		vrf, via string // via: the next hop's node, which orders a CE's defaults as the simulator does
		prefix   netip.Prefix
		nh       netip.Addr
		null0    bool // a VRF static route to null0
	}
	var routes []route
	for _, i := range r.attachments() {
		if i.Link.Routing != topologies.RoutingStatic {
			continue
		}
		p := i.Peer()
		switch r.n.Role {
		case topologies.RolePE:
			for _, lan := range p.Node.LANs {
				routes = append(routes, route{vrf: i.Link.VRF, prefix: lan.Masked(), nh: p.Addr.Addr()})
			}
		case topologies.RoleCE:
			routes = append(routes, route{via: p.Node.Name, prefix: netip.MustParsePrefix("0.0.0.0/0"), nh: p.Addr.Addr()})
		}
	}
	for _, v := range r.vrfs() {
		for _, st := range v.Static {
			if st.PE != "" && st.PE != r.n.Name {
				continue
			}
			if st.Null0 {
				routes = append(routes, route{vrf: v.Name, prefix: st.Prefix, null0: true})
				continue
			}
			for _, i := range r.attachments() {
				if i.Link.VRF == v.Name && i.Peer().Addr.Addr() == st.NextHop {
					routes = append(routes, route{vrf: v.Name, prefix: st.Prefix, nh: st.NextHop})
					break
				}
			}
		}
	}
	if len(routes) == 0 {
		return
	}
	slices.SortFunc(routes, func(a, b route) int {
		return cmp.Or(cmp.Compare(a.vrf, b.vrf), vrf.ComparePrefix(a.prefix, b.prefix), cmp.Compare(a.via, b.via), a.nh.Compare(b.nh))
	})
	for _, rt := range routes {
		if rt.null0 {
			c.line(0, "ip route %s blackhole vrf %s", rt.prefix, rt.vrf)
		} else if rt.vrf != "" {
			c.line(0, "ip route %s %s vrf %s", rt.prefix, rt.nh, rt.vrf)
		} else {
			c.line(0, "ip route %s %s", rt.prefix, rt.nh)
		}
	}
	c.end()
}

func (r *router) ldp(c *conf) {
	lo := r.n.Loopback
	c.line(0, "mpls ldp")
	c.line(1, "router-id %s", lo)
	c.line(1, "!")
	c.line(1, "address-family ipv4")
	c.line(2, "discovery transport-address %s", lo)
	c.line(2, "label local allocate host-routes")
	if !r.t.Provider.PHP {
		c.line(2, "label local advertise explicit-null")
	}
	c.line(2, "!")
	for _, i := range r.ldpCore() {
		c.line(2, "interface %s", i.Name)
		c.line(2, "exit")
		c.line(2, "!")
	}
	c.line(1, "exit-address-family")
	c.line(1, "!")
	c.line(0, "exit")
	c.end()
}

// ibgp writes the default BGP instance of a PE or RR: its VPNv4 sessions
// between loopbacks.
func (r *router) ibgp(c *conf) {
	asn, lo := r.t.Provider.ASN, r.n.Loopback
	peers := r.ibgpPeers()
	c.line(0, "router bgp %d", asn)
	c.line(1, "bgp router-id %s", lo)
	c.line(1, "bgp bestpath compare-routerid")
	if r.n.Role == topologies.RoleRR {
		c.line(1, "bgp cluster-id %s", lo)
	}
	c.line(1, "no bgp default ipv4-unicast")
	for _, p := range peers {
		c.line(1, "neighbor %s remote-as %d", p.n.Loopback, asn)
		c.line(1, "neighbor %s description %s", p.n.Loopback, p.n.Name)
		c.line(1, "neighbor %s update-source lo", p.n.Loopback)
	}
	c.line(1, "!")
	c.line(1, "address-family ipv4 vpn")
	for _, p := range peers {
		c.line(2, "neighbor %s activate", p.n.Loopback)
		if p.client {
			c.line(2, "neighbor %s route-reflector-client", p.n.Loopback)
		}
	}
	c.line(1, "exit-address-family")
	c.line(0, "exit")
	c.end()
}

// vrfBGP writes the BGP instance of VRF v on a PE: export of its own routes
// to VPNv4 with its RD, label and route targets, import by route target,
// and eBGP to the CEs attached with routing: ebgp. As in the simulator,
// one best path per prefix (no multipath), and never chosen by arrival
// order (compare-routerid, which every instance has).
func (r *router) vrfBGP(c *conf, v *topologies.VRF) {
	var ces []*topologies.Interface // the CE ends of eBGP attachments in v
	for _, i := range r.attachments() {
		if i.Link.VRF == v.Name && i.Link.Routing == topologies.RoutingEBGP {
			ces = append(ces, i.Peer())
		}
	}
	slices.SortFunc(ces, func(a, b *topologies.Interface) int { return a.Addr.Addr().Compare(b.Addr.Addr()) })
	c.line(0, "router bgp %d vrf %s", r.t.Provider.ASN, v.Name)
	c.line(1, "bgp router-id %s", r.n.Loopback)
	c.line(1, "bgp bestpath compare-routerid")
	if len(ces) > 0 {
		c.line(1, "no bgp ebgp-requires-policy")
	}
	for _, ce := range ces {
		c.line(1, "neighbor %s remote-as %d", ce.Addr.Addr(), ce.Node.ASN)
		c.line(1, "neighbor %s description %s", ce.Addr.Addr(), ce.Node.Name)
	}
	c.line(1, "!")
	c.line(1, "address-family ipv4 unicast")
	c.line(2, "redistribute connected")
	if !r.staticAttrs(v) {
		c.line(2, "redistribute static")
	}
	c.line(2, "maximum-paths 1")
	c.line(2, "maximum-paths ibgp 1")
	for _, ce := range ces {
		a, b := ce.Addr.Addr(), ce.Link.BGP
		c.line(2, "neighbor %s activate", a)
		if b.ASOverride {
			c.line(2, "neighbor %s as-override", a)
		}
		if b.PEAllowASIn > 0 {
			c.line(2, "neighbor %s allowas-in %d", a, b.PEAllowASIn)
		}
		if setsAttrs(b) {
			c.line(2, "neighbor %s route-map %s in", a, ceInMap(ce.Node))
		}
		if b.SoO != (vrf.RouteTarget{}) {
			c.line(2, "neighbor %s route-map %s out", a, ceOutMap(ce.Node))
		}
	}
	if r.staticAttrs(v) {
		c.line(2, "redistribute static route-map %s", vrfStaticMap(v))
	}
	if v.ImportMap != nil {
		c.line(2, "route-map vpn import %s", vrfMap(v, "IMPORT"))
	}
	if v.ExportMap != nil {
		c.line(2, "route-map vpn export %s", vrfMap(v, "EXPORT"))
	}
	c.line(2, "label vpn export auto")
	c.line(2, "rd vpn export %s", r.rd(v))
	if len(v.Import) > 0 {
		c.line(2, "rt vpn import %s", joinRTs(v.Import))
	}
	if len(v.Export) > 0 {
		c.line(2, "rt vpn export %s", joinRTs(v.Export))
	}
	c.line(2, "export vpn")
	c.line(2, "import vpn")
	c.line(1, "exit-address-family")
	c.line(0, "exit")
	c.end()
}

// ceBGP writes a CE's eBGP to each PE it is attached to with routing:
// ebgp, advertising its LANs.
func (r *router) ceBGP(c *conf) {
	var pes []*topologies.Interface // the PE ends of eBGP attachments
	for _, i := range r.attachments() {
		if i.Link.Routing == topologies.RoutingEBGP {
			pes = append(pes, i.Peer())
		}
	}
	if len(pes) == 0 {
		return
	}
	slices.SortFunc(pes, func(a, b *topologies.Interface) int { return a.Addr.Addr().Compare(b.Addr.Addr()) })
	c.line(0, "router bgp %d", r.n.ASN)
	c.line(1, "bgp router-id %s", ceSource(r.n))
	c.line(1, "bgp bestpath compare-routerid")
	c.line(1, "no bgp ebgp-requires-policy")
	for _, pe := range pes {
		c.line(1, "neighbor %s remote-as %d", pe.Addr.Addr(), r.t.Provider.ASN)
		c.line(1, "neighbor %s description %s", pe.Addr.Addr(), pe.Node.Name)
	}
	c.line(1, "!")
	c.line(1, "address-family ipv4 unicast")
	lans := slices.Clone(r.n.LANs)
	slices.SortFunc(lans, vrf.ComparePrefix)
	for _, lan := range slices.Compact(lans) {
		c.line(2, "network %s", lan.Masked())
	}
	for _, pe := range pes {
		c.line(2, "neighbor %s activate", pe.Addr.Addr())
		if n := pe.Link.BGP.AllowASIn; n > 0 {
			c.line(2, "neighbor %s allowas-in %d", pe.Addr.Addr(), n)
		}
	}
	c.line(1, "exit-address-family")
	c.line(0, "exit")
	c.end()
}

func joinRTs(rts []vrf.RouteTarget) string {
	s := make([]string, len(rts))
	for i, rt := range rts {
		s[i] = rt.String()
	}
	return strings.Join(s, " ")
}

// daemons returns the router's /etc/frr/daemons: zebra and staticd always
// run; bgpd on PEs, RRs and eBGP CEs; isisd and ldpd on provider routers.
func (r *router) daemons() []byte {
	bgp := r.n.Role == topologies.RolePE || r.n.Role == topologies.RoleRR ||
		slices.ContainsFunc(r.attachments(), func(i *topologies.Interface) bool { return i.Link.Routing == topologies.RoutingEBGP })
	on := map[string]bool{"bgpd": bgp, "isisd": r.n.IsProvider(), "ldpd": r.n.IsProvider()}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", r.title())
	b.WriteString("# The FRR daemons that run here; zebra and staticd always do.\n")
	for _, d := range daemonNames {
		yes := "no"
		if on[d] {
			yes = "yes"
		}
		fmt.Fprintf(&b, "%s=%s\n", d, yes)
	}
	b.WriteString("vtysh_enable=yes\n")
	b.WriteString("zebra_options=\"-A 127.0.0.1 -s 90000000\"\n")
	b.WriteString("staticd_options=\"-A 127.0.0.1\"\n")
	for _, d := range daemonNames {
		if on[d] {
			fmt.Fprintf(&b, "%s_options=\"-A 127.0.0.1\"\n", d)
		}
	}
	return []byte(b.String())
}

// daemonNames are the optional daemons a daemons file turns on or off.
var daemonNames = []string{"bgpd", "isisd", "ldpd"}
