package confimport

import (
	"net/netip"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
)

// ParseFRR reads one FRR integrated configuration (frr.conf, the output of
// "show running-config" in vtysh). Diagnostics go to l.
func ParseFRR(file string, data []byte, l *diag.List) *Router {
	r := newRouter(file, l)
	r.LabelMode = topologies.PerVRF // FRR: label vpn export auto, one label per VRF
	p := frrParser{r: r}
	for _, ln := range lines(data) {
		p.line(ln)
	}
	r.resolveGroups()
	r.resolveOSPF()
	return r
}

type frrParser struct {
	r     *Router
	ctx   string // the block the line is in: "" at the top
	sub   string // the sub-block: an address family
	ifc   *Interface
	vrf   string // the VRF of a vrf block or a router bgp vrf instance
	rm    *RouteMapEntry
	ldpIf bool
}

func (p *frrParser) line(l line) {
	r := p.r
	w := l.w
	if strings.HasPrefix(l.text, "!") {
		return
	}
	if l.indent == 0 {
		switch l.text {
		case "exit", "exit-vrf", "end":
			p.ctx, p.sub, p.ifc, p.rm = "", "", nil, nil
			return
		}
		p.ctx, p.sub, p.ifc, p.rm, p.vrf = "", "", nil, nil, ""
		p.top(l)
		return
	}
	switch p.ctx {
	case "interface":
		p.ifLine(l)
	case "vrf":
		if w[0] == "ip" && len(w) > 1 && w[1] == "route" {
			p.route(l, w[2:], p.vrf)
			return
		}
		r.ignored(l)
	case "bgp":
		p.bgpLine(l)
	case "ldp":
		p.ldpLine(l)
	case "isis":
		switch w[0] {
		case "net", "is-type", "metric-style", "log-adjacency-changes", "lsp-gen-interval", "area-password", "domain-password":
		default:
			r.ignored(l)
		}
	case "ospf":
		switch {
		case w[0] == "ospf" && len(w) == 3 && w[1] == "router-id":
			if a, err := netip.ParseAddr(w[2]); err == nil && !r.RouterID.IsValid() {
				r.RouterID = a
			}
		case w[0] == "auto-cost" && len(w) == 3 && w[1] == "reference-bandwidth":
			if n, ok := parseU(w[2], 32); ok && n > 0 {
				r.OSPFRefBW = uint32(n)
			}
		case w[0] == "network" && len(w) == 4 && w[2] == "area":
			if pr, err := netip.ParsePrefix(w[1]); err == nil {
				r.ospfNets = append(r.ospfNets, ospfNetwork{prefix: pr.Masked()})
			}
		case w[0] == "passive-interface", w[0] == "log-adjacency-changes":
		default:
			r.ignored(l)
		}
	case "route-map":
		r.routeMapLine(l, p.rm)
	case "skip":
		// inside a block already reported
	default:
		r.ignored(l)
	}
}

