// Package topologies holds the topology file format: its types, loading,
// validation and the built-in example topologies.
//
// The types here are plain data: a loaded Topology is fully resolved
// (interface names numbered, subnets and addresses allocated, route targets
// merged) so the simulator never parses YAML and never re-derives the rules
// of the file format. See docs/spec/topology.md.
package topologies

import (
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/vrf"
)

// Role is what a node does in the network.
type Role string

// The four roles of the topology contract.
const (
	RolePE Role = "pe" // provider edge: LSR with VRFs and an MP-BGP speaker
	RoleP  Role = "p"  // provider core: LSR, no BGP
	RoleRR Role = "rr" // route reflector: LSR with an MP-BGP speaker
	RoleCE Role = "ce" // customer edge: plain IP
)

// TTLMode is the provider's ttl-propagation setting.
type TTLMode string

// TTL propagation modes.
const (
	TTLUniform TTLMode = "uniform"
	TTLPipe    TTLMode = "pipe"
	// TTLPipeForwarded: pipe for the traffic a router forwards, uniform
	// for what it sends itself (IOS "no mpls ip propagate-ttl forwarded").
	TTLPipeForwarded TTLMode = "pipe-forwarded"
)

// Pipes reports whether labels pushed on forwarded traffic hide the IP
// TTL (pipe or pipe-forwarded).
func (m TTLMode) Pipes() bool { return m == TTLPipe || m == TTLPipeForwarded }

// LabelAllocation is the provider's vpn-label-allocation setting.
type LabelAllocation string

// VPN label allocation modes.
const (
	PerVRF    LabelAllocation = "per-vrf"
	PerCE     LabelAllocation = "per-ce"
	PerPrefix LabelAllocation = "per-prefix"
)

// EVPNType is an EVPN instance's service: a multipoint LAN (E-LAN, RFC
// 7432) or a point-to-point line (E-Line, EVPN VPWS, RFC 8214).
type EVPNType string

// EVPN service types.
const (
	ELAN  EVPNType = "elan"
	ELine EVPNType = "eline"
)

// EVPN is one EVPN instance (an EVI): a customer's wide-area Ethernet over
// the provider's MPLS core, on every PE with an attachment in it.
type EVPN struct {
	Name string
	// Index is the 1-based position among the evpns; rd: auto numbers an
	// EVI after every VRF (LOOPBACK:len(vrfs)+Index).
	Index       int
	Type        EVPNType
	RD          vrf.RD // zero when RDAuto
	RDAuto      bool
	Import      []vrf.RouteTarget // deduplicated, sorted
	Export      []vrf.RouteTarget
	Description string
	Pos         Pos
}

// Routing is the PE–CE routing of an attachment circuit.
type Routing string

// PE–CE routing modes.
const (
	RoutingStatic Routing = "static"
	RoutingEBGP   Routing = "ebgp"
)

// Pos is a place in a source file (1-based line and column).
type Pos struct {
	Line, Column int
}

// Topology is one loaded, validated and resolved topology file.
type Topology struct {
	File        string // the path it was read from, or the built-in's name
	Name        string
	Description string
	Provider    Provider
	Nodes       []*Node // in file order
	VRFs        []*VRF  // in file order
	EVPNs       []*EVPN // in file order
	Links       []*Link // in file order
	// ExternalPeers are real BGP routers outside the model that peer with
	// a route reflector or PE over real TCP (the external-peers key), in
	// file order.
	ExternalPeers []*ExternalPeer

	byName map[string]*Node
	vrfs   map[string]*VRF
	evpns  map[string]*EVPN
}

// Provider holds the provider-wide settings.
type Provider struct {
	ASN                uint32
	PHP                bool
	TTLPropagation     TTLMode
	VPNLabelAllocation LabelAllocation
}

// Node is one router.
type Node struct {
	Name     string
	Role     Role
	Loopback netip.Addr     // provider routers only; invalid for a CE
	LANs     []netip.Prefix // CE only
	ASN      uint32         // CE only; 0 when not given
	// LANAddress is a CE on an EVPN: a customer host or switch with this
	// address on the customer's LAN, which the EVPN stretches across the
	// provider (its one link's interface takes it). Invalid otherwise.
	LANAddress netip.Prefix
	// LabelRange is the labels the router allocates from (IOS "mpls label
	// range MIN MAX"): LDP labels first, then a PE's VPN labels. Zero:
	// LDP from 16 and VPN labels from 100000 (LabelBases).
	LabelRange  [2]uint32
	Description string
	// Interfaces in link file order (the order the links that use them appear).
	Interfaces []*Interface
	Pos        Pos // the node's key in the file
	// Position is where a drawing puts the node (the position key: x to
	// the right, y down, in the drawing's units); HasPosition says the
	// file gave one. Only drawings read it (vpnsim web, vpnsim graph).
	Position    Point
	HasPosition bool
}

