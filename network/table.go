package network

import (
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// Tables is every table name Table knows, in the order help lists them.
var Tables = []string{"routes", "vpnv4", "lfib", "ldp", "ldp-neighbors", "bgp", "vrfs", "interfaces", "arp", "evpn", "mac", "bgp-evpn"}

// Table is one of a node's tables as typed rows. Name says which field is
// set; Absent, when not empty, says why the node has no such table (a CE
// has no LFIB) and no field is.
type Table struct {
	Node   string `json:"node,omitempty"`
	Name   string `json:"name,omitempty"`
	VRF    string `json:"vrf,omitempty"`
	Absent string `json:"absent,omitempty"`

	Routes     *RouteTable    `json:"routes,omitempty"`
	VPNv4      *VPNv4Table    `json:"vpnv4,omitempty"`
	LFIB       []LFIBRow      `json:"lfib,omitempty"`
	LDP        []LDPRow       `json:"ldp,omitempty"`
	LDPPeers   []LDPNeighbor  `json:"ldp_neighbors,omitempty"`
	BGP        []BGPSession   `json:"bgp,omitempty"`
	VRFs       []VRFRow       `json:"vrfs,omitempty"`
	Interfaces []InterfaceRow `json:"interfaces,omitempty"`
	ARP        []ARPRow       `json:"arp,omitempty"`
	EVPN       []EVPNRow      `json:"evpn,omitempty"`
	MAC        []MACRow       `json:"mac,omitempty"`
	BGPEVPN    []BGPEVPNRow   `json:"bgp_evpn,omitempty"`
}

// EVPNRow is one EVPN instance on a PE (IOS-XE show l2vpn evpn evi
// detail): its service, RD, route targets, labels, attachments and the
// remote PEs it floods to (an E-Line's far end).
type EVPNRow struct {
	Name     string            `json:"name"`
	Type     string            `json:"type"` // elan or eline
	RD       vrf.RD            `json:"rd"`
	Import   []vrf.RouteTarget `json:"import,omitempty"`
	Export   []vrf.RouteTarget `json:"export,omitempty"`
	Label    mpls.Label        `json:"label"`               // MAC (or E-Line) label
	BUMLabel mpls.Label        `json:"bum_label,omitempty"` // flooding label (inclusive multicast route)
	// Interfaces are the attachments, "eth3 (VLAN 100, X1)".
	Interfaces []string `json:"interfaces,omitempty"`
	// Remotes are the PEs flooding goes to (or an E-Line's far end), with
	// the label each asked for: "PE2 10.0.0.2 label 208".
	Remotes []string `json:"remotes,omitempty"`
	MACs    int      `json:"macs"`
}

// MACRow is one MAC table entry of an EVPN instance (IOS-XE show l2vpn
// evpn mac): learned on an attachment, or behind a remote PE with its label.
type MACRow struct {
	EVPN      string     `json:"evpn"`
	MAC       string     `json:"mac"`
	Local     bool       `json:"local,omitempty"`
	Interface string     `json:"interface,omitempty"` // local
	VLAN      uint16     `json:"vlan,omitempty"`      // local
	PE        string     `json:"pe,omitempty"`        // remote
	NextHop   netip.Addr `json:"next_hop,omitzero"`   // remote: the PE's loopback
	Label     mpls.Label `json:"label,omitempty"`     // remote
}

// BGPEVPNRow is one EVPN path a node's BGP holds (show bgp l2vpn evpn).
type BGPEVPNRow struct {
	Type         uint8             `json:"type"` // 1, 2 or 3 (RFC 7432 section 7)
	RD           vrf.RD            `json:"rd"`
	EthernetTag  uint32            `json:"ethernet_tag,omitempty"`
	MAC          string            `json:"mac,omitempty"`
	NextHop      netip.Addr        `json:"next_hop"`
	Label        mpls.Label        `json:"label"`
	RouteTargets []vrf.RouteTarget `json:"route_targets,omitempty"`
	From         string            `json:"from,omitempty"` // the peer it came from; "" for its own
	Best         bool              `json:"best,omitempty"`
}

// Kinds of routing table.
const (
	VRFRoutes  = "vrf"  // a PE's VRF
	CERoutes   = "ce"   // a CE's own table
	CoreRoutes = "core" // a provider router's global table (IS-IS)
)

// RouteTable is a routing table: a VRF's, a CE's or a provider router's.
type RouteTable struct {
	Kind string `json:"kind,omitempty"`
	VRF  string `json:"vrf,omitempty"` // a VRF table: its name and RD
	RD   vrf.RD `json:"rd,omitzero"`
	// Unresolved: the VRF holds routes from outside the model (code u).
	Unresolved bool       `json:"unresolved,omitempty"`
	Rows       []RouteRow `json:"rows,omitempty"`
}

// RouteRow is one next hop of one route, as `show ip route` prints it.
type RouteRow struct {
	Code    string       `json:"code,omitempty"` // C connected, S static, B BGP, i IS-IS, u unresolved
	Prefix  netip.Prefix `json:"prefix,omitzero"`
	NextHop netip.Addr   `json:"next_hop,omitzero"` // invalid: directly connected
	// Neighbor and Interface say where the packet leaves: a VPN route
	// names the remote PE only; Null0 is a discard route.
	Neighbor  string       `json:"neighbor,omitempty"`
	Interface string       `json:"interface,omitempty"`
	Metric    uint32       `json:"metric,omitempty"`   // the IGP metric (IS-IS), or a BGP route's MED
	Distance  uint8        `json:"distance,omitempty"` // administrative distance: 0 connected, 1 static, 20 eBGP, 115 IS-IS, 200 iBGP
	Labels    []mpls.Label `json:"labels,omitempty"`   // a VPN route: the stack pushed, outermost first; nil otherwise
	RD        vrf.RD       `json:"rd,omitzero"`        // a VPN route (or an unresolved one): the RD it came with
	FromVRF   string       `json:"from_vrf,omitempty"` // a route leaked from another VRF of the PE
}

// VPNv4Table is a BGP speaker's VPNv4 table (`show bgp vpnv4 unicast all`).
type VPNv4Table struct {
	RouterID netip.Addr `json:"router_id,omitzero"`
	Rows     []VPNv4Row `json:"rows,omitempty"`
	// AnyOutside, AnyInvalid: some row is from outside the model, or not
	// a candidate (the legend says what these mean only when they occur).
	AnyOutside bool `json:"any_outside,omitempty"`
	AnyInvalid bool `json:"any_invalid,omitempty"`
}

// VPNv4Row is one path of the VPNv4 table, in RD then prefix order.
type VPNv4Row struct {
	RD           vrf.RD            `json:"rd,omitzero"`
	Prefix       netip.Prefix      `json:"prefix,omitzero"`
	NextHop      netip.Addr        `json:"next_hop,omitzero"`
	Valid        bool              `json:"valid,omitempty"`
	Best         bool              `json:"best,omitempty"`
	Outside      bool              `json:"outside,omitempty"` // from a peer outside the model (never used for forwarding)
	From         string            `json:"from,omitempty"`    // the peer it came from; "" for a local path
	MED          uint32            `json:"med,omitempty"`
	LocalPref    uint32            `json:"local_pref,omitempty"` // 0: not set
	Label        mpls.Label        `json:"label,omitempty"`
	RouteTargets []vrf.RouteTarget `json:"route_targets,omitempty"`
	ASPath       []uint32          `json:"as_path,omitempty"`
	Origin       uint8             `json:"origin,omitempty"` // 0 IGP, 1 EGP, 2 incomplete
	// Where a received path came from: the peer's router ID, and what a
	// reflector added (RFC 4456).
	PeerID       netip.Addr   `json:"peer_id,omitzero"`
	OriginatorID netip.Addr   `json:"originator_id,omitzero"`
	ClusterList  []netip.Addr `json:"cluster_list,omitempty"`
	// BestReason, on the best path, is why it won over the runner-up
	// ("only path" when it had none).
	BestReason string `json:"best_reason,omitempty"`
	// IGPMetric is a received candidate's IGP metric to its next hop.
	IGPMetric uint32 `json:"igp_metric,omitempty"`
}

// LFIBRow is one next hop of one LFIB entry (`show mpls forwarding-table`).
type LFIBRow struct {
	In        mpls.Label   `json:"in,omitempty"`
	Continued bool         `json:"continued,omitempty"` // another next hop of the entry above (the label is not repeated)
	Op        mpls.Op      `json:"op,omitempty"`
	Out       []mpls.Label `json:"out,omitempty"` // empty with OpSwap: pop (PHP)
	FEC       netip.Prefix `json:"fec,omitzero"`  // invalid: a VRF's aggregate label
	VRF       string       `json:"vrf,omitempty"`
	Interface string       `json:"interface,omitempty"`
	NextHop   netip.Addr   `json:"next_hop,omitzero"`
	Neighbor  string       `json:"neighbor,omitempty"`
	Bytes     uint64       `json:"bytes,omitempty"`    // bytes of labelled frames switched with this incoming label so far
	Untagged  bool         `json:"untagged,omitempty"` // the next hop gave no label (ldp: false): popped, sent unlabelled
}

// LDPRow is one FEC's bindings (`show mpls ldp bindings`).
type LDPRow struct {
	FEC    netip.Prefix `json:"fec,omitzero"`
	Local  mpls.Label   `json:"local,omitempty"`
	Remote []LDPBinding `json:"remote,omitempty"` // sorted by neighbour
}

// LDPBinding is the label one neighbour advertised.
type LDPBinding struct {
	Neighbor string     `json:"neighbor,omitempty"`
	LSR      netip.Addr `json:"lsr,omitzero"` // the neighbour's LDP router ID (its loopback)
	Label    mpls.Label `json:"label,omitempty"`
}

// BGP session states as the bgp table prints them.
const (
	Established         = "Established"
	Idle                = "Idle"
	DownNoPath          = "Down (no path)"
	ExternalEstablished = "Established (external)"
	ExternalWaiting     = "Idle (external: waiting for a connection)"
	ExternalNodeDown    = "Down (node down)"
)

// BGPSession is one side of a BGP session of the node.
type BGPSession struct {
	Speaker  string `json:"speaker,omitempty"`
	Neighbor string `json:"neighbor,omitempty"`
	Family   string `json:"family,omitempty"`
	State    string `json:"state,omitempty"`
	Paths    int    `json:"paths,omitempty"` // paths received from the neighbour
	// The neighbour's address and AS; VRF names the VRF of a PE–CE session.
	NeighborAddr netip.Addr `json:"neighbor_addr,omitzero"`
	AS           uint32     `json:"as,omitempty"`
	LocalAS      uint32     `json:"local_as,omitempty"`
	VRF          string     `json:"vrf,omitempty"`
}

// VRFRow is one VRF of a PE (`show ip vrf`).
type VRFRow struct {
	Name       string            `json:"name,omitempty"`
	RD         vrf.RD            `json:"rd,omitzero"`
	Import     []vrf.RouteTarget `json:"import,omitempty"`
	Export     []vrf.RouteTarget `json:"export,omitempty"`
	Interfaces []string          `json:"interfaces,omitempty"`
	Routes     int               `json:"routes,omitempty"`
	ImportMap  bool              `json:"import_map,omitempty"` // an import map filters what it imports
	ExportMap  bool              `json:"export_map,omitempty"` // an export map filters what it exports
	LabelMode  string            `json:"label_mode,omitempty"` // per-prefix, per-vrf or per-ce
}

// InterfaceRow is one interface (`show ip interface brief`).
type InterfaceRow struct {
	Interface string       `json:"interface,omitempty"`
	Address   netip.Prefix `json:"address,omitzero"`
	Neighbor  string       `json:"neighbor,omitempty"` // "" for the loopback
	Up        bool         `json:"up,omitempty"`
	HasMetric bool         `json:"has_metric,omitempty"` // a provider link's interface
	Metric    uint32       `json:"metric,omitempty"`
	VRF       string       `json:"vrf,omitempty"`
	EVPN      string       `json:"evpn,omitempty"` // an EVPN attachment: its instance
	VLAN      uint16       `json:"vlan,omitempty"` // an attachment's 802.1Q VLAN, 0 untagged
	MAC       string       `json:"mac,omitempty"`  // the interface's own MAC
}

// ARPRow is one entry of a node's ARP cache (`show ip arp`): an interface's
// own address, or a neighbour's learned by ARP (RFC 826) or by a control
// plane session across the link.
type ARPRow struct {
	Interface string        `json:"interface"`
	VRF       string        `json:"vrf,omitempty"` // a PE's attachment: the VRF it is bound to
	Address   netip.Addr    `json:"address"`
	MAC       string        `json:"mac"`
	Own       bool          `json:"own,omitempty"`        // the interface's own address (IOS prints age "-")
	Learned   time.Duration `json:"learned_ns,omitempty"` // a neighbour's: the simulated time it was learned
}

// LDPNeighbor is one LDP session of the node (`show mpls ldp neighbor`):
// with every up adjacent provider router (LDP runs on every provider link).
type LDPNeighbor struct {
	Neighbor  string       `json:"neighbor"`
	PeerID    netip.Addr   `json:"peer_id"`   // the neighbour's LDP router ID (its loopback)
	LocalID   netip.Addr   `json:"local_id"`  // the node's own
	Sources   []LDPSource  `json:"sources"`   // the links it is discovered over
	Addresses []netip.Addr `json:"addresses"` // the neighbour's addresses, bound to its LDP ID
}

// LDPSource is one discovery source of an LDP neighbour.
type LDPSource struct {
	Interface string     `json:"interface"`
	Src       netip.Addr `json:"src"` // the neighbour's address on the link
}
