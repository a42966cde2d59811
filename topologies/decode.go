package topologies

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/vrf"
)

// The decode step turns YAML nodes into the topology's types, checking each
// value on its own (types, ranges, syntax). The checks that relate values
// to each other are in validate.go.

// Limits of the format.
const (
	MaxMetric = 16777215   // largest IGP metric
	MaxASN    = 4294967295 // largest AS number
	MaxLabel  = 1048575    // largest MPLS label (20 bits)
	// A link's MTU: Ethernet's 1500 by default; from the 68 bytes every IPv4
	// link must carry (RFC 791) to a jumbo frame's 9216.
	DefaultMTU = 1500
	MinMTU     = 68
	MaxMTU     = 9216
)

type rawNode struct {
	n      *Node
	key    *yaml.Node   // the node's name in the file
	f      yamlx.Fields // its known keys (nil when it is not a map)
	roleOK bool         // Role holds a valid role
	lans   []*yaml.Node // the value of each of n.LANs
	linked bool         // some link names it
}

type rawVRF struct {
	v    *VRF
	key  *yaml.Node
	f    yamlx.Fields
	rdOK bool // RD holds a parsed RD
}

type rawLink struct {
	l    *Link
	f    yamlx.Fields
	ends [2]rawEnd
	ok   bool // both ends name known nodes (and the link is no self link or repeat)
	vrf  *rawVRF
	evpn *rawEVPN
}

type rawEVPN struct {
	e    *EVPN
	key  *yaml.Node
	f    yamlx.Fields
	rdOK bool
}

// attachment reports whether the link is a valid CE–PE link and returns its
// CE and PE ends.
func (rl *rawLink) attachment() (ce, pe *rawNode, ok bool) {
	if !rl.ok {
		return nil, nil, false
	}
	a, b := rl.ends[0].node, rl.ends[1].node
	if !a.roleOK || !b.roleOK {
		return nil, nil, false
	}
	if b.n.Role == RoleCE {
		a, b = b, a
	}
	return a, b, a.n.Role == RoleCE && b.n.Role == RolePE
}

// provider reports whether the link joins two provider routers.
func (rl *rawLink) provider() bool {
	a, b := rl.ends[0].node, rl.ends[1].node
	return rl.ok && a.roleOK && b.roleOK && a.n.Role != RoleCE && b.n.Role != RoleCE
}

type rawEnd struct {
	node   *rawNode
	ifname string     // "" when the file gives none
	v      *yaml.Node // the endpoint in the file
}

func (ld *loader) decode(root *yaml.Node) {
	f, _ := ld.d.Map(root, "the topology", []yamlx.Key{
		{Name: "name", Required: true},
		{Name: "description"},
		{Name: "provider", Required: true},
		{Name: "nodes", Required: true},
		{Name: "vrfs"},
		{Name: "evpns"},
		{Name: "links", Required: true},
		{Name: "external-peers"},
	})
	if v := f.Value("name"); v != nil {
		ld.t.Name, _ = ld.name("name", v)
	}
	if v := f.Value("description"); v != nil {
		ld.t.Description, _ = ld.d.OptStr("description", v)
	}
	ld.t.Provider = Provider{PHP: true, TTLPropagation: TTLUniform, VPNLabelAllocation: PerVRF}
	if v := f.Value("provider"); v != nil {
		ld.decodeProvider(v)
	}
	ld.byName = map[string]*rawNode{}
	if e, ok := f["nodes"]; ok {
		ld.nodesKey = e.Key
		ld.decodeNodes(e.Value)
	}
	ld.vrfByNm = map[string]*rawVRF{}
	if v := f.Value("vrfs"); v != nil {
		ld.decodeVRFs(v)
	}
	ld.evpnByNm = map[string]*rawEVPN{}
	if v := f.Value("evpns"); v != nil {
		ld.decodeEVPNs(v)
	}
	if v := f.Value("links"); v != nil {
		ld.decodeLinks(v)
	}
	if v := f.Value("external-peers"); v != nil {
		ld.decodeExternalPeers(v)
	}
}

