package confimport

import (
	"net/netip"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
)

// ParseIOS reads one Cisco IOS or IOS-XE "show running-config". Blocks are
// what is indented under a command at column 1; "!" lines separate them.
// Diagnostics go to l.
func ParseIOS(file string, data []byte, l *diag.List) *Router {
	r := newRouter(file, l)
	r.IOS = true
	// IOS's default VPN label allocation is per prefix ("mpls label mode"
	// changes it)
	r.LabelMode = topologies.PerPrefix
	p := iosParser{r: r}
	ls := lines(data)
	for i := 0; i < len(ls); i++ {
		ln := ls[i]
		if ln.indent == 0 && ln.w[0] == "banner" && len(ln.w) >= 3 {
			// banner motd ^C ... ^C: skip to the closing delimiter
			delim := ln.w[2][:min(2, len(ln.w[2]))]
			if strings.Count(ln.text, delim) < 2 {
				for i++; i < len(ls) && !strings.Contains(ls[i].text, delim); i++ {
				}
			}
			continue
		}
		p.line(ln)
	}
	r.resolveGroups()
	r.resolveOSPF()
	return r
}

type iosParser struct {
	r   *Router
	ctx string
	sub string // an address family inside router bgp or vrf definition
	ifc *Interface
	vrf string
	rm  *RouteMapEntry
}

func (p *iosParser) line(l line) {
	r, w := p.r, l.w
	if strings.HasPrefix(l.text, "!") {
		return
	}
	if l.indent == 0 {
		p.ctx, p.sub, p.ifc, p.rm, p.vrf = "", "", nil, nil, ""
		p.top(l)
		return
	}
	switch p.ctx {
	case "interface":
		p.ifLine(l)
	case "vrf":
		p.vrfLine(l)
	case "bgp":
		p.bgpLine(l)
	case "igp":
		switch {
		case w[0] == "router-id" && len(w) == 2:
			if a, err := netip.ParseAddr(w[1]); err == nil && !r.RouterID.IsValid() {
				r.RouterID = a
			}
		case w[0] == "auto-cost" && len(w) == 3 && w[1] == "reference-bandwidth":
			if n, ok := parseU(w[2], 32); ok && n > 0 {
				r.OSPFRefBW = uint32(n)
			}
		case w[0] == "network" && len(w) == 5 && w[3] == "area":
			a, err1 := netip.ParseAddr(w[1])
			m, err2 := netip.ParseAddr(w[2])
			if err1 == nil && err2 == nil {
				b := wildcardBits(m)
				if b >= 0 {
					r.ospfNets = append(r.ospfNets, ospfNetwork{prefix: netip.PrefixFrom(a, b).Masked()})
				}
			}
		case l.text == "mpls ldp autoconfig" || strings.HasPrefix(l.text, "mpls ldp autoconfig "):
			r.LDP, r.LDPAll = true, true
		case w[0] == "net", w[0] == "is-type", w[0] == "metric-style", w[0] == "passive-interface", w[0] == "log-adjacency-changes",
			w[0] == "no" && len(w) > 1 && w[1] == "passive-interface":
		default:
			r.ignored(l)
		}
	case "pece":
		if len(w) >= 4 && w[0] == "address-family" && w[1] == "ipv4" && w[2] == "vrf" {
			r.errorf(l, "%s in VRF %s: vpnsim's PE–CE routing is static or eBGP; configure eBGP or static routes toward the CE", strings.ToUpper(p.sub), w[3])
		}
	case "route-map":
		r.routeMapLine(l, p.rm)
	case "skip":
	default:
		r.ignored(l)
	}
}

// wildcardBits turns an OSPF wildcard mask into a prefix length; -1 when
// it is not contiguous.
func wildcardBits(m netip.Addr) int {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 32
	for v&1 == 1 {
		v >>= 1
		n--
	}
	if v != 0 {
		return -1
	}
	return n
}

