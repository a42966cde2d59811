// Package scenarios holds the scenario file format (loading, validation
// against its topology) and the runner that plays a scenario on a simulated
// network and checks its expectations. See docs/spec/scenario.md.
package scenarios

import (
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// DefaultSettle is the convergence bound when the file gives none.
const DefaultSettle = 30 * time.Second

// Scenario is one loaded and validated scenario file.
type Scenario struct {
	File        string
	Name        string // the file's name key; the file's base name when absent
	Description string
	Topology    *topologies.Topology // loaded and validated
	Settle      time.Duration        // the default convergence bound
	Steps       []*Step
	Warnings    []diag.Diagnostic // the topology's warnings (e.g. a core that is not connected)
}

// Action names, as in the file.
const (
	ActPing       = "ping"
	ActTraceroute = "traceroute"
	ActRoute      = "route"
	ActLFIB       = "lfib"
	ActARP        = "arp"
	ActCount      = "count"
	ActShow       = "show"
	ActFail       = "fail"
	ActRestore    = "restore"
	ActMetric     = "metric"
	ActMTU        = "mtu"
	ActFrame      = "frame"
	ActMAC        = "mac"
)

// Step is one step: exactly one action, its optional name and expectations.
type Step struct {
	Index  int    // 0-based
	Name   string // "" when the file gives none
	Action string // one of the Act* names
	Pos    topologies.Pos
	// Do is the action: *PingStep, *TracerouteStep, *RouteStep, *LFIBStep,
	// *ARPStep, *CountStep, *ShowStep, *FailStep, *RestoreStep, *MetricStep or
	// *MTUStep (nil when the file gives none).
	Do Action

	Settle time.Duration // 0: the scenario's default (change steps only)
	Walk   bool          // ping and traceroute only
	Expect *Expect       // nil: the step only prints
}

// IsChange reports whether the step changes the network.
func (s *Step) IsChange() bool {
	k := kindOf(s.Action)
	return k != nil && k.change
}

// Probe is a ping or traceroute.
type Probe struct {
	From    string
	To      netip.Addr
	VRF     string     // "" for the global table / a CE's own routing
	Source  netip.Addr // invalid: the default source
	TTL     int        // ping; 64 when not given
	MaxHops int        // traceroute; 30 when not given
	Size    int        // the echo request's total length; 0: 60
	DF      bool       // Don't Fragment
	MPLS    bool       // an LSP ping or traceroute (RFC 8029) for the FEC to/32
}

// TableQuery names a node, a table and optionally a VRF and a prefix.
type TableQuery struct {
	Node   string
	Table  string       // count and show: routes, vpnv4, lfib, (show also) ldp, bgp, vrfs, interfaces
	VRF    string       // "" for the global table
	Prefix netip.Prefix // route only
}

// LFIBQuery looks one incoming label up.
type LFIBQuery struct {
	Node  string
	Label mpls.Label
}

// ARPQuery looks one address up in a node's ARP cache.
type ARPQuery struct {
	Node    string
	Address netip.Addr
}

// FrameQuery is one Ethernet frame a host sends.
type FrameQuery struct {
	From      string
	To        string // a MAC, broadcast, or a node's name
	EtherType uint16 // 0: network.DefaultEtherType
	Size      int
}

// MACQuery looks one MAC up in a PE's EVPN MAC table.
type MACQuery struct {
	Node string
	EVPN string
	MAC  string // a MAC, or the node whose (first interface's) MAC it is
}

// Target is what a fail or restore acts on: a link or a node.
type Target struct {
	Link [2]string // both set for a link
	Node string    // set for a node
}

// IsLink reports whether the target is a link.
func (t *Target) IsLink() bool { return t.Node == "" }

// MTUChange sets a link's MTU.
type MTUChange struct {
	Link  [2]string
	Value int
}

// MetricChange sets a provider link's IGP metric.
type MetricChange struct {
	Link  [2]string
	Value uint32
}

// Expect holds a step's expectations. A field is checked only when set: a
// pointer is non-nil, a string non-empty, a slice or map non-nil (an empty,
// non-nil slice is the expectation "none", e.g. `labels: []`).
type Expect struct {
	Pos topologies.Pos

	// ping
	Result     string // reply | unreachable | ttl-exceeded | lost; a frame: delivered | lost
	ReplyFrom  string
	DroppedAt  string
	ReturnCode *int // an LSP ping's return code (RFC 8029)
	MTU        *int // a fragmentation needed's next-hop MTU (RFC 1191)

	// traceroute
	Hops        []string                // "*" for a silent TTL
	TraceLabels map[string][]mpls.Label // node -> label stack it received, outermost first
	StackDepth  map[string]int
	Reached     *bool

	// route and lfib
	Present     *bool
	NextHop     netip.Addr   // route: valid when set
	Via         []string     // route: a set; lfib: one neighbour
	RouteLabels []mpls.Label // route: labels pushed, outermost first
	Error       string       // route: no-such-vrf
	Op          string       // lfib: swap | pop | pop-lookup
	OutLabels   []mpls.Label // lfib
	VRF         string       // lfib

	// frame
	DeliveredTo []string       // compared as a set
	Copies      map[string]int // node -> copies of the frame it received

	// mac
	Where string // local | remote
	PE    string // remote: the PE behind which the MAC is
	Label *int   // remote: the label pushed toward it

	// arp
	Interface string // the interface the entry is on
	MAC       string // 02:00:00:01:00:01

	// count
	Equals, AtLeast, AtMost *int
}