// validName reports whether s is a name the format allows: letters, digits,
// - and _.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// name decodes a name (of the topology, a node or a VRF); what starts the
// message about a bad one.
func (ld *loader) name(what string, v *yaml.Node) (string, bool) {
	s, ok := ld.d.Str(what, v)
	if !ok {
		return "", false
	}
	if !validName(s) {
		ld.d.Errorf(v, "%s %q: use only letters, digits, - and _", what, s)
		return s, false
	}
	return s, true
}

func (ld *loader) decodeProvider(v *yaml.Node) {
	f, _ := ld.d.Map(v, "provider", []yamlx.Key{
		{Name: "asn", Required: true},
		{Name: "php"},
		{Name: "ttl-propagation"},
		{Name: "vpn-label-allocation"},
	})
	p := &ld.t.Provider
	if v := f.Value("asn"); v != nil {
		x, _ := ld.d.Int("asn", v, 1, MaxASN)
		p.ASN = uint32(x)
	}
	if v := f.Value("php"); v != nil {
		if b, ok := ld.d.Bool("php", v); ok {
			p.PHP = b
		}
	}
	if v := f.Value("ttl-propagation"); v != nil {
		if s, ok := ld.d.Enum("ttl-propagation", v, string(TTLUniform), string(TTLPipe), string(TTLPipeForwarded)); ok {
			p.TTLPropagation = TTLMode(s)
		}
	}
	if v := f.Value("vpn-label-allocation"); v != nil {
		if s, ok := ld.d.Enum("vpn-label-allocation", v, string(PerVRF), string(PerCE), string(PerPrefix)); ok {
			p.VPNLabelAllocation = LabelAllocation(s)
		}
	}
}

var nodeKeys = []yamlx.Key{
	{Name: "role", Required: true},
	{Name: "loopback"},
	{Name: "lans"},
	{Name: "lan-address"},
	{Name: "asn"},
	{Name: "label-range"},
	{Name: "position"},
	{Name: "description"},
}

func (ld *loader) decodeNodes(v *yaml.Node) {
	entries, ok := ld.d.Pairs(v, "nodes")
	if ok && len(entries) == 0 {
		ld.d.Errorf(v, "nodes: a topology needs at least one node")
	}
	for _, e := range entries {
		name, _ := ld.name("node name", e.Key)
		n := &Node{Name: name, Pos: Pos{e.Key.Line, e.Key.Column}}
		rn := &rawNode{n: n, key: e.Key}
		ld.nodes = append(ld.nodes, rn)
		ld.byName[name] = rn
		ld.t.Nodes = append(ld.t.Nodes, n)
		f, ok := ld.d.Map(e.Value, "node "+name, nodeKeys)
		if !ok {
			continue
		}
		rn.f = f
		if v := f.Value("role"); v != nil {
			var s string
			s, rn.roleOK = ld.d.Enum("role", v, string(RolePE), string(RoleP), string(RoleRR), string(RoleCE))
			n.Role = Role(s)
		}
		if v := f.Value("loopback"); v != nil {
			if a, ok := ld.d.Addr("loopback", v); ok {
				if !a.IsGlobalUnicast() {
					ld.d.Errorf(v, "loopback: %s cannot be a router's address; use a unicast address such as 10.0.0.1", a)
				} else {
					n.Loopback = a
				}
			}
		}
		if v := f.Value("lans"); v != nil {
			items, _ := ld.d.Seq("lans", v)
			for _, it := range items {
				p, ok := ld.d.Prefix("lans", it)
				if !ok {
					continue
				}
				if i := slices.Index(n.LANs, p); i >= 0 {
					ld.d.Errorf(it, "lans: %s is listed twice (first at line %d)", p, rn.lans[i].Line)
					continue
				}
				n.LANs = append(n.LANs, p)
				rn.lans = append(rn.lans, it)
			}
		}
		if v := f.Value("lan-address"); v != nil {
			if p, ok := ld.d.IfacePrefix("lan-address", v); ok {
				switch {
				case p.Bits() > 30:
					ld.d.Errorf(v, "lan-address: %s leaves no room for another host on the LAN; give a prefix of /30 or shorter, such as 172.16.0.1/24", p)
				case p.Addr() == p.Masked().Addr() || packetBroadcast(p):
					ld.d.Errorf(v, "lan-address: %s is the LAN's network or broadcast address; give a host address with its prefix length, such as %s", p, netip.PrefixFrom(p.Masked().Addr().Next(), p.Bits()))
				default:
					n.LANAddress = p
				}
			}
		}
		if v := f.Value("asn"); v != nil {
			x, _ := ld.d.Int("asn", v, 1, MaxASN)
			n.ASN = uint32(x)
		}
		if v := f.Value("label-range"); v != nil {
			ld.labelRange(n, v)
		}
		if v := f.Value("position"); v != nil {
			ld.position(n, v)
		}
		if v := f.Value("description"); v != nil {
			n.Description, _ = ld.d.OptStr("description", v)
		}
	}
}