// top handles a line at column 1: a command or the start of a block.
func (p *frrParser) top(l line) {
	r, w := p.r, l.w
	switch {
	case w[0] == "hostname" && len(w) == 2:
		r.Hostname, r.Line = w[1], l.n
	case w[0] == "frr" || w[0] == "log" || w[0] == "service" || w[0] == "password" || w[0] == "debug" ||
		l.text == "ip forwarding" || l.text == "ipv6 forwarding":
	case w[0] == "line":
		p.ctx = "skip"
	case w[0] == "interface" && len(w) >= 2:
		p.ctx = "interface"
		p.ifc = r.iface(w[1], l.n)
		if len(w) == 4 && w[2] == "vrf" {
			p.ifc.VRF = w[3]
			r.vrfConf(w[3], l.n)
		} else if len(w) != 2 {
			r.ignored(l)
		}
		if w[1] == "lo" {
			p.ifc.Loopback = true
		}
	case w[0] == "vrf" && len(w) == 2:
		p.ctx, p.vrf = "vrf", w[1]
		r.vrfConf(w[1], l.n)
	case w[0] == "ip" && len(w) > 2 && w[1] == "route":
		p.route(l, w[2:], "")
	case w[0] == "ip" && len(w) > 2 && w[1] == "prefix-list":
		r.prefixListLine(l, w[2], w[3:])
	case w[0] == "route-map" && len(w) == 4:
		p.ctx = "route-map"
		p.rm = r.routeMapEntry(l, w[1], w[2], w[3])
	case w[0] == "bgp" && len(w) == 7 && w[1] == "extcommunity-list" && w[2] == "standard" && w[4] == "permit" && w[5] == "soo":
		if rt, ok := parseRT(w[6]); ok {
			r.SoOLists[w[3]] = rt.SiteOfOrigin()
		} else {
			r.errorf(l, "%q is not a route target", w[6])
		}
	case w[0] == "router" && len(w) >= 3 && w[1] == "bgp":
		p.ctx = "bgp"
		as, ok := parseU(w[2], 32)
		if !ok {
			r.errorf(l, "%q is not an AS number", w[2])
			return
		}
		if len(w) == 5 && w[3] == "vrf" {
			p.vrf = w[4]
			r.vrfConf(w[4], l.n)
		} else if len(w) != 3 {
			r.ignored(l)
			p.ctx = "skip"
			return
		}
		if r.ASN != 0 && r.ASN != uint32(as) {
			r.errorf(l, "router bgp %d: this router already runs BGP in AS %d; one AS per router", as, r.ASN)
			return
		}
		r.ASN = uint32(as)
	case w[0] == "router" && len(w) >= 2 && w[1] == "isis":
		p.ctx = "isis"
	case w[0] == "router" && len(w) >= 2 && w[1] == "ospf":
		if len(w) >= 4 && w[2] == "vrf" {
			r.errorf(l, "OSPF in VRF %s: vpnsim's PE–CE routing is static or eBGP; configure eBGP or static routes toward the CE", w[3])
			p.ctx = "skip"
			return
		}
		p.ctx = "ospf"
		r.OSPF = true
	case w[0] == "router" && len(w) >= 4 && (w[1] == "rip" || w[1] == "eigrp" || w[1] == "babel") && w[len(w)-2] == "vrf":
		r.errorf(l, "%s in VRF %s: vpnsim's PE–CE routing is static or eBGP; configure eBGP or static routes toward the CE", strings.ToUpper(w[1]), w[len(w)-1])
		p.ctx = "skip"
	case w[0] == "mpls" && len(w) == 2 && w[1] == "ldp":
		p.ctx = "ldp"
		r.LDP = true
	case w[0] == "mpls" && len(w) == 5 && w[1] == "label" && w[2] == "dynamic-block":
		// FRR 9: the labels the label manager hands out
		lo, ok1 := parseU(w[3], 20)
		hi, ok2 := parseU(w[4], 20)
		if !ok1 || !ok2 || lo > hi {
			r.errorf(l, "mpls label dynamic-block needs two labels, the lower first (16 to 1048575)")
			return
		}
		r.LabelRange = [2]uint32{uint32(lo), uint32(hi)}
	default:
		r.ignored(l)
		p.ctx = "skip"
	}
}

func (p *frrParser) ifLine(l line) {
	r, w, i := p.r, l.w, p.ifc
	switch {
	case w[0] == "ip" && len(w) == 3 && w[1] == "address":
		pr, err := netip.ParsePrefix(w[2])
		if err != nil || !pr.Addr().Is4() {
			r.errorf(l, "%q is not an IPv4 address with its length, such as 10.0.0.1/32", w[2])
			return
		}
		r.address(l, i, pr)
	case w[0] == "ip" && len(w) >= 3 && w[1] == "router" && w[2] == "isis":
		i.IGP = true
	case w[0] == "ip" && len(w) >= 3 && w[1] == "ospf" && w[2] == "area":
		i.IGP = true
		r.OSPF = true
	case w[0] == "isis" && len(w) >= 3 && w[1] == "metric":
		if n, ok := parseU(w[len(w)-1], 24); ok && n > 0 {
			i.Metric = uint32(n)
		} else {
			r.errorf(l, "%q is not an IS-IS metric 1 to 16777215", w[len(w)-1])
		}
	case w[0] == "ip" && len(w) == 4 && w[1] == "ospf" && w[2] == "cost":
		if n, ok := parseU(w[3], 16); ok && n > 0 {
			i.Metric = uint32(n)
		} else {
			r.errorf(l, "%q is not an OSPF cost 1 to 65535", w[3])
		}
	case w[0] == "bandwidth" && len(w) == 2:
		if n, ok := parseU(w[1], 32); ok && n > 0 {
			i.Bandwidth = uint32(n)
		}
	case w[0] == "shutdown":
		i.Shutdown = true
	case w[0] == "description", w[0] == "isis" && len(w) >= 2 && (w[1] == "network" || w[1] == "passive" || w[1] == "circuit-type" || w[1] == "hello-interval"),
		w[0] == "ip" && len(w) >= 3 && w[1] == "ospf" && w[2] == "network", w[0] == "link-detect", l.text == "no shutdown",
		w[0] == "mpls" && len(w) == 2 && w[1] == "enable":
	case w[0] == "vrf" && len(w) == 2:
		i.VRF = w[1]
		r.vrfConf(w[1], l.n)
	default:
		r.ignored(l)
	}
}