// maskBits turns a netmask such as 255.255.255.252 into a prefix length;
// -1 when it is not one.
func maskBits(m netip.Addr) int {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for v&0x80000000 != 0 {
		v <<= 1
		n++
	}
	if v != 0 {
		return -1
	}
	return n
}

// addrMask parses "ADDRESS MASK".
func addrMask(a, m string) (netip.Prefix, bool) {
	ad, err1 := netip.ParseAddr(a)
	mk, err2 := netip.ParseAddr(m)
	if err1 != nil || err2 != nil || !ad.Is4() || !mk.Is4() {
		return netip.Prefix{}, false
	}
	n := maskBits(mk)
	if n < 0 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(ad, n), true
}

// iosQuiet are top-level IOS commands that change nothing in the model.
var iosQuiet = []string{"version", "service", "no service", "boot-start-marker", "boot-end-marker", "boot", "enable", "no aaa",
	"aaa", "ip cef", "no ip domain", "ip domain", "end", "Building configuration", "Current configuration", "logging",
	"no logging", "ip forward-protocol", "no ip http", "ip http", "no ipv6 cef", "ipv6 unicast-routing", "multilink",
	"license", "redundancy", "control-plane", "memory-size", "ip subnet-zero", "ip classless", "clock", "username",
	"no ip source-route", "ip tcp", "ip ssh", "crypto", "spanning-tree", "vtp", "archive", "diagnostic", "platform",
	"no ip icmp", "call-home", "ntp", "snmp-server", "cdp", "no cdp", "lldp", "no ip bootp", "hw-module", "file",
	"ip finger", "no ip finger", "security", "login", "no ip dhcp", "mpls ldp router-id", "mpls label protocol ldp",
	"mpls ldp graceful-restart", "mpls ldp discovery", "mpls ldp session", "mpls ldp logging", "mpls ip default-route",
	"mpls ldp label", "subscriber", "vrf definition Mgmt-intf"}