func (ld *loader) decodeVRFs(v *yaml.Node) {
	entries, _ := ld.d.Pairs(v, "vrfs")
	for i, e := range entries {
		name, _ := ld.name("VRF name", e.Key)
		x := &VRF{Name: name, Index: i + 1, Pos: Pos{e.Key.Line, e.Key.Column}}
		rv := &rawVRF{v: x, key: e.Key}
		ld.vrfs = append(ld.vrfs, rv)
		ld.vrfByNm[name] = rv
		ld.t.VRFs = append(ld.t.VRFs, x)
		f, ok := ld.d.Map(e.Value, "VRF "+name, []yamlx.Key{
			{Name: "rd", Required: true},
			{Name: "import"},
			{Name: "export"},
			{Name: "route-target"},
			{Name: "import-map"},
			{Name: "export-map"},
			{Name: "static"},
			{Name: "description"},
		})
		if !ok {
			continue
		}
		rv.f = f
		if v := f.Value("rd"); v != nil {
			if s, ok := ld.d.Str("rd", v); ok {
				if s == "auto" {
					x.RDAuto = true
				} else if rd, err := vrf.ParseRD(s); err != nil {
					hint := ""
					if !strings.Contains(s, ":") {
						hint = ", or auto"
					}
					ld.d.Errorf(v, "rd: %v%s", err, hint)
				} else {
					x.RD, rv.rdOK = rd, true
				}
			}
		}
		rts := ld.routeTargets(f, "route-target")
		x.Import = append(ld.routeTargets(f, "import"), rts...)
		x.Export = append(ld.routeTargets(f, "export"), rts...)
		if v := f.Value("description"); v != nil {
			x.Description, _ = ld.d.OptStr("description", v)
		}
		x.ImportMap = ld.prefixMap(f, "import-map")
		x.ExportMap = ld.prefixMap(f, "export-map")
		if v := f.Value("static"); v != nil {
			x.Static = ld.statics(v)
		}
	}
}

// packetBroadcast reports whether p's address is its subnet's broadcast.
func packetBroadcast(p netip.Prefix) bool {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) | host
	return p.Addr() == netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// decodeEVPNs reads the evpns map: each instance's RD, route targets (as a
