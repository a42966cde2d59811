package confimport

import (
	"cmp"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// VariantSep joins a VRF's name and the PE of a variant: a VRF whose
// route targets or maps differ from PE to PE becomes one topology VRF per
// definition, the first keeping the name, the others NAME--PE. The
// customer is the part before it (Customer).
const VariantSep = "--"

// Customer returns the customer a VRF belongs to: its name, without the
// --PE suffix the importer gives a VRF configured differently on a PE.
func Customer(vrfName string) string {
	c, _, _ := strings.Cut(vrfName, VariantSep)
	return c
}

// node is one router being built.
type node struct {
	r    *Router
	name string
	role topologies.Role
	lo   netip.Addr
	lans []netip.Prefix
	// ends are the router's link ends.
	linked map[*Interface]bool
}

// end is one interface with an address on a point-to-point subnet.
type end struct {
	n   *node
	i   *Interface
	adr netip.Prefix
}

// Build turns the routers' configurations into a topology document.
// Diagnostics (with the lines they are about) go to l; the document is
// only meaningful when l has no errors.
func Build(name string, routers []*Router, l *diag.List) topologies.Doc {
	b := &builder{l: l}
	return b.build(name, routers)
}

type builder struct {
	l     *diag.List
	nodes []*node
	by    map[string]*node
}

func (b *builder) errAt(r *Router, line int, format string, a ...any) {
	b.l.Errorf(r.File, max(line, 1), 1, format, a...)
}
func (b *builder) warnAt(r *Router, line int, format string, a ...any) {
	b.l.Warnf(r.File, max(line, 1), 1, format, a...)
}

// nodeName is the router's hostname, or the name of its file's directory
// (DIR/frr.conf), or its file name without the extension.
func nodeName(r *Router) string {
	if r.Hostname != "" {
		return r.Hostname
	}
	base := filepath.Base(r.File)
	if base == "frr.conf" || base == "running-config" {
		return filepath.Base(filepath.Dir(r.File))
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// cleanName makes a name the topology format takes: letters, digits, -
// and _; anything else becomes _.
func cleanName(s string) string {
	var out []rune
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			out = append(out, c)
		} else {
			out = append(out, '_')
		}
	}
	return string(out)
}

func (b *builder) build(name string, routers []*Router) topologies.Doc {
	d := topologies.Doc{Name: name}
	b.by = map[string]*node{}
	for _, r := range routers {
		n := &node{r: r, name: cleanName(nodeName(r)), linked: map[*Interface]bool{}}
		if n.name == "" {
			n.name = "R"
		}
		if n.name != nodeName(r) {
			b.warnAt(r, r.Line, "hostname %s: the topology names it %s (letters, digits, - and _ only)", nodeName(r), n.name)
		}
		if o := b.by[n.name]; o != nil {
			b.errAt(r, r.Line, "two routers are named %s (here and %s): give each its own hostname", n.name, o.r.File)
			continue
		}
		b.by[n.name] = n
		b.nodes = append(b.nodes, n)
		bindVRFs(r)
		n.role = role(r)
	}

	// the provider's AS: every PE's and RR's router bgp
	for _, n := range b.nodes {
		if n.role != topologies.RolePE && n.role != topologies.RoleRR {
			continue
		}
		if n.r.ASN == 0 {
			b.errAt(n.r, n.r.Line, "%s is a %s (%s) but has no router bgp: configure the provider's AS", n.name, n.role, roleWhy(n.role))
			continue
		}
		if d.Provider.ASN == 0 {
			d.Provider.ASN = n.r.ASN
		} else if d.Provider.ASN != n.r.ASN {
			b.errAt(n.r, n.r.Line, "%s runs BGP in AS %d, other provider routers in AS %d: vpnsim's provider is one AS", n.name, n.r.ASN, d.Provider.ASN)
		}
	}
	if !slices.ContainsFunc(b.nodes, func(n *node) bool { return n.role == topologies.RolePE }) {
		file := "import"
		if len(routers) > 0 {
			file = routers[0].File
		}
		b.l.Errorf(file, 1, 1, "no PE among these %d configurations: a PE has interfaces in VRFs (vrf forwarding, interface ... vrf) and a router bgp", len(routers))
		return d
	}

	// loopbacks
	for _, n := range b.nodes {
		if n.role == topologies.RoleCE {
			continue
		}
		for _, i := range n.r.Interfaces {
			if i.Loopback && i.VRF == "" {
				for _, a := range i.Addrs {
					if a.Bits() == 32 {
						n.lo = a.Addr()
						break
					}
				}
			}
			if n.lo.IsValid() {
				break
			}
		}
		if !n.lo.IsValid() {
			n.lo = n.r.RouterID
		}
		if !n.lo.IsValid() {
			b.errAt(n.r, n.r.Line, "%s has no loopback: give a loopback interface a /32 address (or a router-id)", n.name)
		}
	}

	b.sessions()
	links := b.links()
	d.Provider.PHP = nil
	for _, n := range b.nodes {
		if n.r.ExplicitNull {
			f := false
			d.Provider.PHP = &f
		}
		if n.r.NoTTLProp {
			d.Provider.TTLPropagation = topologies.TTLPipe
		}
	}
	var mode topologies.LabelAllocation
	for _, n := range b.nodes {
		if n.role != topologies.RolePE {
			continue
		}
		if mode == "" {
			mode = n.r.LabelMode
		} else if n.r.LabelMode != mode {
			b.warnAt(n.r, n.r.Line, "%s allocates VPN labels %s, another PE %s: vpnsim's allocation is provider-wide; imported as %s", n.name, n.r.LabelMode, mode, mode)
		}
	}
	if mode != "" && mode != topologies.PerVRF {
		d.Provider.VPNLabelAllocation = mode
	}

	// a static attachment's attributes: FRR's redistribute static
	// route-map, the entry matching the CE's LANs
	for i := range links {
		lk := &links[i]
		if lk.VRF == "" || lk.Routing != topologies.RoutingStatic {
			continue
		}
		if c := lk.r.VRFs[lk.VRF]; c != nil && c.RedistStaticMap != "" && len(lk.ce.lans) > 0 {
			b.setsFrom(lk.r, c.Line, c.RedistStaticMap, lk.ce.lans, &lk.BGP)
		}
	}
	vrfs, rename := b.vrfs(links)
	for i := range links {
		if links[i].VRF != "" {
			links[i].VRF = rename[linkKey{pe: links[i].peName, vrf: links[i].VRF}]
		}
	}
	for _, n := range b.nodes {
		dn := topologies.DocNode{Name: n.name, Role: n.role, LabelRange: n.r.LabelRange}
		if n.role == topologies.RoleCE {
			dn.LANs = n.lans
			if n.lans == nil {
				dn.LANs = []netip.Prefix{}
			}
			dn.ASN = n.r.ASN
		} else {
			dn.Loopback = n.lo
		}
		d.Nodes = append(d.Nodes, dn)
	}
	d.VRFs = vrfs
	for _, lk := range links {
		d.Links = append(d.Links, lk.DocLink)
	}
	return d
}

// bindVRFs puts in its VRF an interface the configuration leaves in none
// although a VRF's BGP neighbour or static next hop is on its subnet: FRR 9
// and later keep an interface's VRF in the kernel (ip link set IF master
// VRF), not in frr.conf, so the VRF's own commands say where it is.
func bindVRFs(r *Router) {
	for _, i := range r.Interfaces {
		if i.VRF != "" || i.Loopback || len(i.Addrs) == 0 || i.Addrs[0].Bits() < 30 {
			continue
		}
		sub := i.Addrs[0].Masked()
		found := ""
		for _, nb := range r.Neighbors {
			if nb.VRF != "" && sub.Contains(nb.Addr) && (found == "" || nb.VRF < found) {
				found = nb.VRF
			}
		}
		for _, st := range r.Statics {
			if st.VRF != "" && !st.Null0 && sub.Contains(st.NextHop) && found == "" {
				found = st.VRF
			}
		}
		i.VRF = found
	}
}

// role infers what a router is from its configuration (issue 22): VRFs on
// interfaces make a PE; route-reflector clients without VRF interfaces an
// RR; MPLS (LDP) with neither a P; no MPLS a CE.
func role(r *Router) topologies.Role {
	for _, i := range r.Interfaces {
		if i.VRF != "" && !i.Loopback && len(i.Addrs) > 0 {
			return topologies.RolePE
		}
	}
	for _, n := range r.Neighbors {
		if n.VRF == "" && n.RRClient {
			return topologies.RoleRR
		}
	}
	if r.LDP || slices.ContainsFunc(r.Interfaces, func(i *Interface) bool { return i.LDP }) {
		return topologies.RoleP
	}
	return topologies.RoleCE
}

func roleWhy(r topologies.Role) string {
	if r == topologies.RolePE {
		return "it has interfaces in VRFs"
	}
	return "it has route-reflector clients"
}

// link is a link being built.
type link struct {
	topologies.DocLink
	peName string // the PE of an attachment
	ce     *node
	ceAddr netip.Addr // the CE's address in the model
	ceConf netip.Addr // the CE's address in its configuration
	line   int
	r      *Router // the PE's configuration
}

type linkKey struct{ pe, vrf string }

// links pairs the interfaces on a shared /30 or /31 (RFC 3021) subnet.
func (b *builder) links() []link {
	bySubnet := map[netip.Prefix][]end{}
	var order []netip.Prefix
	var wide []end // interfaces on subnets wider than /30
	for _, n := range b.nodes {
		for _, i := range n.r.Interfaces {
			if i.Loopback || len(i.Addrs) == 0 {
				continue
			}
			a := i.Addrs[0]
			if a.Bits() < 30 {
				wide = append(wide, end{n: n, i: i, adr: a})
				continue
			}
			if i.Shutdown {
				b.warnAt(n.r, i.Line, "interface %s is shut down: not a link; ignored", i.Name)
				continue
			}
			s := a.Masked()
			if bySubnet[s] == nil {
				order = append(order, s)
			}
			bySubnet[s] = append(bySubnet[s], end{n: n, i: i, adr: a})
		}
	}
	// a subnet wider than /30 is a LAN (a CE's) or nothing (a provider's
	// management port), unless two routers share it: a link vpnsim cannot
	// number (its links are /30 or /31)
	p2p := func(n *node) bool {
		return slices.ContainsFunc(n.r.Interfaces, func(i *Interface) bool {
			return !i.Loopback && len(i.Addrs) > 0 && i.Addrs[0].Bits() >= 30
		})
	}
	// a link, were it narrower: two core interfaces, or a PE's VRF
	// interface and a CE with no point-to-point uplink (customers' LANs
	// overlap by design and are no links)
	isLink := func(e, o end) bool {
		ep, op := e.n.role != topologies.RoleCE, o.n.role != topologies.RoleCE
		switch {
		case ep && op:
			return e.i.VRF == "" && o.i.VRF == ""
		case ep:
			return e.i.VRF != "" && !p2p(o.n)
		case op:
			return o.i.VRF != "" && !p2p(e.n)
		}
		return false
	}
	for i, e := range wide {
		shared := false
		for j, o := range wide {
			if i != j && o.n != e.n && o.adr.Masked() == e.adr.Masked() && isLink(e, o) {
				shared = true
				if i < j {
					b.errAt(o.n.r, o.i.Line, "interface %s (%s) shares %s with %s:%s: vpnsim's links are /30 or /31 (point-to-point); renumber the link", o.i.Name, o.adr, o.adr.Masked(), e.n.name, e.i.Name)
				}
			}
		}
		if !shared && e.n.role != topologies.RoleCE {
			b.warnAt(e.n.r, e.i.Line, "interface %s (%s) is not on a point-to-point /30 or /31 subnet and no other router is on it: not a link; ignored", e.i.Name, e.adr)
		}
	}
	var out []link
	for _, s := range order {
		es := bySubnet[s]
		if len(es) == 1 {
			e := es[0]
			if e.n.role != topologies.RoleCE {
				b.warnAt(e.n.r, e.i.Line, "interface %s (%s): no other router has an address in %s, so it is not a link; ignored", e.i.Name, e.adr, s)
			}
			continue
		}
		if len(es) > 2 {
			b.errAt(es[2].n.r, es[2].i.Line, "interface %s: %s is also on %s:%s and %s:%s; a /30 or /31 joins two routers", es[2].i.Name, s, es[0].n.name, es[0].i.Name, es[1].n.name, es[1].i.Name)
			continue
		}
		x, y := es[0], es[1]
		if x.n == y.n {
			b.errAt(x.n.r, y.i.Line, "interfaces %s and %s of %s are in the same subnet %s", x.i.Name, y.i.Name, x.n.name, s)
			continue
		}
		if y.adr.Addr().Less(x.adr.Addr()) {
			x, y = y, x
		}
		lo, hi := usable(s)
		if x.adr.Addr() != lo || y.adr.Addr() != hi {
			b.errAt(y.n.r, y.i.Line, "interface %s (%s): on %s the two ends must be %s and %s", y.i.Name, y.adr, s, lo, hi)
			continue
		}
		x.n.linked[x.i], y.n.linked[y.i] = true, true
		xv, yv := ifVLAN(x.i), ifVLAN(y.i)
		if xv != yv {
			b.errAt(y.n.r, y.i.Line, "interface %s is on VLAN %d, its other end %s:%s on VLAN %d; an attachment's two ends carry the same tag", y.i.Name, yv, x.n.name, x.i.Name, xv)
			continue
		}
		lk := link{DocLink: topologies.DocLink{A: x.n.name + ":" + baseName(x.i, xv), B: y.n.name + ":" + baseName(y.i, yv), Subnet: s, VLAN: xv}}
		if m := linkMTU(x.i.MTU, y.i.MTU); m != 0 && m != topologies.DefaultMTU {
			lk.MTU = m
		}
		b.classify(&lk, x, y)
		out = append(out, lk)
	}
	b.ceLANs(out)
	return out
}

// ifVLAN is an interface's 802.1Q VLAN: the one its configuration gives,
// else the N of a NAME.N subinterface name (FRR's exported eth4.100).
func ifVLAN(i *Interface) uint16 {
	if i.VLAN != 0 {
		return i.VLAN
	}
	base, n, ok := strings.Cut(i.Name, ".")
	if !ok || base == "" {
		return 0
	}
	if v, err := strconv.ParseUint(n, 10, 16); err == nil && v >= 1 && v <= 4094 {
		return uint16(v)
	}
	return 0
}

// baseName is the interface a subinterface on VLAN vlan sits on: the name
// without its .VLAN suffix (eth4.100 is eth4 on VLAN 100).
func baseName(i *Interface, vlan uint16) string {
	if vlan != 0 {
		if base, found := strings.CutSuffix(i.Name, "."+strconv.Itoa(int(vlan))); found {
			return base
		}
	}
	return i.Name
}

// ceLANs finds each CE's LANs: its addresses not on a link and its BGP
// networks, kept when the network can reach them as the model does (which
// routes every LAN of a CE): for a static attachment a PE's VRF static
// route toward the CE covers the LAN, for an eBGP one the CE advertises it
// (a network statement, or redistribute connected). What neither routes
// nor advertises is unreachable in the real network and left out, with a
// warning.
func (b *builder) ceLANs(links []link) {
	for _, n := range b.nodes {
		if n.role != topologies.RoleCE {
			continue
		}
		var cands []netip.Prefix
		line := map[netip.Prefix]int{}
		for _, i := range n.r.Interfaces {
			if n.linked[i] || i.Shutdown && !i.Loopback {
				continue
			}
			for _, a := range i.Addrs {
				if !slices.Contains(cands, a.Masked()) {
					cands = append(cands, a.Masked())
					line[a.Masked()] = i.Line
				}
			}
		}
		for _, p := range n.r.Networks {
			if !slices.Contains(cands, p) {
				cands = append(cands, p)
			}
		}
		// what reaches the CE's LANs: the PEs' static routes toward it,
		// its own BGP advertisements
		var routed []netip.Prefix
		ebgp := false
		for _, lk := range links {
			if lk.ce != n {
				continue
			}
			if lk.Routing == topologies.RoutingEBGP {
				ebgp = true
				continue
			}
			for _, st := range lk.r.Statics {
				if st.VRF == lk.VRF && st.NextHop == lk.ceConf {
					routed = append(routed, st.Prefix)
				}
			}
		}
		for _, p := range cands {
			ok := slices.Contains(n.r.Networks, p) || ebgp && n.r.RedistConnected
			for _, r := range routed {
				if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
					ok = true // the route, or a shorter one covering it
				}
			}
			if !ok {
				b.warnAt(n.r, line[p], "%s's %s is neither routed toward it by a PE (a VRF static route) nor advertised by it (BGP network): unreachable, so not one of its LANs", n.name, p)
				continue
			}
			n.lans = append(n.lans, p)
		}
	}
}