func (p *iosParser) top(l line) {
	r, w := p.r, l.w
	for _, q := range iosQuiet {
		if l.text == q || strings.HasPrefix(l.text, q+" ") || q == "Current configuration" && strings.HasPrefix(l.text, q) ||
			q == "Building configuration" && strings.HasPrefix(l.text, q) {
			if q == "mpls label protocol ldp" || q == "mpls ldp router-id" {
				r.LDP = true
			}
			if q == "vrf definition Mgmt-intf" {
				p.ctx = "skip"
			} else if q == "control-plane" || q == "redundancy" || q == "archive" || q == "call-home" || q == "crypto" || q == "license" || q == "mpls ldp label" {
				p.ctx = "skip"
			}
			return
		}
	}
	switch {
	case w[0] == "hostname" && len(w) == 2:
		r.Hostname, r.Line = w[1], l.n
	case w[0] == "line":
		p.ctx = "skip"
	case w[0] == "interface" && len(w) == 2:
		p.ctx = "interface"
		p.ifc = r.iface(w[1], l.n)
		if strings.HasPrefix(strings.ToLower(w[1]), "loopback") {
			p.ifc.Loopback = true
		}
	case (w[0] == "ip" && len(w) == 3 && w[1] == "vrf") || (w[0] == "vrf" && len(w) == 3 && w[1] == "definition"):
		p.ctx, p.vrf = "vrf", w[2]
		r.vrfConf(w[2], l.n)
	case w[0] == "ip" && len(w) > 3 && w[1] == "route":
		p.route(l, w[2:])
	case w[0] == "ip" && len(w) > 2 && w[1] == "prefix-list":
		r.prefixListLine(l, w[2], w[3:])
	case w[0] == "route-map" && len(w) >= 2:
		p.ctx = "route-map"
		action, seq := "permit", "10"
		if len(w) >= 3 {
			action = w[2]
		}
		if len(w) >= 4 {
			seq = w[3]
		}
		p.rm = r.routeMapEntry(l, w[1], action, seq)
	case w[0] == "ip" && len(w) >= 5 && w[1] == "extcommunity-list":
		r.ignored(l)
	case w[0] == "router" && len(w) >= 3 && w[1] == "bgp":
		p.ctx = "bgp"
		as, ok := parseU(w[2], 32)
		if !ok {
			r.errorf(l, "%q is not an AS number", w[2])
			return
		}
		r.ASN = uint32(as)
	case w[0] == "router" && len(w) >= 2 && w[1] == "isis":
		p.ctx = "igp"
	case w[0] == "router" && len(w) >= 3 && w[1] == "ospf":
		if len(w) >= 5 && w[3] == "vrf" {
			r.errorf(l, "OSPF in VRF %s: vpnsim's PE–CE routing is static or eBGP; configure eBGP or static routes toward the CE", w[4])
			p.ctx = "skip"
			return
		}
		p.ctx = "igp"
		r.OSPF = true
	case w[0] == "router" && len(w) >= 2 && (w[1] == "eigrp" || w[1] == "rip"):
		// a customer's own routing is nothing to the model; in a VRF it is
		// the PE–CE protocol, which the model has no place for
		r.ignored(l)
		p.ctx, p.sub = "pece", w[1]
	case w[0] == "mpls" && len(w) == 5 && w[1] == "label" && w[2] == "range":
		lo, ok1 := parseU(w[3], 20)
		hi, ok2 := parseU(w[4], 20)
		if !ok1 || !ok2 || lo > hi || lo < 16 {
			r.errorf(l, "mpls label range needs two labels, the lower first (16 to 1048575)")
			return
		}
		r.LabelRange = [2]uint32{uint32(lo), uint32(hi)}
	case l.text == "mpls ip":
		r.LDP = true
	case l.text == "mpls ldp explicit-null" || strings.HasPrefix(l.text, "mpls ldp explicit-null "):
		r.ExplicitNull = true
	case strings.HasPrefix(l.text, "no mpls ip propagate-ttl"):
		r.NoTTLProp = true
	case w[0] == "mpls" && len(w) >= 6 && w[1] == "label" && w[2] == "mode":
		// mpls label mode all-vrfs|vrf NAME protocol bgp-vpnv4|all-afs per-vrf|per-prefix|per-ce
		if w[3] == "vrf" {
			r.warnf(l, "a label mode for one VRF: vpnsim's allocation is provider-wide; ignored")
			return
		}
		switch w[len(w)-1] {
		case "per-vrf":
			r.LabelMode = topologies.PerVRF
		case "per-prefix":
			r.LabelMode = topologies.PerPrefix
		case "per-ce":
			r.LabelMode = topologies.PerCE
		default:
			r.ignored(l)
		}
	default:
		r.ignored(l)
		p.ctx = "skip"
	}
}