// VRF's) and service type.
func (ld *loader) decodeEVPNs(v *yaml.Node) {
	entries, _ := ld.d.Pairs(v, "evpns")
	for i, en := range entries {
		name, _ := ld.name("EVPN name", en.Key)
		x := &EVPN{Name: name, Index: i + 1, Type: ELAN, Pos: Pos{en.Key.Line, en.Key.Column}}
		re := &rawEVPN{e: x, key: en.Key}
		if _, dup := ld.vrfByNm[name]; dup {
			ld.d.Errorf(en.Key, "EVPN %s has the name of a VRF; give each VRF and EVPN its own name", name)
		}
		ld.evpnList = append(ld.evpnList, re)
		ld.evpnByNm[name] = re
		ld.t.EVPNs = append(ld.t.EVPNs, x)
		f, ok := ld.d.Map(en.Value, "EVPN "+name, []yamlx.Key{
			{Name: "rd", Required: true},
			{Name: "import"},
			{Name: "export"},
			{Name: "route-target"},
			{Name: "type"},
			{Name: "description"},
		})
		if !ok {
			continue
		}
		re.f = f
		if v := f.Value("rd"); v != nil {
			if s, ok := ld.d.Str("rd", v); ok {
				if s == "auto" {
					x.RDAuto = true
				} else if rd, err := vrf.ParseRD(s); err != nil {
					ld.d.Errorf(v, "rd: %v", err)
				} else {
					x.RD, re.rdOK = rd, true
				}
			}
		}
		rts := ld.routeTargets(f, "route-target")
		x.Import = append(ld.routeTargets(f, "import"), rts...)
		x.Export = append(ld.routeTargets(f, "export"), rts...)
		if v := f.Value("type"); v != nil {
			if s, ok := ld.d.Enum("type", v, string(ELAN), string(ELine)); ok {
				x.Type = EVPNType(s)
			}
		}
		if v := f.Value("description"); v != nil {
			x.Description, _ = ld.d.OptStr("description", v)
		}
	}
}

// prefixMap reads an import-map or export-map: a list of {prefix, ge, le}.
func (ld *loader) prefixMap(f yamlx.Fields, key string) PrefixMap {
	v := f.Value(key)
	if v == nil {
		return nil
	}
	items, _ := ld.d.Seq(key, v)
	out := PrefixMap{}
	for _, it := range items {
		g, ok := ld.d.Map(it, key+" entry", []yamlx.Key{{Name: "prefix", Required: true}, {Name: "ge"}, {Name: "le"}})
		if !ok {
			continue
		}
		var e PrefixEntry
		pv := g.Value("prefix")
		if pv != nil {
			p, ok := ld.d.Prefix("prefix", pv)
			if !ok {
				continue
			}
			e.Prefix = p
		}
		for _, k := range []struct {
			key string
			to  *int
		}{{"ge", &e.GE}, {"le", &e.LE}} {
			if kv := g.Value(k.key); kv != nil {
				n, _ := ld.d.Int(k.key, kv, 1, 32)
				*k.to = int(n)
			}
		}
		// IOS: length < ge <= le <= 32, length <= le.
		switch {
		case e.GE > 0 && e.GE <= e.Prefix.Bits():
			ld.d.Errorf(g.Value("ge"), "ge: %d is not longer than the prefix %s; give ge from %d to 32 (or leave it out)", e.GE, e.Prefix, e.Prefix.Bits()+1)
			continue
		case e.LE > 0 && e.LE < e.Prefix.Bits():
			ld.d.Errorf(g.Value("le"), "le: %d is shorter than the prefix %s; give le from %d to 32", e.LE, e.Prefix, e.Prefix.Bits())
			continue
		case e.GE > 0 && e.LE > 0 && e.LE < e.GE:
			ld.d.Errorf(g.Value("le"), "le: %d is below ge %d; a length range runs from ge up to le", e.LE, e.GE)
			continue
		}
		out = append(out, e)
	}
	return out
}

