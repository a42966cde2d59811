package vrf

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/vpnsim/vpnsim/mpls"
)

// Proto is where a VRF route came from.
type Proto uint8

// Route sources, in order of preference (administrative distance).
const (
	Connected Proto = iota // the attachment circuit's own subnet
	Static                 // a static route toward a CE
	EBGP                   // learned from a CE over eBGP
	IBGP                   // a VPN route learned from another PE over MP-BGP
)

// Distance is the administrative distance of a protocol (topology contract,
// "Route choice").
func (p Proto) Distance() int {
	return [...]int{0, 1, 20, 200}[p]
}

// Code is the one-letter code tables print (Cisco style).
func (p Proto) Code() string { return [...]string{"C", "S", "B", "B"}[p] }

func (p Proto) String() string {
	return [...]string{"connected", "static", "ebgp", "ibgp"}[p]
}

// Route is one route in a VRF.
type Route struct {
	Prefix netip.Prefix
	Proto  Proto

	// Local routes (connected, static, eBGP, or leaked from another VRF on
	// this PE): the attachment interface and the CE behind it.
	IfIndex  int
	CE       string     // the CE's node name ("" for connected)
	NextHop  netip.Addr // the CE's address; for a VPN route the remote PE's loopback
	FromVRF  string     // the VRF on this PE a leaked route comes from; "" for its own
	Discard  bool       // a static route to null0: packets are dropped
	Exported bool       // this VRF exports it (learned from its own attachments)

	// VPN routes learned from another PE.
	PE    string     // the advertising PE's name
	Label mpls.Label // the VPN label to push
	RD    RD
	RTs   []RouteTarget

	// BGP attributes for the decision process and the tables.
	LocalPref  uint32
	ASPath     []uint32
	Origin     uint8
	MED        uint32
	IGPCost    uint32
	ClusterLen int
	RouterID   netip.Addr  // originator or router ID
	PeerID     netip.Addr  // the sending peer's router ID (model loopback)
	SoO        RouteTarget // Site of Origin (zero: none)
}

// Local reports whether the route leaves through one of the PE's own
// attachment interfaces.
func (r *Route) Local() bool { return r.Proto != IBGP }

// Better reports whether a is preferred over b. Between protocols the
// administrative distance decides: connected, then static, then BGP. Between
// two BGP routes (eBGP from a CE, iBGP from another PE) the BGP decision
// process decides, as in IOS, where BGP picks one best path before it
// offers it to the routing table: RFC 4271 section 9.1.2.2 with RFC 4456
// section 9: local preference, AS path length, origin, MED (when both came
// from the same neighbouring AS), eBGP over iBGP, IGP cost to the next hop,
// lowest originator or router ID, shorter cluster list, lowest peer. Last
// come the route distinguisher and next hop, so that the choice never
// depends on the order routes arrived in.
func Better(a, b *Route) bool { return compare(a, b) < 0 }

// Compare orders two routes for one prefix as Better does: negative when
// a is preferred.
func Compare(a, b *Route) int { return compare(a, b) }

func (p Proto) isBGP() bool { return p == EBGP || p == IBGP }

func compare(a, b *Route) int {
	if !a.Proto.isBGP() || !b.Proto.isBGP() {
		if c := cmp.Compare(a.Proto.Distance(), b.Proto.Distance()); c != 0 {
			return c
		}
	}
	if c := CompareBGP(a, b); c != 0 {
		return c
	}
	if c := a.RD.Compare(b.RD); c != 0 {
		return c
	}
	if c := cmp.Compare(a.FromVRF, b.FromVRF); c != 0 {
		return c
	}
	if c := cmp.Compare(a.CE, b.CE); c != 0 {
		return c
	}
	return a.NextHop.Compare(b.NextHop)
}