func (p *iosParser) ifLine(l line) {
	r, w, i := p.r, l.w, p.ifc
	switch {
	case w[0] == "ip" && len(w) >= 4 && w[1] == "address":
		pr, ok := addrMask(w[2], w[3])
		if !ok {
			r.errorf(l, "%q %q is not an IPv4 address and netmask, such as 10.0.0.1 255.255.255.255", w[2], w[3])
			return
		}
		if len(w) == 5 && w[4] == "secondary" && !i.Loopback {
			r.errorf(l, "a secondary address on %s: vpnsim gives a link end one address; put it on a loopback", i.Name)
			return
		}
		r.address(l, i, pr)
	case l.text == "no ip address":
	case (w[0] == "ip" && len(w) == 4 && w[1] == "vrf" && w[2] == "forwarding") || (w[0] == "vrf" && len(w) == 3 && w[1] == "forwarding"):
		i.VRF = w[len(w)-1]
		r.vrfConf(i.VRF, l.n)
	case l.text == "mpls ip" || l.text == "mpls label protocol ldp":
		i.LDP = true
		r.LDP = true
	case l.text == "no mpls ip":
		i.LDP = false
	case w[0] == "ip" && len(w) >= 3 && w[1] == "router" && w[2] == "isis":
		i.IGP = true
	case w[0] == "ip" && len(w) >= 5 && w[1] == "ospf" && w[3] == "area":
		i.IGP = true
		r.OSPF = true
	case w[0] == "isis" && len(w) >= 3 && w[1] == "metric":
		if n, ok := parseU(w[2], 24); ok && n > 0 {
			i.Metric = uint32(n)
		} else {
			r.errorf(l, "%q is not an IS-IS metric", w[2])
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
	case strings.EqualFold(w[0], "encapsulation") && len(w) == 3 && strings.EqualFold(w[1], "dot1q"):
		// an 802.1Q subinterface: the link's vlan
		n, ok := parseU(w[2], 16)
		if !ok || n < 1 || n > 4094 {
			r.errorf(l, "encapsulation dot1Q %s: a VLAN ID is 1 to 4094", w[2])
			return
		}
		i.VLAN = uint16(n)
	case w[0] == "mtu" && len(w) == 2 && !i.Loopback:
		// the interface MTU bounds what the link carries, labels included
		// (the model's mtu is IOS's interface mtu with mpls mtu the same)
		n, ok := parseU(w[1], 16)
		if !ok || n < 68 || n > 9216 {
			r.errorf(l, "mtu %s: vpnsim's links carry 68 to 9216 bytes", w[1])
			return
		}
		i.MTU = int(n)
	case l.text == "shutdown":
		i.Shutdown = true
	case w[0] == "description", l.text == "no shutdown", w[0] == "duplex", w[0] == "speed", w[0] == "negotiation", w[0] == "media-type",
		w[0] == "isis" && len(w) >= 2 && (w[1] == "network" || w[1] == "circuit-type" || w[1] == "hello-interval"),
		w[0] == "ip" && len(w) >= 3 && w[1] == "ospf" && (w[2] == "network" || w[2] == "hello-interval" || w[2] == "dead-interval"),
		w[0] == "no" && len(w) >= 2 && (w[1] == "ip" || w[1] == "cdp" || w[1] == "keepalive" || w[1] == "mop" || w[1] == "negotiation"),
		w[0] == "cdp", w[0] == "keepalive", w[0] == "load-interval", w[0] == "mtu" && i.Loopback:
	default:
		r.ignored(l)
	}
}

func (p *iosParser) vrfLine(l line) {
	r, w := p.r, l.w
	v := r.vrfConf(p.vrf, l.n)
	if p.sub == "skip" && w[0] != "exit-address-family" {
		return // inside an IPv6 address family: its route targets are IPv6's
	}
	switch {
	case w[0] == "rd" && len(w) == 2:
		rd, err := parseRD(w[1])
		if err != nil {
			r.errorf(l, "%v", err)
			return
		}
		v.RD, v.HasRD = rd, true
	case w[0] == "route-target" && len(w) >= 2:
		dir, rts := "both", w[1:]
		if w[1] == "import" || w[1] == "export" || w[1] == "both" {
			dir, rts = w[1], w[2:]
		}
		for _, s := range rts {
			rt, ok := parseRT(s)
			if !ok {
				r.errorf(l, "%q is not a route target such as 65000:1", s)
				return
			}
			if dir != "export" {
				v.Import = append(v.Import, rt)
			}
			if dir != "import" {
				v.Export = append(v.Export, rt)
			}
		}
	case w[0] == "import" && len(w) == 3 && w[1] == "map":
		v.ImportMap = w[2]
	case w[0] == "export" && len(w) == 3 && w[1] == "map":
		v.ExportMap = w[2]
	case w[0] == "address-family":
		if len(w) < 2 || w[1] != "ipv4" {
			r.ignored(l)
			p.sub = "skip"
			return
		}
		p.sub = "ipv4"
	case w[0] == "exit-address-family":
		p.sub = ""
	case w[0] == "description":
	default:
		r.ignored(l)
	}
}

// route parses "[vrf V] P MASK NH|Null0 [DISTANCE] [name N]" after "ip route".
func (p *iosParser) route(l line, w []string) {
	r := p.r
	st := Static{Line: l.n}
	if w[0] == "vrf" && len(w) >= 5 {
		st.VRF, w = w[1], w[2:]
	}
	pr, ok := addrMask(w[0], w[1])
	if !ok {
		r.errorf(l, "%q %q is not an IPv4 prefix and netmask", w[0], w[1])
		return
	}
	st.Prefix = pr.Masked()
	rest := w[2:]
	if len(rest) == 0 {
		r.ignored(l)
		return
	}
	if strings.EqualFold(rest[0], "null0") {
		st.Null0 = true
		rest = rest[1:]
	} else if a, err := netip.ParseAddr(rest[0]); err == nil && a.Is4() {
		st.NextHop = a
		rest = rest[1:]
	} else if len(rest) >= 2 {
		// an interface then a next hop: keep the next hop
		if a, err := netip.ParseAddr(rest[1]); err == nil && a.Is4() {
			st.NextHop = a
			rest = rest[2:]
		} else {
			r.ignored(l)
			return
		}
	} else {
		r.ignored(l)
		return
	}
	for len(rest) > 0 {
		switch {
		case rest[0] == "global":
			r.errorf(l, "a VRF static route to the global table cannot be represented")
			return
		case (rest[0] == "name" || rest[0] == "tag" || rest[0] == "track") && len(rest) >= 2:
			rest = rest[2:]
		case isNumber(rest[0]):
			rest = rest[1:]
		case rest[0] == "permanent":
			rest = rest[1:]
		default:
			r.ignored(l)
			return
		}
	}
	r.Statics = append(r.Statics, st)
}

func (p *iosParser) bgpLine(l line) {
	r, w := p.r, l.w
	if w[0] == "address-family" {
		switch {
		case len(w) >= 2 && w[1] == "vpnv4":
			p.sub, p.vrf = "vpn", ""
		case len(w) == 4 && w[1] == "ipv4" && w[2] == "vrf", len(w) == 5 && w[1] == "ipv4" && w[2] == "unicast" && w[3] == "vrf":
			p.sub, p.vrf = "vrf", w[len(w)-1]
			r.vrfConf(p.vrf, l.n)
		case len(w) == 2 && w[1] == "ipv4", len(w) == 3 && w[1] == "ipv4" && w[2] == "unicast":
			p.sub, p.vrf = "ipv4", ""
		default:
			r.ignored(l)
			p.sub = "skip"
		}
		return
	}
	if w[0] == "exit-address-family" {
		p.sub, p.vrf = "", ""
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
	case w[0] == "bgp", w[0] == "no" && len(w) >= 2 && (w[1] == "bgp" || w[1] == "synchronization" || w[1] == "auto-summary"),
		w[0] == "synchronization", w[0] == "maximum-paths", l.text == "redistribute static",
		w[0] == "timers":
	case l.text == "redistribute connected":
		if p.vrf == "" {
			r.RedistConnected = true
		}
	case w[0] == "network" && len(w) >= 2:
		var pr netip.Prefix
		if len(w) == 4 && w[2] == "mask" {
			q, ok := addrMask(w[1], w[3])
			if !ok {
				r.errorf(l, "%q mask %q is not an IPv4 prefix", w[1], w[3])
				return
			}
			pr = q.Masked()
		} else if a, err := netip.ParseAddr(w[1]); err == nil && len(w) == 2 {
			pr = classful(a)
		} else {
			r.ignored(l)
			return
		}
		if p.vrf == "" {
			r.Networks = append(r.Networks, pr)
		} else {
			r.ignored(l)
		}
	case w[0] == "neighbor" && len(w) >= 3:
		r.neighborLine(l, p.vrf, p.sub == "vpn", w[1:])
	default:
		r.ignored(l)
	}
}

// classful is the prefix of "network A" without a mask: A's class.
func classful(a netip.Addr) netip.Prefix {
	b := a.As4()[0]
	switch {
	case b < 128:
		return netip.PrefixFrom(a, 8).Masked()
	case b < 192:
		return netip.PrefixFrom(a, 16).Masked()
	}
	return netip.PrefixFrom(a, 24).Masked()
}