// statics reads a VRF's static routes: a list of {prefix, next-hop, pe}.
func (ld *loader) statics(v *yaml.Node) []StaticRoute {
	items, _ := ld.d.Seq("static", v)
	var out []StaticRoute
	for _, it := range items {
		g, ok := ld.d.Map(it, "static route", []yamlx.Key{{Name: "prefix", Required: true}, {Name: "next-hop", Required: true}, {Name: "pe"}})
		if !ok {
			continue
		}
		r := StaticRoute{Pos: Pos{it.Line, it.Column}}
		good := true
		if pv := g.Value("prefix"); pv != nil {
			r.Prefix, ok = ld.d.Prefix("prefix", pv)
			good = good && ok
		}
		if nv := g.Value("next-hop"); nv != nil {
			if s, ok := ld.d.Str("next-hop", nv); ok {
				if strings.EqualFold(s, "null0") {
					r.Null0 = true
				} else if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
					ld.d.Errorf(nv, "next-hop: want the IPv4 address of a CE attached in this VRF, or null0 to discard; got %q", s)
					good = false
				} else {
					r.NextHop = a
				}
			} else {
				good = false
			}
		}
		if pv := g.Value("pe"); pv != nil {
			r.PE, _ = ld.d.Str("pe", pv)
		}
		if good {
			out = append(out, r)
		}
	}
	return out
}

func (ld *loader) routeTargets(f yamlx.Fields, key string) []vrf.RouteTarget {
	v := f.Value(key)
	if v == nil {
		return nil
	}
	items, _ := ld.d.Seq(key, v)
	var out []vrf.RouteTarget
	for _, it := range items {
		s, ok := ld.d.Str(key, it)
		if !ok {
			continue
		}
		rt, err := vrf.ParseRouteTarget(s)
		if err != nil {
			ld.d.Errorf(it, "%s: %v", key, err)
			continue
		}
		out = append(out, rt)
	}
	return out
}

var linkKeys = []yamlx.Key{
	{Name: "endpoints", Required: true},
	{Name: "metric"},
	{Name: "delay"},
	{Name: "mtu"},
	{Name: "ldp"},
	{Name: "subnet"},
	{Name: "vrf"},
	{Name: "evpn"},
	{Name: "vlan"},
	{Name: "routing"},
	{Name: "as-override"},
	{Name: "allowas-in"},
	{Name: "pe-allowas-in"},
	{Name: "soo"},
	{Name: "local-preference"},
	{Name: "med"},
}

// attachmentKeys are the link keys that only a CE–PE link takes, and
// ebgpKeys those that only a routing: ebgp one takes.
var (
	attachmentKeys = []string{"routing", "as-override", "allowas-in", "pe-allowas-in", "soo", "local-preference", "med"}
	ebgpKeys       = []string{"as-override", "allowas-in", "pe-allowas-in"}
)

// MaxAllowASIn is the most times allowas-in accepts the own AS (as IOS).
const MaxAllowASIn = 10