// usable returns the two addresses a link's ends take: both of a /31, the
// two hosts of a /30 (as the topology loader allocates them).
func usable(p netip.Prefix) (netip.Addr, netip.Addr) {
	a := p.Addr()
	if p.Bits() == 31 {
		return a, a.Next()
	}
	return a.Next(), a.Next().Next()
}

// classify makes the link a core link or an attachment.
func (b *builder) classify(lk *link, x, y end) {
	xp, yp := x.n.role != topologies.RoleCE, y.n.role != topologies.RoleCE
	switch {
	case xp && yp:
		for _, e := range []end{x, y} {
			if e.i.VRF != "" {
				b.errAt(e.n.r, e.i.Line, "interface %s of %s is in VRF %s but joins provider router %s: a VRF interface attaches a CE", e.i.Name, e.n.name, e.i.VRF, other(x, y, e).n.name)
			}
		}
		lk.Metric = b.metric(x, y)
		if lk.Metric == topologies.DefaultMetric {
			lk.Metric = 0
		}
		lk.NoLDP = !ldpOn(x) || !ldpOn(y)
	case !xp && !yp:
		b.errAt(y.n.r, y.i.Line, "interface %s joins two CEs (%s and %s): vpnsim's CEs attach to PEs only", y.i.Name, x.n.name, y.n.name)
	default:
		pe, ce := x, y
		if !xp {
			pe, ce = y, x
		}
		if pe.n.role != topologies.RolePE || pe.i.VRF == "" {
			b.errAt(pe.n.r, pe.i.Line, "interface %s of %s faces %s, a CE (no MPLS), but is in no VRF: vpnsim's CEs attach to a PE's VRF; add vrf forwarding", pe.i.Name, pe.n.name, ce.n.name)
			return
		}
		lk.VRF = pe.i.VRF
		lk.peName, lk.ce, lk.ceAddr, lk.ceConf, lk.line, lk.r = pe.n.name, ce.n, ce.adr.Addr(), ce.adr.Addr(), pe.i.Line, pe.n.r
		if ce.adr.Addr().Less(pe.adr.Addr()) {
			// the topology gives the PE the first usable address of a CE
			// link: the two ends swap addresses
			_, hi := usable(lk.Subnet)
			lk.ceAddr = hi
			b.warnAt(pe.n.r, pe.i.Line, "interface %s (%s): vpnsim gives the PE the first address of a CE link, so %s and %s swap addresses (%s and %s)", pe.i.Name, pe.adr, pe.n.name, ce.n.name, ce.adr.Addr(), pe.adr.Addr())
		}
		lk.Routing = topologies.RoutingStatic
		if nb := pe.n.r.Neighbors[pe.i.VRF+"|"+ce.adr.Addr().String()]; nb != nil {
			lk.Routing = topologies.RoutingEBGP
			if nb.RemoteAS != 0 && ce.n.r.ASN != 0 && nb.RemoteAS != ce.n.r.ASN {
				b.errAt(pe.n.r, nb.Line, "neighbor %s remote-as %d, but %s runs BGP in AS %d", nb.Addr, nb.RemoteAS, ce.n.name, ce.n.r.ASN)
			}
			lk.BGP.ASOverride = nb.ASOverride
			lk.BGP.PEAllowASIn = nb.AllowASIn
			lk.BGP.SoO = nb.SoO
			if nb.RouteMapIn != "" {
				b.setsFrom(pe.n.r, nb.Line, nb.RouteMapIn, nil, &lk.BGP)
			}
			if nb.RouteMapOut != "" {
				b.checkSoOOut(pe.n.r, nb, lk.BGP.SoO)
			}
			if cn := ce.n.r.Neighbors["|"+pe.adr.Addr().String()]; cn != nil {
				lk.BGP.AllowASIn = cn.AllowASIn
			} else if ce.n.r.ASN != 0 {
				b.warnAt(ce.n.r, ce.n.r.Line, "%s has no BGP neighbour %s although %s peers with it", ce.n.name, pe.adr.Addr(), pe.n.name)
			}
		}
	}
}