// VRF is one customer VPN definition; it exists on every PE with a link in it.
type VRF struct {
	Name   string
	Index  int    // 1-based position in the file (used by rd: auto)
	RD     vrf.RD // zero when RDAuto
	RDAuto bool
	Import []vrf.RouteTarget // route-target plus import, deduplicated, sorted
	Export []vrf.RouteTarget // route-target plus export, deduplicated, sorted
	// ImportMap and ExportMap restrict what the VRF imports and exports
	// (IOS "import map"/"export map" over a prefix list; FRR "route-map
	// vpn import|export"); nil lets everything through.
	ImportMap PrefixMap
	ExportMap PrefixMap
	// Static are the VRF's static routes.
	Static      []StaticRoute
	Description string
	Pos         Pos
}

// PrefixEntry is one entry of an import or export map: an IOS prefix-list
// line "permit PREFIX [ge GE] [le LE]".
type PrefixEntry struct {
	Prefix netip.Prefix
	GE, LE int // 0 when not given
}

// Matches reports whether p falls under the entry as under an IOS prefix
// list: inside the entry's prefix, with a length from GE (default: the
// entry's own length) to LE (default: 32 when GE is given, else the
// entry's own length; without either, only the exact prefix matches).
func (e PrefixEntry) Matches(p netip.Prefix) bool {
	if p.Bits() < e.Prefix.Bits() || !e.Prefix.Contains(p.Addr()) {
		return false
	}
	lo, hi := e.Prefix.Bits(), e.Prefix.Bits()
	if e.GE > 0 {
		lo, hi = e.GE, 32
	}
	if e.LE > 0 {
		hi = e.LE
	}
	return p.Bits() >= lo && p.Bits() <= hi
}

// PrefixMap is an import or export map: a route passes when an entry
// matches it. A nil map lets every route through; an empty one none.
type PrefixMap []PrefixEntry

// Permits reports whether the map lets p through.
func (m PrefixMap) Permits(p netip.Prefix) bool {
	if m == nil {
		return true
	}
	for _, e := range m {
		if e.Matches(p) {
			return true
		}
	}
	return false
}

// StaticRoute is a static route in a VRF: toward a CE attached in the VRF,
// or to null0 (discarded). It is exported like the VRF's other routes.
type StaticRoute struct {
	Prefix  netip.Prefix
	NextHop netip.Addr // the CE's address; zero for null0
	Null0   bool
	// PE is the PE that holds it; "" for every PE with an attachment in
	// the VRF whose CE has the next-hop address (for null0: every PE with
	// an attachment in the VRF).
	PE  string
	Pos Pos
}

// ExternalPeer is a BGP router outside the simulation (FRR, GoBGP, a lab
// router) that joins the provider network as an iBGP peer of one route
// reflector or PE, carrying VPNv4 routes.
type ExternalPeer struct {
	Name string
	// Address is the router's own socket address in 127.0.0.0/8: a
	// connection is accepted only from it.
	Address netip.Addr
	ASN     uint32 // the provider's AS: the peer is an iBGP peer
	PeerOf  string // the rr or pe node it peers with
	// Listen is where PeerOf accepts this peer's connection, in
	// 127.0.0.0/8, fixed so that a real router can be configured for it.
	Listen netip.AddrPort
	Pos    Pos
}

// Link is one point-to-point link.
type Link struct {
	Index  int        // 0-based position in the file
	A, B   *Interface // endpoints[0] and endpoints[1]
	Metric uint32     // IGP metric (provider links; 10 by default)
	Delay  time.Duration
	// MTU is the largest packet the link carries, labels included (IOS's
	// interface mtu with mpls mtu the same); DefaultMTU when not given.
	MTU int
	// NoLDP: LDP does not run on this provider link (ldp: false; IOS "no
	// mpls ip" on its interfaces): the IGP uses it, no label crosses it.
	NoLDP  bool
	Subnet netip.Prefix
	VRF    string // the attachment's VRF on a CE–PE link, "" on a provider link
	// EVPN is the EVPN instance of an EVPN attachment (a CE–PE link that
	// is a bridge port of the PE, not an IP interface); "" elsewhere.
	EVPN string
	// VLAN is the 802.1Q VLAN ID the attachment's frames carry (a dot1q
	// subinterface on both ends); 0 for untagged.
	VLAN    uint16
	Routing Routing // CE–PE links only
	BGP     AttachmentBGP
	Pos     Pos
}