// address records an interface address; a second one on a non-loopback
// interface cannot be represented (one address per link end).
func (r *Router) address(l line, i *Interface, pr netip.Prefix) {
	if !i.Loopback && len(i.Addrs) > 0 {
		r.errorf(l, "interface %s has two addresses (%s and %s): vpnsim gives a link end one; put the other on a loopback", i.Name, i.Addrs[0], pr)
		return
	}
	i.Addrs = append(i.Addrs, pr)
}

// route parses "P NH|blackhole|Null0 [vrf V] [DISTANCE]" after "ip route".
func (p *frrParser) route(l line, w []string, v string) {
	r := p.r
	if len(w) < 2 {
		r.ignored(l)
		return
	}
	pr, err := netip.ParsePrefix(w[0])
	if err != nil || !pr.Addr().Is4() {
		r.errorf(l, "%q is not an IPv4 prefix such as 10.1.1.0/24", w[0])
		return
	}
	st := Static{VRF: v, Prefix: pr.Masked(), Line: l.n}
	switch strings.ToLower(w[1]) {
	case "blackhole", "null0", "reject":
		st.Null0 = true
	default:
		a, err := netip.ParseAddr(w[1])
		if err != nil || !a.Is4() {
			r.ignored(l) // through an interface: no next hop to attach it to
			return
		}
		st.NextHop = a
	}
	rest := w[2:]
	if len(rest) >= 2 && rest[0] == "vrf" {
		st.VRF = rest[1]
		rest = rest[2:]
	}
	if len(rest) > 0 && rest[0] == "nexthop-vrf" {
		r.errorf(l, "a static route leaking between VRFs (nexthop-vrf) cannot be represented; leak with route targets instead")
		return
	}
	for len(rest) >= 2 && rest[0] == "tag" {
		rest = rest[2:]
	}
	if len(rest) > 1 || len(rest) == 1 && !isNumber(rest[0]) {
		r.ignored(l)
		return
	}
	r.Statics = append(r.Statics, st)
}

func isNumber(s string) bool { _, ok := parseU(s, 32); return ok }