func other(x, y, e end) end {
	if e.i == x.i {
		return y
	}
	return x
}

// ldpOn reports whether LDP runs on a core interface.
func ldpOn(e end) bool {
	r := e.n.r
	return e.i.LDP || r.LDPAll && e.i.IGP
}

// metric is the link's IGP metric: the IS-IS metric or OSPF cost an end
// configures; for OSPF without a cost, IOS's reference bandwidth over the
// interface bandwidth; IS-IS's default 10 otherwise. The model has one
// metric per link: ends that disagree are warned about, the lower kept.
func (b *builder) metric(x, y end) uint32 {
	m := func(e end) uint32 {
		if e.i.Metric > 0 {
			return e.i.Metric
		}
		if e.n.r.OSPF {
			bw := e.i.Bandwidth
			if bw == 0 && e.n.r.IOS {
				bw = defaultBandwidth(e.i.Name)
			} else if bw == 0 {
				// FRR takes the speed the kernel reports, which no
				// configuration says: 1 Gbit/s, as an IOS gigabit port
				bw = 1000000
			}
			c := uint64(e.n.r.OSPFRefBW) * 1000 / uint64(bw)
			return uint32(max(1, min(c, 65535)))
		}
		return topologies.DefaultMetric
	}
	a, c := m(x), m(y)
	if a != c {
		b.warnAt(y.n.r, y.i.Line, "interface %s has metric %d, its other end %s:%s %d: vpnsim has one metric per link; imported as %d", y.i.Name, c, x.n.name, x.i.Name, a, min(a, c))
	}
	return min(a, c)
}