// AttachmentBGP is the BGP policy of a CE–PE link (all zero elsewhere):
// the IOS neighbour and route-map settings a PE and its CE would carry.
// The AS-path options apply to routing: ebgp links only.
type AttachmentBGP struct {
	// ASOverride: the PE replaces the CE's AS by the provider's in routes
	// it advertises to this CE (IOS "neighbor as-override").
	ASOverride bool
	// AllowASIn: the CE accepts routes carrying its own AS up to this many
	// times (IOS "neighbor allowas-in N" on the CE); 0 rejects them.
	AllowASIn uint8
	// PEAllowASIn: the PE accepts routes from this CE carrying the
	// provider's AS up to this many times (the hub-out attachment of a
	// hub-and-spoke VPN).
	PEAllowASIn uint8
	// SoO is the Site of Origin (RFC 4360 section 5) of routes learned over
	// this link; a route carrying it is never advertised to a CE over a
	// link with the same SoO. Zero when unset.
	SoO vrf.RouteTarget
	// LocalPref is set on the routes the PE learns over this link
	// (HasLocalPref); otherwise they take 100.
	LocalPref    uint32
	HasLocalPref bool
	// MED is set on the routes the PE learns over this link (0: none).
	MED uint32
}

// LocalPrefOr100 is the LOCAL_PREF routes learned over the link take.
func (b AttachmentBGP) LocalPrefOr100() uint32 {
	if b.HasLocalPref {
		return b.LocalPref
	}
	return 100
}

// Interface is one end of a link.
type Interface struct {
	Node *Node
	Name string       // "eth1", or the name the file gave
	Addr netip.Prefix // the interface address with the link's prefix length
	Link *Link
}

// Peer returns the interface at the other end of the link.
func (i *Interface) Peer() *Interface {
	if i.Link.A == i {
		return i.Link.B
	}
	return i.Link.A
}

// String is NODE:IFNAME.
func (i *Interface) String() string { return i.Node.Name + ":" + i.Name }

// IsProvider reports whether the node is a provider router (pe, p or rr).
func (n *Node) IsProvider() bool { return n.Role != RoleCE }

// Node returns the named node, or nil.
func (t *Topology) Node(name string) *Node { return t.byName[name] }

// VRF returns the named VRF, or nil.
func (t *Topology) VRF(name string) *VRF { return t.vrfs[name] }

// IsAttachment reports whether the link joins a CE to a PE in a VRF (an
// IP-VPN attachment; an EVPN attachment is IsEVPN).
func (l *Link) IsAttachment() bool { return l.VRF != "" }

// AttachmentEnds returns an attachment's CE node and PE node, whichever
// end the file names first.
func (l *Link) AttachmentEnds() (ce, pe *Node) {
	ce, pe = l.A.Node, l.B.Node
	if ce.Role != RoleCE {
		ce, pe = pe, ce
	}
	return ce, pe
}

// IsEVPN reports whether the link is an EVPN attachment.
func (l *Link) IsEVPN() bool { return l.EVPN != "" }

// IsProviderLink reports whether the link joins two provider routers.
func (l *Link) IsProviderLink() bool { return l.A.Node.IsProvider() && l.B.Node.IsProvider() }

// EVPN returns the named EVPN instance, or nil.
func (t *Topology) EVPN(name string) *EVPN { return t.evpns[name] }

// Ends returns the link's two node names in file order.
func (l *Link) Ends() (string, string) { return l.A.Node.Name, l.B.Node.Name }

// Between returns the link joining the two named nodes (either order), or nil.
func (t *Topology) Between(a, b string) *Link {
	for _, l := range t.Links {
		x, y := l.Ends()
		if (x == a && y == b) || (x == b && y == a) {
			return l
		}
	}
	return nil
}

// index builds the lookup maps; the loader calls it once resolution is done.
func (t *Topology) index() {
	t.byName = make(map[string]*Node, len(t.Nodes))
	for _, n := range t.Nodes {
		t.byName[n.Name] = n
	}
	t.vrfs = make(map[string]*VRF, len(t.VRFs))
	for _, v := range t.VRFs {
		t.vrfs[v.Name] = v
	}
	t.evpns = make(map[string]*EVPN, len(t.EVPNs))
	for _, e := range t.EVPNs {
		t.evpns[e.Name] = e
	}
}

// LANSource is the address a CE uses in LAN p: its first host, or for a
// /32 (or a /31, RFC 3021) the prefix's own first address, which is then
// the LAN's only (or first) host.
func LANSource(p netip.Prefix) netip.Addr {
	p = p.Masked()
	if p.Bits() >= 31 {
		return p.Addr()
	}
	return p.Addr().Next()
}