func (ld *loader) decodeLinks(v *yaml.Node) {
	items, _ := ld.d.Seq("links", v)
	for i, it := range items {
		it = yamlx.Deref(it)
		l := &Link{Index: i}
		if it != nil {
			l.Pos = Pos{it.Line, it.Column}
		}
		rl := &rawLink{l: l}
		ld.links = append(ld.links, rl)
		f, ok := ld.d.Map(it, "link", linkKeys)
		if !ok {
			continue
		}
		rl.f = f
		if v := f.Value("endpoints"); v != nil {
			rl.ok = ld.decodeEndpoints(rl, v)
		}
		if v := f.Value("metric"); v != nil {
			x, _ := ld.d.Int("metric", v, 1, MaxMetric)
			l.Metric = uint32(x)
		}
		if v := f.Value("delay"); v != nil {
			l.Delay, _ = ld.d.Duration("delay", v)
		}
		if v := f.Value("ldp"); v != nil {
			if b, ok := ld.d.Bool("ldp", v); ok {
				l.NoLDP = !b
			}
		}
		l.MTU = DefaultMTU
		if v := f.Value("mtu"); v != nil {
			x, _ := ld.d.Int("mtu", v, MinMTU, MaxMTU)
			l.MTU = int(x)
		}
		if v := f.Value("subnet"); v != nil {
			if p, ok := ld.d.Prefix("subnet", v); ok {
				if p.Bits() != 30 && p.Bits() != 31 {
					ld.d.Errorf(v, "subnet: a point-to-point link takes a /30 or a /31, got %s", p)
				} else {
					l.Subnet = p
				}
			}
		}
		if v := f.Value("vrf"); v != nil {
			if s, ok := ld.d.Str("vrf", v); ok {
				if rl.vrf = ld.vrfByNm[s]; rl.vrf == nil {
					hint := yamlx.Hint(s, "VRFs", ld.vrfNames())
					if len(ld.vrfs) == 0 {
						hint = " (the topology defines none; add them under vrfs)"
					}
					ld.d.Errorf(v, "vrf: no VRF named %q in vrfs%s", s, hint)
				}
			}
		}
		if v := f.Value("evpn"); v != nil {
			if s, ok := ld.d.Str("evpn", v); ok {
				if rl.evpn = ld.evpnByNm[s]; rl.evpn == nil {
					hint := yamlx.Hint(s, "EVPNs", ld.evpnNames())
					if len(ld.evpnList) == 0 {
						hint = " (the topology defines none; add them under evpns)"
					}
					ld.d.Errorf(v, "evpn: no EVPN named %q in evpns%s", s, hint)
				} else {
					l.EVPN = s
				}
			}
		}
		if v := f.Value("vlan"); v != nil {
			x, _ := ld.d.Int("vlan", v, 1, 4094)
			l.VLAN = uint16(x)
		}
		if v := f.Value("routing"); v != nil {
			if s, ok := ld.d.Enum("routing", v, string(RoutingStatic), string(RoutingEBGP)); ok {
				l.Routing = Routing(s)
			}
		}
		ld.decodeAttachmentBGP(f, &l.BGP)
	}
}

func (ld *loader) decodeAttachmentBGP(f yamlx.Fields, b *AttachmentBGP) {
	if v := f.Value("as-override"); v != nil {
		b.ASOverride, _ = ld.d.Bool("as-override", v)
	}
	for _, k := range []struct {
		key string
		to  *uint8
	}{{"allowas-in", &b.AllowASIn}, {"pe-allowas-in", &b.PEAllowASIn}} {
		if v := f.Value(k.key); v != nil {
			x, _ := ld.d.Int(k.key, v, 1, MaxAllowASIn)
			*k.to = uint8(x)
		}
	}
	if v := f.Value("soo"); v != nil {
		if s, ok := ld.d.Str("soo", v); ok {
			rt, err := vrf.ParseRouteTarget(s)
			if err != nil {
				ld.d.Errorf(v, "soo: %v", strings.Replace(err.Error(), "route target", "site of origin", 1))
			} else {
				b.SoO = rt.SiteOfOrigin()
			}
		}
	}
	if v := f.Value("local-preference"); v != nil {
		if x, ok := ld.d.Int("local-preference", v, 0, 1<<32-1); ok {
			b.LocalPref, b.HasLocalPref = uint32(x), true
		}
	}
	if v := f.Value("med"); v != nil {
		x, _ := ld.d.Int("med", v, 0, 1<<32-1)
		b.MED = uint32(x)
	}
}

func (ld *loader) vrfNames() []string {
	names := make([]string, len(ld.vrfs))
	for i, v := range ld.vrfs {
		names[i] = v.v.Name
	}
	return names
}

func (ld *loader) evpnNames() []string {
	var out []string
	for _, re := range ld.evpnList {
		out = append(out, re.e.Name)
	}
	return out
}

func (ld *loader) nodeNames() []string {
	names := make([]string, len(ld.nodes))
	for i, n := range ld.nodes {
		names[i] = n.n.Name
	}
	return names
}