// CompareBGP is the BGP decision process between two paths for one
// destination (see Better), negative when a wins, 0 when every step ties.
func CompareBGP(a, b *Route) int {
	if c := cmp.Compare(b.LocalPref, a.LocalPref); c != 0 {
		return c
	}
	if c := cmp.Compare(len(a.ASPath), len(b.ASPath)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Origin, b.Origin); c != 0 {
		return c
	}
	if firstAS(a.ASPath) == firstAS(b.ASPath) {
		if c := cmp.Compare(a.MED, b.MED); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.Proto, b.Proto); c != 0 { // eBGP over iBGP
		return c
	}
	if c := cmp.Compare(a.IGPCost, b.IGPCost); c != 0 {
		return c
	}
	if c := a.RouterID.Compare(b.RouterID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ClusterLen, b.ClusterLen); c != 0 {
		return c
	}
	return a.PeerID.Compare(b.PeerID)
}

func firstAS(p []uint32) uint32 {
	if len(p) == 0 {
		return 0
	}
	return p[0]
}

// VRF is one VRF on one PE: its identity and its IP table.
type VRF struct {
	Name   string
	RD     RD
	Import []RouteTarget
	Export []RouteTarget
	table  *bart.Table[*Route]
	routes []*Route // sorted by prefix
}

// New returns an empty VRF.
func New(name string, rd RD, imp, exp []RouteTarget) *VRF {
	return &VRF{Name: name, RD: rd, Import: imp, Export: exp, table: new(bart.Table[*Route])}
}

// Imports reports whether a route carrying any of rts is imported.
func (v *VRF) Imports(rts []RouteTarget) bool { return Matches(v.Import, rts) }

// Matches reports whether a route carrying rts is taken in by import
// targets imports: one of them is among rts (RFC 4364 section 4.3.1; an
// EVPN instance imports the same way, RFC 7432 section 7.9).
func Matches(imports, rts []RouteTarget) bool {
	for _, rt := range rts {
		if slices.Contains(imports, rt) {
			return true
		}
	}
	return false
}

// Install replaces the VRF's table with the best of the candidate routes
// for each prefix.
func (v *VRF) Install(cands []*Route) {
	best := map[netip.Prefix]*Route{}
	for _, r := range cands {
		if cur, ok := best[r.Prefix]; !ok || Better(r, cur) {
			best[r.Prefix] = r
		}
	}
	v.table = new(bart.Table[*Route])
	v.routes = v.routes[:0]
	for p, r := range best {
		v.table.Insert(p, r)
		v.routes = append(v.routes, r)
	}
	slices.SortFunc(v.routes, func(a, b *Route) int { return ComparePrefix(a.Prefix, b.Prefix) })
}

// Lookup is the longest-prefix match for dst.
func (v *VRF) Lookup(dst netip.Addr) *Route {
	r, _ := v.table.Lookup(dst)
	return r
}

// Exact returns the route for exactly p, or nil.
func (v *VRF) Exact(p netip.Prefix) *Route {
	r, _ := v.table.Get(p)
	return r
}

// Routes returns the VRF's routes sorted by prefix.
func (v *VRF) Routes() []*Route { return v.routes }

// ComparePrefix orders prefixes by address, then length.
func ComparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// Deciding names the step of the decision (Compare) at which route a beats
// route b, in the words IOS-XE's best-path reasons use; "" when a does not
// win.
func Deciding(a, b *Route) string {
	if compare(a, b) >= 0 {
		return ""
	}
	if !a.Proto.isBGP() || !b.Proto.isBGP() {
		if a.Proto.Distance() != b.Proto.Distance() {
			if !a.Proto.isBGP() {
				return "locally originated (weight 32768)"
			}
			return "lower administrative distance"
		}
	}
	switch {
	case a.LocalPref != b.LocalPref:
		return "higher local preference"
	case len(a.ASPath) != len(b.ASPath):
		return "shorter AS path"
	case a.Origin != b.Origin:
		return "lower origin type"
	case firstAS(a.ASPath) == firstAS(b.ASPath) && a.MED != b.MED:
		return "lower MED"
	case a.Proto != b.Proto:
		return "eBGP over iBGP"
	case a.IGPCost != b.IGPCost:
		return "lower IGP metric to the next hop"
	case a.RouterID != b.RouterID:
		return "lower router ID (ORIGINATOR_ID for a reflected path)"
	case a.ClusterLen != b.ClusterLen:
		return "shorter cluster list"
	case a.PeerID != b.PeerID:
		return "lower neighbor address"
	}
	return "lower route distinguisher, then next hop (vpnsim's last tie-breaks)"
}