// defaultBandwidth is IOS's bandwidth (kbit/s) of an interface by its type.
func defaultBandwidth(name string) uint32 {
	n := strings.ToLower(name)
	switch {
	case strings.HasPrefix(n, "hundredgig"):
		return 100000000
	case strings.HasPrefix(n, "fortygig"):
		return 40000000
	case strings.HasPrefix(n, "tengig"), strings.HasPrefix(n, "te"):
		return 10000000
	case strings.HasPrefix(n, "gigabit"), strings.HasPrefix(n, "gi"):
		return 1000000
	case strings.HasPrefix(n, "fastethernet"), strings.HasPrefix(n, "fa"):
		return 100000
	case strings.HasPrefix(n, "serial"), strings.HasPrefix(n, "se"):
		return 1544
	case strings.HasPrefix(n, "ethernet"), strings.HasPrefix(n, "et"):
		return 10000
	}
	return 1000000
}

// setsFrom reads the attributes a route map sets on what a PE learns from
// a CE (local preference, MED, Site of Origin). lans restricts to the
// entries matching a static CE's LANs (nil: every permit entry).
func (b *builder) setsFrom(r *Router, line int, name string, lans []netip.Prefix, a *topologies.AttachmentBGP) {
	m := r.RouteMaps[name]
	if m == nil {
		b.errAt(r, line, "route map %s is not defined in this configuration", name)
		return
	}
	for _, e := range m.Entries {
		if !e.Permit {
			b.errAt(r, e.Line, "route map %s: a deny entry on a CE's routes cannot be represented (vpnsim keeps everything a CE advertises)", name)
			continue
		}
		if lans != nil && !b.matchesAll(r, e, lans) {
			continue
		}
		if lans == nil && len(e.MatchPrefix) > 0 {
			b.errAt(r, e.Line, "route map %s matches a prefix list on a CE's routes: vpnsim sets a link's attributes on all of them", name)
		}
		if e.Other != "" {
			b.errAt(r, e.OtherLine, "route map %s: %q cannot be represented (vpnsim sets local-preference, metric and extcommunity soo)", name, e.Other)
		}
		if e.HasLocalPref {
			a.LocalPref, a.HasLocalPref = e.LocalPref, true
		}
		a.MED = cmp.Or(e.MED, a.MED)
		if e.SoO != (vrf.RouteTarget{}) {
			a.SoO = e.SoO
		}
		if lans != nil || len(e.MatchPrefix) == 0 {
			return
		}
	}
}