func (p *frrParser) bgpLine(l line) {
	r, w := p.r, l.w
	if w[0] == "address-family" {
		p.sub = strings.Join(w[1:], " ")
		switch p.sub {
		case "ipv4 vpn", "ipv4 unicast", "ipv4":
		default:
			r.ignored(l)
			p.sub = "skip"
		}
		return
	}
	if w[0] == "exit-address-family" {
		p.sub = ""
		return
	}
	if p.sub == "skip" {
		return
	}
	switch {
	case w[0] == "bgp" && len(w) == 3 && w[1] == "router-id":
		if a, err := netip.ParseAddr(w[2]); err == nil && p.vrf == "" {
			r.RouterID = a
		}
	case w[0] == "bgp", l.text == "no bgp default ipv4-unicast", l.text == "no bgp ebgp-requires-policy",
		w[0] == "maximum-paths", w[0] == "label" && len(w) >= 3 && w[1] == "vpn" && w[2] == "export",
		l.text == "no bgp network import-check",
		l.text == "timers bgp 3 9", w[0] == "timers":
	case w[0] == "redistribute" && len(w) == 4 && w[1] == "static" && w[2] == "route-map":
		r.vrfConf(p.vrf, l.n).RedistStaticMap = w[3]
	case l.text == "import vpn":
		r.vrfConf(p.vrf, l.n).ImportVPN = true
	case l.text == "export vpn":
		r.vrfConf(p.vrf, l.n).ExportVPN = true
	case l.text == "redistribute static":
	case l.text == "redistribute connected":
		if p.vrf == "" {
			r.RedistConnected = true
		}
	case w[0] == "network" && len(w) == 2:
		pr, err := netip.ParsePrefix(w[1])
		if err != nil || !pr.Addr().Is4() {
			r.errorf(l, "%q is not an IPv4 prefix", w[1])
			return
		}
		if p.vrf == "" {
			r.Networks = append(r.Networks, pr.Masked())
		} else {
			r.ignored(l)
		}
	case w[0] == "rd" && len(w) == 4 && w[1] == "vpn" && w[2] == "export":
		rd, err := parseRD(w[3])
		if err != nil {
			r.errorf(l, "%v", err)
			return
		}
		v := r.vrfConf(p.vrf, l.n)
		v.RD, v.HasRD = rd, true
	case w[0] == "rt" && len(w) >= 4 && w[1] == "vpn":
		v := r.vrfConf(p.vrf, l.n)
		for _, s := range w[3:] {
			rt, ok := parseRT(s)
			if !ok {
				r.errorf(l, "%q is not a route target such as 65000:1", s)
				return
			}
			switch w[2] {
			case "import":
				v.Import = append(v.Import, rt)
			case "export":
				v.Export = append(v.Export, rt)
			case "both":
				v.Import = append(v.Import, rt)
				v.Export = append(v.Export, rt)
			default:
				r.ignored(l)
				return
			}
		}
	case w[0] == "route-map" && len(w) == 4 && w[1] == "vpn":
		v := r.vrfConf(p.vrf, l.n)
		switch w[2] {
		case "import":
			v.ImportMap = w[3]
		case "export":
			v.ExportMap = w[3]
		default:
			r.ignored(l)
		}
	case w[0] == "neighbor" && len(w) >= 3:
		r.neighborLine(l, p.vrf, p.sub == "ipv4 vpn", w[1:])
	case w[0] == "import" && len(w) >= 2 && w[1] == "vrf":
		r.errorf(l, "import vrf (FRR's leaking between VRFs without route targets) cannot be represented; leak with rt vpn import and export")
	default:
		r.ignored(l)
	}
}

// neighborLine handles "neighbor ADDR ..." in a BGP instance (both
// dialects); vpn: inside the VPNv4 address family.
func (r *Router) neighborLine(l line, v string, vpn bool, w []string) {
	var n *Neighbor
	a, err := netip.ParseAddr(w[0])
	switch {
	case err == nil:
		n = r.neighbor(v, a, l.n)
	case len(w) == 2 && w[1] == "peer-group":
		r.groups[v+"|"+w[0]] = &Neighbor{VRF: v, Line: l.n}
		return
	case r.groups[v+"|"+w[0]] != nil:
		n = r.groups[v+"|"+w[0]] // settings of a peer group: its members take them
	default:
		r.ignored(l) // an interface neighbour, or a peer group not defined before
		return
	}
	switch w[1] {
	case "peer-group":
		if len(w) != 3 || r.groups[v+"|"+w[2]] == nil {
			r.errorf(l, "peer group %s is not defined (neighbor %s peer-group) before this line", w[len(w)-1], w[len(w)-1])
			return
		}
		n.Group = w[2]
	case "remote-as":
		if len(w) != 3 {
			r.ignored(l)
			return
		}
		switch w[2] {
		case "internal":
			n.RemoteAS = r.ASN
			return
		case "external":
			return // FRR: any AS but ours; the CE's own router bgp says which
		}
		as, ok := parseU(w[2], 32)
		if !ok {
			r.errorf(l, "%q is not an AS number", w[2])
			return
		}
		n.RemoteAS = uint32(as)
	case "activate":
		if vpn {
			n.VPNv4 = true
		}
	case "route-reflector-client":
		n.RRClient = true
	case "as-override":
		n.ASOverride = true
	case "allowas-in":
		n.AllowASIn = 3 // FRR's and IOS's default
		if len(w) == 3 {
			if c, ok := parseU(w[2], 4); ok && c >= 1 && c <= 10 {
				n.AllowASIn = uint8(c)
			} else if w[2] != "origin" {
				r.errorf(l, "allowas-in %q: give a count 1 to 10", w[2])
			}
		}
	case "soo":
		if len(w) == 3 {
			if rt, ok := parseRT(w[2]); ok {
				n.SoO = rt.SiteOfOrigin()
				return
			}
		}
		r.errorf(l, "neighbor soo needs one route target such as 65000:101")
	case "route-map":
		if len(w) != 4 {
			r.ignored(l)
			return
		}
		if w[3] == "in" {
			n.RouteMapIn = w[2]
		} else {
			n.RouteMapOut = w[2]
		}
	case "description", "update-source", "send-community", "next-hop-self", "password", "timers", "ebgp-multihop", "shutdown",
		"soft-reconfiguration", "version", "fall-over", "bfd", "capability", "advertisement-interval":
		if w[1] == "shutdown" {
			r.errorf(l, "neighbor %s is shut down: vpnsim brings every configured session up; remove the neighbour", a)
		}
	default:
		r.ignored(l)
	}
}