// decodeEndpoints reads the two ends of a link and reports whether both
// name known nodes.
func (ld *loader) decodeEndpoints(rl *rawLink, v *yaml.Node) bool {
	items, ok := ld.d.Seq("endpoints", v)
	if !ok {
		return false
	}
	if len(items) != 2 {
		ld.d.Errorf(v, "endpoints: a link joins exactly two nodes, e.g. [PE1, P1]; got %d", len(items))
		return false
	}
	good := true
	for i, it := range items {
		s, ok := ld.d.Str("endpoints", it)
		if !ok {
			good = false
			continue
		}
		name, ifname, named := strings.Cut(s, ":")
		e := rawEnd{ifname: ifname, v: it}
		if named && !validIfName(ifname) {
			ld.d.Errorf(it, "endpoints: %q: an interface name after the colon uses letters, digits and - _ / . only, e.g. \"PE1:ge-0/0/1\"", s)
			good = false
		}
		if e.node = ld.byName[name]; e.node == nil {
			ld.d.Errorf(it, "endpoints: no node named %q in nodes%s", name, yamlx.Hint(name, "nodes", ld.nodeNames()))
			good = false
		}
		rl.ends[i] = e
	}
	return good
}

func validIfName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_/.", r)) {
			return false
		}
	}
	return true
}

// usable returns the first two addresses of a link subnet that interfaces
// take: both addresses of a /31, the two host addresses of a /30.
func usable(p netip.Prefix) (netip.Addr, netip.Addr) {
	a := p.Addr()
	if p.Bits() == 30 {
		a = a.Next()
	}
	return a, a.Next()
}

// labelRange decodes label-range: [MIN, MAX], the labels the router may
// allocate: 16 (the first one not reserved, RFC 3032) to 1048575.
func (ld *loader) labelRange(n *Node, v *yaml.Node) {
	items, ok := ld.d.Seq("label-range", v)
	if !ok {
		return
	}
	if len(items) != 2 {
		ld.d.Errorf(v, "label-range: give [MIN, MAX], two labels from 16 to %d, e.g. [100, 199]", MaxLabel)
		return
	}
	lo, ok1 := ld.d.Int("label-range", items[0], 16, MaxLabel)
	hi, ok2 := ld.d.Int("label-range", items[1], 16, MaxLabel)
	if !ok1 || !ok2 {
		return
	}
	if hi < lo {
		ld.d.Errorf(items[1], "label-range: the maximum %d is below the minimum %d; give [MIN, MAX]", hi, lo)
		return
	}
	n.LabelRange = [2]uint32{uint32(lo), uint32(hi)}
}

// maxPosition bounds a position's coordinates: a drawing, not a number
// line (a Zoo import writes degrees times ten).
const maxPosition = 1e6

// position decodes a node's position: [x, y], two numbers.
func (ld *loader) position(n *Node, v *yaml.Node) {
	items, ok := ld.d.Seq("position", v)
	if !ok {
		return
	}
	if len(items) != 2 {
		ld.d.Errorf(v, "position: give [x, y], two numbers (x to the right, y down), e.g. [120, 40]")
		return
	}
	var xy [2]float64
	for i, it := range items {
		it = yamlx.Deref(it)
		f, err := strconv.ParseFloat(it.Value, 64)
		if it.Tag == "!!int" && err != nil { // 0x10, 0o17: YAML's other integers
			var i int64
			i, err = strconv.ParseInt(strings.ReplaceAll(it.Value, "_", ""), 0, 64)
			f = float64(i)
		}
		if it.Kind != yaml.ScalarNode || (it.Tag != "!!int" && it.Tag != "!!float") || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			ld.d.Errorf(it, "position: %s is not a number; give [x, y], e.g. [120, 40]", yamlx.Describe(it))
			return
		}
		if math.Abs(f) > maxPosition {
			ld.d.Errorf(it, "position: %g is too far out; give coordinates from -%g to %g", f, float64(maxPosition), float64(maxPosition))
			return
		}
		xy[i] = f
	}
	n.Position, n.HasPosition = Point{xy[0], xy[1]}, true
}