// matchesAll reports whether the entry's prefix lists cover every LAN.
func (b *builder) matchesAll(r *Router, e *RouteMapEntry, lans []netip.Prefix) bool {
	if len(e.MatchPrefix) == 0 || len(lans) == 0 {
		return false
	}
	for _, lan := range lans {
		ok := false
		for _, pl := range e.MatchPrefix {
			if l := r.PrefixLists[pl]; l != nil && topologies.PrefixMap(l.Entries).Permits(lan) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// checkSoOOut accepts the route map out toward a CE that FRR needs for a
// Site of Origin (deny what carries the link's SoO, permit the rest).
func (b *builder) checkSoOOut(r *Router, nb *Neighbor, soo vrf.RouteTarget) {
	m := r.RouteMaps[nb.RouteMapOut]
	if m == nil {
		b.errAt(r, nb.Line, "route map %s is not defined in this configuration", nb.RouteMapOut)
		return
	}
	for _, e := range m.Entries {
		switch {
		case !e.Permit && e.MatchSoO != "" && r.SoOLists[e.MatchSoO] == soo && soo != (vrf.RouteTarget{}):
		case e.Permit && e.MatchSoO == "" && len(e.MatchPrefix) == 0 && e.Other == "" && !e.HasLocalPref && e.MED == 0:
		default:
			b.errAt(r, e.Line, "route map %s toward CE %s: only the Site of Origin filter (deny match extcommunity of the neighbour's soo, then permit) can be represented", nb.RouteMapOut, nb.Addr)
		}
	}
}

// prefixMap turns an import or export route map into a prefix map: the
// permit entries' prefix lists, in order; nil when an entry permits all.
func (b *builder) prefixMap(r *Router, line int, name string) topologies.PrefixMap {
	m := r.RouteMaps[name]
	if m == nil {
		b.errAt(r, line, "route map %s is not defined in this configuration", name)
		return nil
	}
	out := topologies.PrefixMap{}
	entries := slices.Clone(m.Entries)
	slices.SortStableFunc(entries, func(a, c *RouteMapEntry) int { return a.Seq - c.Seq })
	for i, e := range entries {
		if e.Other != "" || e.HasLocalPref || e.MED != 0 || e.SoO != (vrf.RouteTarget{}) || e.MatchSoO != "" {
			what := e.Other
			if what == "" {
				what = "a set or extcommunity match"
			}
			b.errAt(r, max(e.OtherLine, e.Line), "route map %s used as a VRF import or export map: %q cannot be represented (vpnsim's maps filter by prefix list; set route targets with route-target export)", name, what)
			continue
		}
		if !e.Permit {
			if len(e.MatchPrefix) > 0 && i < len(entries)-1 {
				b.errAt(r, e.Line, "route map %s: a deny entry before a permit cannot be represented as an import or export map; list what to permit", name)
			}
			continue
		}
		if len(e.MatchPrefix) == 0 {
			return nil
		}
		for _, pl := range e.MatchPrefix {
			l := r.PrefixLists[pl]
			if l == nil {
				b.errAt(r, e.Line, "prefix list %s is not defined in this configuration", pl)
				continue
			}
			if l.Deny != 0 {
				b.errAt(r, l.Deny, "prefix list %s has a deny entry: vpnsim's import and export maps list what passes; drop the deny or split the list", pl)
			}
			out = append(out, l.Entries...)
		}
	}
	return out
}

// vrfDef is one PE's definition of a VRF, as the topology holds it.
type vrfDef struct {
	pe                   *node
	conf                 *VRFConf
	imp, exp             []vrf.RouteTarget
	importMap, exportMap topologies.PrefixMap
}

func (v vrfDef) key() string {
	return fmt.Sprint(v.imp, v.exp, v.importMap == nil, v.importMap, v.exportMap == nil, v.exportMap)
}

func sortedRTs(rts []vrf.RouteTarget) []vrf.RouteTarget {
	out := slices.Clone(rts)
	slices.SortFunc(out, vrf.RouteTarget.Compare)
	return slices.Compact(out)
}

// vrfs builds the topology's VRFs from every PE's definitions and returns
// the name each (PE, VRF) takes.
func (b *builder) vrfs(links []link) ([]topologies.DocVRF, map[linkKey]string) {
	rename := map[linkKey]string{}
	type variant struct {
		name string
		defs []vrfDef
	}
	var names []string
	variants := map[string][]*variant{}
	used := map[linkKey]bool{}
	for _, lk := range links {
		if lk.VRF != "" {
			used[linkKey{lk.peName, lk.VRF}] = true
		}
	}
	for _, n := range b.nodes {
		if n.role != topologies.RolePE {
			continue
		}
		for _, vn := range n.r.VRFNames() {
			c := n.r.VRFs[vn]
			if vn == "" {
				continue
			}
			if !used[linkKey{n.name, vn}] {
				b.warnAt(n.r, c.Line, "VRF %s has no CE attached on %s: left out there", vn, n.name)
				continue
			}
			if cleanName(vn) != vn {
				b.errAt(n.r, c.Line, "VRF name %q: the topology format takes letters, digits, - and _ only", vn)
				continue
			}
			if !c.HasRD {
				b.warnAt(n.r, c.Line, "VRF %s on %s has no rd: a PE exports nothing from it; imported with rd: auto", vn, n.name)
			}
			d := vrfDef{pe: n, conf: c, imp: sortedRTs(c.Import), exp: sortedRTs(c.Export)}
			if !n.r.IOS {
				// FRR: no import vpn, nothing imported; no export vpn,
				// nothing exported (bgpd's VRF-VPN leaking)
				if !c.ImportVPN && len(d.imp) > 0 {
					b.warnAt(n.r, c.Line, "VRF %s on %s has route targets to import but no import vpn: it imports nothing", vn, n.name)
					d.imp = nil
				}
				if !c.ExportVPN && len(d.exp) > 0 {
					b.warnAt(n.r, c.Line, "VRF %s on %s has route targets to export but no export vpn: it exports nothing", vn, n.name)
					d.exp = nil
				}
			}
			if c.ImportMap != "" {
				d.importMap = b.prefixMap(n.r, c.Line, c.ImportMap)
			}
			if c.ExportMap != "" {
				d.exportMap = b.prefixMap(n.r, c.Line, c.ExportMap)
			}
			vs := variants[vn]
			if vs == nil {
				names = append(names, vn)
			}
			var v *variant
			for _, x := range vs {
				if x.defs[0].key() == d.key() {
					v = x
				}
			}
			if v == nil {
				v = &variant{name: vn}
				if len(vs) > 0 {
					v.name = vn + VariantSep + n.name
					b.warnAt(n.r, c.Line, "VRF %s on %s differs from %s's (route targets or maps): imported as VRF %s", vn, n.name, vs[0].defs[0].pe.name, v.name)
				}
				variants[vn] = append(vs, v)
			}
			v.defs = append(v.defs, d)
			rename[linkKey{n.name, vn}] = v.name
		}
	}

	// static routes per VRF variant
	statics := b.statics(links, rename)

	var out []topologies.DocVRF
	type slot struct {
		dv   topologies.DocVRF
		auto int // the n of LOOPBACK:n every PE uses; 0 if not
		lits []vrf.RD
		pe   *node
		line int
	}
	var slots []slot
	for _, vn := range names {
		for _, v := range variants[vn] {
			d0 := v.defs[0]
			dv := topologies.DocVRF{Name: v.name, ImportMap: d0.importMap, ExportMap: d0.exportMap, Static: statics[v.name]}
			if slices.Equal(d0.imp, d0.exp) {
				dv.RouteTarget = d0.imp
			} else {
				dv.Import, dv.Export = d0.imp, d0.exp
			}
			same, auto := true, -1
			for _, d := range v.defs {
				if !d.conf.HasRD || d.conf.RD != d0.conf.RD {
					same = false
				}
				n := -1
				if d.conf.HasRD && d.conf.RD.Type() == 1 {
					for k := 1; k < 1<<16; k++ {
						if vrf.NewRDIP(d.pe.lo, uint16(k)) == d.conf.RD {
							n = k
						}
						if k > 4096 {
							break
						}
					}
				}
				if auto == -1 {
					auto = n
				} else if auto != n {
					auto = 0
				}
			}
			s := slot{dv: dv, pe: d0.pe, line: d0.conf.Line}
			if same {
				s.lits = []vrf.RD{d0.conf.RD}
			}
			switch {
			case same && !(len(v.defs) > 1 && auto > 0):
				s.dv.RD = d0.conf.RD
			case auto > 0:
				s.dv.RDAuto, s.auto = true, auto
			default:
				s.dv.RDAuto = true
				if d0.conf.HasRD {
					b.warnAt(d0.pe.r, d0.conf.Line, "VRF %s has a different RD on each PE: imported as rd: auto (one RD per PE, LOOPBACK:n)", v.name)
				}
			}
			if same && len(v.defs) == 1 && auto > 0 {
				// one PE: LOOPBACK:n may be rd: auto or a literal; keep
				// auto when its position is free (the round trip of rd: auto)
				s.dv.RD, s.dv.RDAuto, s.auto = vrf.RD{}, true, auto
			}
			slots = append(slots, s)
		}
	}
	// rd: auto numbers a VRF by its position: put each auto VRF there,
	// the others in the free places in order
	pos := make([]*slot, len(slots))
	var rest []*slot
	for i := range slots {
		s := &slots[i]
		if s.auto > 0 && s.auto <= len(slots) && pos[s.auto-1] == nil {
			pos[s.auto-1] = s
		} else {
			rest = append(rest, s)
		}
	}
	for i := range pos {
		if pos[i] == nil && len(rest) > 0 {
			pos[i], rest = rest[0], rest[1:]
		}
	}
	usedRD := map[vrf.RD]string{}
	for _, s := range pos {
		if !s.dv.RDAuto {
			if o, dup := usedRD[s.dv.RD]; dup {
				// a variant of a VRF on another PE: the same RD there, but a
				// topology VRF has an RD of its own
				b.warnAt(s.pe.r, s.line, "VRF %s uses RD %s as VRF %s does: imported as rd: auto (the topology gives each VRF its own RD)", s.dv.Name, s.dv.RD, o)
				s.dv.RD, s.dv.RDAuto = vrf.RD{}, true
			} else {
				usedRD[s.dv.RD] = s.dv.Name
			}
		}
		if s.auto > 0 && pos[s.auto-1] != s {
			// its position is taken: rd: auto would number it otherwise
			if len(s.lits) == 1 {
				s.dv.RD, s.dv.RDAuto = s.lits[0], false
			} else {
				b.warnAt(s.pe.r, s.line, "VRF %s uses LOOPBACK:%d as its RD on each PE, but another VRF takes position %d: imported as rd: auto, whose numbers differ", s.dv.Name, s.auto, s.auto)
			}
		}
		out = append(out, s.dv)
	}
	return out, rename
}

// statics turns the PEs' VRF static routes into the VRFs' static routes:
// a route to a static CE's LAN over its attachment is the attachment's
// own (routing: static); the rest are the VRF's, on every PE that can
// hold them (pe left out) or on the PE that has them.
func (b *builder) statics(links []link, rename map[linkKey]string) map[string][]topologies.StaticRoute {
	type key struct {
		vrf    string
		prefix netip.Prefix
		nh     netip.Addr
		null0  bool
	}
	have := map[key][]string{} // the PEs with the route
	var order []key
	// where each next hop is: PE and VRF of the attachment to the CE at it
	ceAt := map[linkKey][]netip.Addr{}
	attachPEs := map[string][]string{} // VRF -> PEs with an attachment in it
	for _, lk := range links {
		if lk.VRF == "" {
			continue
		}
		vn := rename[linkKey{lk.peName, lk.VRF}]
		ceAt[linkKey{lk.peName, vn}] = append(ceAt[linkKey{lk.peName, vn}], lk.ceAddr)
		if !slices.Contains(attachPEs[vn], lk.peName) {
			attachPEs[vn] = append(attachPEs[vn], lk.peName)
		}
	}
	for _, n := range b.nodes {
		for _, st := range n.r.Statics {
			switch {
			case n.role == topologies.RoleCE && st.VRF == "" && st.Prefix.Bits() == 0:
				continue // the CE's default toward its PE: routing static
			case n.role != topologies.RolePE || st.VRF == "":
				b.l.Add(diag.Diagnostic{File: n.r.File, Line: st.Line, Msg: "ignored: static route " + st.Prefix.String() + " outside a PE's VRF", Warning: true})
				continue
			}
			vn, ok := rename[linkKey{n.name, st.VRF}]
			if !ok {
				b.warnAt(n.r, st.Line, "static route in VRF %s, which has no CE on %s: ignored", st.VRF, n.name)
				continue
			}
			if !st.Null0 {
				// the attachment's own route to its CE's LAN?
				own, known := false, false
				for _, lk := range links {
					if lk.peName == n.name && lk.VRF == st.VRF && lk.ceConf == st.NextHop {
						known = true
						if lk.Routing == topologies.RoutingStatic && slices.Contains(lk.ce.lans, st.Prefix) {
							own = true
						}
					}
				}
				if own {
					continue
				}
				if !known {
					b.errAt(n.r, st.Line, "static route %s via %s in VRF %s: the next hop is no CE attached to %s in that VRF; vpnsim's static routes lead to a CE or null0", st.Prefix, st.NextHop, st.VRF, n.name)
					continue
				}
			}
			nh := st.NextHop
			for _, lk := range links {
				if !st.Null0 && lk.peName == n.name && lk.VRF == st.VRF && lk.ceConf == st.NextHop {
					nh = lk.ceAddr
				}
			}
			k := key{vrf: vn, prefix: st.Prefix, nh: nh, null0: st.Null0}
			if have[k] == nil {
				order = append(order, k)
			}
			have[k] = append(have[k], n.name)
		}
	}
	out := map[string][]topologies.StaticRoute{}
	for _, k := range order {
		pes := have[k]
		// the PEs that would hold it with pe left out
		var all []string
		for _, pe := range attachPEs[k.vrf] {
			if k.null0 || slices.Contains(ceAt[linkKey{pe, k.vrf}], k.nh) {
				all = append(all, pe)
			}
		}
		slices.Sort(all)
		sorted := slices.Clone(pes)
		slices.Sort(sorted)
		if slices.Equal(all, sorted) {
			out[k.vrf] = append(out[k.vrf], topologies.StaticRoute{Prefix: k.prefix, NextHop: k.nh, Null0: k.null0})
			continue
		}
		for _, pe := range pes {
			out[k.vrf] = append(out[k.vrf], topologies.StaticRoute{Prefix: k.prefix, NextHop: k.nh, Null0: k.null0, PE: pe})
		}
	}
	return out
}

// sessions checks the configured VPNv4 sessions against vpnsim's plan
// (topologies.IBGPSessions): every route reflector with every PE as its
// client and with the other reflectors; without reflectors, every PE with
// every other. A session of the plan that a configuration lacks would
// change what the network does (a PE cut off from the VPN routes): an
// error at the router's router bgp. Sessions beyond the plan are warned
// about: vpnsim leaves them out.
func (b *builder) sessions() {
	var pes, rrs []*node
	byLo := map[netip.Addr]*node{}
	for _, n := range b.nodes {
		switch n.role {
		case topologies.RolePE:
			pes = append(pes, n)
		case topologies.RoleRR:
			rrs = append(rrs, n)
		default:
			continue
		}
		if n.lo.IsValid() {
			byLo[n.lo] = n
		}
	}
	has := func(a, c *node) *Neighbor {
		nb := a.r.Neighbors["|"+c.lo.String()]
		if nb != nil && nb.VPNv4 {
			return nb
		}
		return nil
	}
	want := map[[2]*node]bool{}
	need := func(a, c *node, client bool) {
		want[[2]*node{a, c}], want[[2]*node{c, a}] = true, true
		for _, x := range [][2]*node{{a, c}, {c, a}} {
			if !x[0].lo.IsValid() || !x[1].lo.IsValid() {
				continue
			}
			if has(x[0], x[1]) == nil {
				b.errAt(x[0].r, x[0].r.Line, "%s has no VPNv4 session with %s (neighbor %s activated in address-family vpnv4): vpnsim peers %s", x[0].name, x[1].name, x[1].lo, plan(len(rrs) > 0))
			}
		}
		if client && a.lo.IsValid() && c.lo.IsValid() {
			if nb := has(a, c); nb != nil && !nb.RRClient {
				b.errAt(a.r, nb.Line, "%s peers with PE %s without route-reflector-client: vpnsim's reflectors have every PE as a client", a.name, c.name)
			}
		}
	}
	if len(rrs) == 0 {
		for i := range pes {
			for j := i + 1; j < len(pes); j++ {
				need(pes[i], pes[j], false)
			}
		}
	} else {
		for _, r := range rrs {
			for _, p := range pes {
				need(r, p, true)
			}
		}
		for i := range rrs {
			for j := i + 1; j < len(rrs); j++ {
				need(rrs[i], rrs[j], false)
			}
		}
	}
	for _, n := range append(slices.Clone(pes), rrs...) {
		var extra []string
		for _, nb := range n.r.Neighbors {
			o := byLo[nb.Addr]
			if nb.VRF != "" || !nb.VPNv4 || o == nil || want[[2]*node{n, o}] {
				continue
			}
			extra = append(extra, o.name)
		}
		slices.Sort(extra)
		for _, o := range extra {
			b.warnAt(n.r, n.r.Line, "%s's VPNv4 session with %s is not in vpnsim's plan (%s): left out", n.name, o, plan(len(rrs) > 0))
		}
	}
}

func plan(rr bool) string {
	if rr {
		return "every PE with every route reflector, as its client, and the reflectors with each other"
	}
	return "the PEs in a full mesh"
}

// linkMTU is the MTU of a link whose ends configure a and b (0: not
// given): the smaller, since a frame larger than either end's is lost.
func linkMTU(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}