func (p *frrParser) ldpLine(l line) {
	r, w := p.r, l.w
	switch {
	case w[0] == "router-id" && len(w) == 2:
		if a, err := netip.ParseAddr(w[1]); err == nil && !r.RouterID.IsValid() {
			r.RouterID = a
		}
	case w[0] == "address-family", w[0] == "exit-address-family", w[0] == "exit", w[0] == "discovery",
		l.text == "label local allocate host-routes":
	case l.text == "label local advertise explicit-null":
		r.ExplicitNull = true
	case w[0] == "interface" && len(w) == 2:
		r.iface(w[1], l.n).LDP = true
	default:
		r.ignored(l)
	}
}

// routeMapEntry starts "route-map NAME permit|deny SEQ".
func (r *Router) routeMapEntry(l line, name, action, seq string) *RouteMapEntry {
	m := r.RouteMaps[name]
	if m == nil {
		m = &RouteMap{Line: l.n}
		r.RouteMaps[name] = m
	}
	n, ok := parseU(seq, 16)
	if !ok || action != "permit" && action != "deny" {
		r.errorf(l, "route-map %s %s %s: expected permit or deny and a sequence number", name, action, seq)
		return &RouteMapEntry{}
	}
	e := &RouteMapEntry{Seq: int(n), Permit: action == "permit", Line: l.n}
	m.Entries = append(m.Entries, e)
	return e
}

// routeMapLine handles a match or set inside a route map entry (both
// dialects).
func (r *Router) routeMapLine(l line, e *RouteMapEntry) {
	if e == nil {
		return
	}
	w := l.w
	other := func() {
		if e.Other == "" {
			e.Other, e.OtherLine = l.text, l.n
		}
	}
	switch {
	case len(w) >= 5 && w[0] == "match" && w[1] == "ip" && w[2] == "address" && w[3] == "prefix-list":
		e.MatchPrefix = append(e.MatchPrefix, w[4:]...)
	case len(w) == 3 && w[0] == "match" && w[1] == "extcommunity":
		e.MatchSoO = w[2]
	case len(w) == 3 && w[0] == "set" && w[1] == "local-preference":
		if n, ok := parseU(w[2], 32); ok {
			e.LocalPref, e.HasLocalPref = uint32(n), true
		} else {
			other()
		}
	case len(w) == 3 && w[0] == "set" && w[1] == "metric":
		if n, ok := parseU(w[2], 32); ok {
			e.MED = uint32(n)
		} else {
			other()
		}
	case len(w) == 4 && w[0] == "set" && w[1] == "extcommunity" && w[2] == "soo":
		if rt, ok := parseRT(w[3]); ok {
			e.SoO = rt.SiteOfOrigin()
		} else {
			other()
		}
	case w[0] == "description":
	default:
		other()
	}
}
