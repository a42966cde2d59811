// Package confimport reads real router configurations, FRR's integrated
// frr.conf and Cisco IOS/IOS-XE running-config, and turns a set of them
// (one per router) into a vpnsim topology document.
//
// Parsing (frr.go, ios.go) fills one Router per file with what the
// configuration says, vendor-neutral: interfaces and their addresses, VRF
// definitions, BGP, LDP, static routes, prefix lists and route maps. Build
// (build.go) then infers what a topology states outright: each router's
// role, the links (two interfaces in the same /30 or /31), the CE–PE
// attachments and their routing, and the VRFs.
//
// Every line is either understood, known to change nothing in the model
// (a description, logging, a line vty block), or reported: a warning
// "FILE:LINE: ignored: LINE" for what the model has no place for and does
// not need, an error with the line for what would change the network's
// meaning and cannot be represented (OSPF between PE and CE, an export map
// that sets route targets, a prefix list with deny entries used as an
// import map).
package confimport

import (
	"net/netip"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Router is what one configuration file says, vendor-neutral.
type Router struct {
	File     string
	Hostname string
	Line     int  // the hostname's line (1 when there is none)
	IOS      bool // an IOS configuration (else FRR)

	Interfaces []*Interface // in file order

	// LDP: LDP runs on the router (FRR "mpls ldp"; IOS "mpls ip" or
	// "mpls label protocol ldp" or an IGP's "mpls ldp autoconfig").
	LDP bool
	// LDPAll: LDP runs on every IGP interface (IOS "mpls ldp autoconfig").
	LDPAll       bool
	ExplicitNull bool      // "label local advertise explicit-null" / "mpls ldp explicit-null"
	NoTTLProp    bool      // IOS "no mpls ip propagate-ttl"
	LabelRange   [2]uint32 // "mpls label range" / FRR "mpls label dynamic-block"
	LabelMode    topologies.LabelAllocation
	RouterID     netip.Addr // bgp, ldp or ospf router-id: the loopback when lo has none

	ASN       uint32 // router bgp; 0 without BGP
	Neighbors map[string]*Neighbor
	// Networks are the global BGP "network" statements (a CE's LANs);
	// RedistConnected: the global BGP instance redistributes connected
	// routes (a CE advertising every LAN).
	Networks        []netip.Prefix
	RedistConnected bool

	groups map[string]*Neighbor // peer groups by VRF|NAME

	VRFs    map[string]*VRFConf
	vrfList []string // names in first-mention order

	Statics []Static

	PrefixLists map[string]*PrefixList
	RouteMaps   map[string]*RouteMap
	// SoOLists are FRR's "bgp extcommunity-list standard NAME permit soo RT".
	SoOLists map[string]vrf.RouteTarget

	// OSPFRefBW is IOS's "auto-cost reference-bandwidth" in Mbit/s (100
	// when not given); OSPF: an OSPF process carries the core.
	OSPFRefBW uint32
	OSPF      bool
	ospfNets  []ospfNetwork

	diags *diag.List
}

// Interface is one interface of the configuration.
type Interface struct {
	Name string
	// Addrs are its addresses: one on a link or LAN interface; a
	// loopback may have several (a CE's LANs).
	Addrs     []netip.Prefix
	VRF       string
	Line      int
	Loopback  bool
	LDP       bool   // LDP enabled on it
	IGP       bool   // IS-IS or OSPF runs on it
	Metric    uint32 // isis metric or ospf cost; 0 when not given
	Bandwidth uint32 // IOS "bandwidth" in kbit/s; 0 when not given
	MTU       int    // IOS "mtu": the largest frame payload, labels included; 0 when not given
	// VLAN is an 802.1Q subinterface's VLAN ID: IOS "encapsulation dot1Q
	// N"; for FRR, whose configuration does not say it, the NAME.N suffix
	// of the device setup.sh made. 0: untagged.
	VLAN     uint16
	Shutdown bool
}

// Neighbor is one BGP neighbour, in the default instance ("") or a VRF.
type Neighbor struct {
	VRF                     string
	Addr                    netip.Addr
	RemoteAS                uint32
	VPNv4                   bool // activated in the VPNv4 address family
	RRClient                bool
	ASOverride              bool
	AllowASIn               uint8
	SoO                     vrf.RouteTarget
	RouteMapIn, RouteMapOut string
	Group                   string // the peer group it belongs to
	Line                    int
}

// resolveOSPF marks the interfaces an OSPF network statement covers as
// running the IGP (where "mpls ldp autoconfig" turns LDP on).
func (r *Router) resolveOSPF() {
	for _, i := range r.Interfaces {
		for _, n := range r.ospfNets {
			if len(i.Addrs) > 0 && n.prefix.Contains(i.Addrs[0].Addr()) {
				i.IGP = true
			}
		}
	}
}

// resolveGroups gives each neighbour in a peer group the group's settings
// it does not set itself (IOS and FRR peer groups).
func (r *Router) resolveGroups() {
	for _, n := range r.Neighbors {
		g := r.groups[n.VRF+"|"+n.Group]
		if n.Group == "" || g == nil {
			continue
		}
		if n.RemoteAS == 0 {
			n.RemoteAS = g.RemoteAS
		}
		n.VPNv4 = n.VPNv4 || g.VPNv4
		n.RRClient = n.RRClient || g.RRClient
		n.ASOverride = n.ASOverride || g.ASOverride
		if n.AllowASIn == 0 {
			n.AllowASIn = g.AllowASIn
		}
		if n.SoO == (vrf.RouteTarget{}) {
			n.SoO = g.SoO
		}
		if n.RouteMapIn == "" {
			n.RouteMapIn = g.RouteMapIn
		}
		if n.RouteMapOut == "" {
			n.RouteMapOut = g.RouteMapOut
		}
	}
}

// VRFConf is one VRF as one PE defines it.
type VRFConf struct {
	Name                 string
	RD                   vrf.RD
	HasRD                bool
	Import, Export       []vrf.RouteTarget
	ImportMap, ExportMap string // route-map names
	Line                 int
	// RedistStaticMap is FRR's "redistribute static route-map NAME".
	RedistStaticMap string
	// ImportVPN and ExportVPN are FRR's "import vpn" and "export vpn":
	// without them the VRF takes nothing from VPNv4 or gives it nothing,
	// whatever its route targets.
	ImportVPN, ExportVPN bool
}

// Static is one static route: in a VRF, or global ("").
type Static struct {
	VRF     string
	Prefix  netip.Prefix
	NextHop netip.Addr
	Null0   bool
	Line    int
}

// PrefixList is an "ip prefix-list" by name.
type PrefixList struct {
	Entries []topologies.PrefixEntry
	Deny    int // a line with deny: cannot be represented as a map
	Line    int
}

// RouteMap is a route map by name: its entries in sequence order.
type RouteMap struct {
	Entries []*RouteMapEntry
	Line    int
}

// RouteMapEntry is one "route-map NAME permit|deny SEQ".
type RouteMapEntry struct {
	Seq          int
	Permit       bool
	MatchPrefix  []string // prefix lists matched
	MatchSoO     string   // FRR: match extcommunity LIST
	LocalPref    uint32
	HasLocalPref bool
	MED          uint32
	SoO          vrf.RouteTarget
	// Other is the first set or match the model cannot represent (e.g.
	// "set extcommunity rt"), with its line.
	Other     string
	OtherLine int
	Line      int
}

// Addr is the interface's (first) address; invalid when it has none.
func (i *Interface) Addr() netip.Prefix {
	if len(i.Addrs) == 0 {
		return netip.Prefix{}
	}
	return i.Addrs[0]
}

func parseRD(s string) (vrf.RD, error) { return vrf.ParseRD(s) }

type ospfNetwork struct {
	prefix netip.Prefix
}

func newRouter(file string, l *diag.List) *Router {
	return &Router{File: file, Line: 1, Neighbors: map[string]*Neighbor{}, groups: map[string]*Neighbor{}, VRFs: map[string]*VRFConf{},
		PrefixLists: map[string]*PrefixList{}, RouteMaps: map[string]*RouteMap{}, SoOLists: map[string]vrf.RouteTarget{},
		OSPFRefBW: 100, diags: l}
}

// vrfConf returns the named VRF, creating it.
func (r *Router) vrfConf(name string, line int) *VRFConf {
	v := r.VRFs[name]
	if v == nil {
		v = &VRFConf{Name: name, Line: line}
		r.VRFs[name] = v
		r.vrfList = append(r.vrfList, name)
	}
	return v
}

// VRFNames returns the VRFs in the order the file first names them.
func (r *Router) VRFNames() []string { return r.vrfList }

// neighbor returns the neighbour at addr in VRF v, creating it.
func (r *Router) neighbor(v string, a netip.Addr, line int) *Neighbor {
	k := v + "|" + a.String()
	n := r.Neighbors[k]
	if n == nil {
		n = &Neighbor{VRF: v, Addr: a, Line: line}
		r.Neighbors[k] = n
	}
	return n
}

// iface returns the named interface, creating it.
func (r *Router) iface(name string, line int) *Interface {
	for _, i := range r.Interfaces {
		if i.Name == name {
			return i
		}
	}
	i := &Interface{Name: name, Line: line}
	r.Interfaces = append(r.Interfaces, i)
	return i
}

// line is one line of a configuration file, split into words.
type line struct {
	n      int    // 1-based
	indent int    // leading spaces
	text   string // trimmed
	w      []string
}

// lines splits a configuration into its non-empty lines (comments too:
// the parsers decide).
func lines(data []byte) []line {
	var out []line
	for i, s := range strings.Split(string(data), "\n") {
		s = strings.TrimRight(s, "\r \t")
		t := strings.TrimLeft(s, " \t")
		w := strings.Fields(t)
		if len(w) == 0 {
			continue // only other white space (a form feed, say)
		}
		out = append(out, line{n: i + 1, indent: len(s) - len(t), text: t, w: w})
	}
	return out
}

// ignored warns that a line was not understood: FILE:LINE: ignored: LINE.
func (r *Router) ignored(l line) {
	r.diags.Add(diag.Diagnostic{File: r.File, Line: l.n, Msg: "ignored: " + l.text, Warning: true})
}

// errorf reports what cannot be represented, at the line.
func (r *Router) errorf(l line, format string, a ...any) {
	r.diags.Errorf(r.File, l.n, l.indent+1, format, a...)
}

// warnf warns with a sentence at the line.
func (r *Router) warnf(l line, format string, a ...any) {
	r.diags.Warnf(r.File, l.n, l.indent+1, format, a...)
}

// Print prints a diagnostic as import prints it: an ignored line as
// "FILE:LINE: ignored: LINE", everything else as internal/diag does.
func Print(d diag.Diagnostic) string {
	if d.Warning && strings.HasPrefix(d.Msg, "ignored: ") {
		return d.File + ":" + itoa(d.Line) + ": " + d.Msg
	}
	return d.String()
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// parseRT parses a route target ASN:NN or IP:NN.
func parseRT(s string) (vrf.RouteTarget, bool) {
	rt, err := vrf.ParseRouteTarget(s)
	return rt, err == nil
}

// parseU parses an unsigned decimal.
func parseU(s string, bits int) (uint64, bool) {
	var n uint64
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if bits < 64 && n >= 1<<bits {
		return 0, false
	}
	return n, true
}

// parsePrefixList parses "[seq N] permit|deny P [ge N] [le N]" after the
// list's name.
func (r *Router) prefixListLine(l line, name string, rest []string) {
	if len(rest) >= 2 && rest[0] == "seq" {
		rest = rest[2:]
	}
	if len(rest) == 1 && rest[0] == "description" || len(rest) > 0 && rest[0] == "description" {
		return
	}
	pl := r.PrefixLists[name]
	if pl == nil {
		pl = &PrefixList{Line: l.n}
		r.PrefixLists[name] = pl
	}
	if len(rest) < 2 || (rest[0] != "permit" && rest[0] != "deny") {
		r.ignored(l)
		return
	}
	if rest[1] == "any" {
		rest = append([]string{rest[0], "0.0.0.0/0", "le", "32"}, rest[2:]...)
	}
	p, err := netip.ParsePrefix(rest[1])
	if err != nil || !p.Addr().Is4() {
		r.errorf(l, "%q is not an IPv4 prefix such as 10.1.0.0/16", rest[1])
		return
	}
	e := topologies.PrefixEntry{Prefix: p.Masked()}
	for i := 2; i+1 < len(rest); i += 2 {
		n, ok := parseU(rest[i+1], 8)
		if !ok || n > 32 {
			r.errorf(l, "%q is not a prefix length 0 to 32", rest[i+1])
			return
		}
		switch rest[i] {
		case "ge":
			e.GE = int(n)
		case "le":
			e.LE = int(n)
		default:
			r.ignored(l)
			return
		}
	}
	if rest[0] == "deny" {
		if pl.Deny == 0 {
			pl.Deny = l.n
		}
		return
	}
	pl.Entries = append(pl.Entries, e)
}
