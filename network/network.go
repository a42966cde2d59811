// Package network is the one way to use a running network: start it, change
// it, probe it and read its tables. Two implementations exist: the network
// running in this process (lab.Lab) and a network behind `vpnsim serve`
// (api.Client). Every command, the scenario runner and what renders answers
// (package render) use only this interface and the typed answers below;
// none of these types knows how it is printed.
package network

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/sim"
)

// Network is a running network.
type Network interface {
	// Nodes lists the network's routers in file order.
	Nodes() []Node
	// Converge runs the network until its control plane is still.
	Converge(ctx context.Context) error
	// Change fails or restores a link or a node, or sets a link's
	// metric, and reconverges before it returns.
	Change(ctx context.Context, c Change) error
	// Ping sends one echo request; with o.Walk set, the walk gets every
	// frame and decision of it.
	Ping(from string, dst netip.Addr, o ProbeOptions) (PingResult, error)
	// Traceroute sends probes with TTL 1, 2, ... (o.Walk as for Ping).
	Traceroute(from string, dst netip.Addr, o ProbeOptions) (TraceResult, error)
	// Table is one of a node's tables (Tables names them).
	Table(node, name, vrf string) (*Table, error)
	// Route looks prefix up exactly in node's global table or VRF: nil
	// when absent; ErrNoSuchVRF when the node has no such VRF.
	Route(node, vrf string, prefix netip.Prefix) (*RouteAnswer, error)
	// LFIBEntry looks an incoming label up: nil when absent.
	LFIBEntry(node string, label mpls.Label) (*LFIBAnswer, error)
	// Count counts a table's entries: routes (global or in vrf), vpnv4, lfib.
	Count(node, table, vrf string) (int, error)
	// SendFrame sends one Ethernet frame from host (CE) from; o.Walk as for
	// Ping.
	SendFrame(from string, o FrameOptions) (FrameResult, error)
}

// FrameOptions describe an Ethernet frame a host sends: to a MAC
// (02:00:00:07:00:01, or ff:ff:ff:ff:ff:ff for broadcast) or to the host a
// node name gives; of an ethertype (0: DefaultEtherType); with a payload
// of Size bytes (0: 46, the least Ethernet carries).
type FrameOptions struct {
	To        string
	EtherType uint16
	Size      int
	Walk      *Walk
}

// DefaultEtherType is IEEE 802's local experimental ethertype 1: a frame
// that is plainly not IP.
const DefaultEtherType = 0x88b5

// Frame results.
const (
	Delivered = "delivered"
)

// FrameResult is where a frame went: Result is delivered (some host took
// it) or lost; DeliveredTo the hosts that took a copy, by name; Copies how
// many copies of it each node received, by name; DroppedAt and Reason the
// first drop, when it was lost.
type FrameResult struct {
	Result      string         `json:"result"`
	DeliveredTo []string       `json:"delivered_to,omitempty"`
	Copies      map[string]int `json:"copies,omitempty"`
	DroppedAt   string         `json:"dropped_at,omitempty"`
	Reason      sim.DropReason `json:"-"`
}

// Node is one router of the network.
type Node struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Change kinds.
const (
	Fail    = "fail"
	Restore = "restore"
	Metric  = "metric"
	MTU     = "mtu" // a link's MTU, in Value
	// RouteTarget adds (or with Remove takes away) route target RT to the
	// import and/or export targets of VRF on PE Node (IOS "route-target
	// import|export|both" under "ip vrf").
	RouteTarget = "route-target"
)

// Change is a failure, a repair or a new metric: of the link between
// Link[0] and Link[1], or of Node.
type Change struct {
	Kind  string
	Link  [2]string
	Node  string
	Value uint32 // metric or MTU

	// A route-target change.
	VRF            string
	RT             string
	Import, Export bool
	Remove         bool
}

// IsLink tells a link change from a node change.
func (c Change) IsLink() bool { return c.Node == "" && c.Kind != RouteTarget }

// ErrNoSuchVRF is Route's answer for a node without the VRF; its text is
// the error name the scenario contract uses.
var ErrNoSuchVRF = fmt.Errorf("no-such-vrf")

// Probe results, as the scenario contract names them.
const (
	Reply       = "reply"
	Unreachable = "unreachable"
	TTLExceeded = "ttl-exceeded"
	Lost        = "lost"
)

// ProbeOptions are a ping's or traceroute's settings.
type ProbeOptions struct {
	VRF     string     // a PE's VRF; "" for the global table (or a CE's own routing)
	Source  netip.Addr // invalid: the node's default source
	TTL     int        // ping: initial TTL (0: 64)
	MaxHops int        // traceroute: 0 means 30
	// Size is the echo request's total length in bytes, IP header
	// included (0: 60); DF sets Don't Fragment on it.
	Size int
	DF   bool
	// MPLS sends MPLS echo requests (LSP ping and traceroute, RFC 8029)
	// for the LDP FEC dst/32 instead of ICMP echo requests.
	MPLS bool
	// Walk, when set, receives the probe's packet walk.
	Walk *Walk
}

// PingResult is what one echo request brought back.
type PingResult struct {
	Result    string     // reply, unreachable, ttl-exceeded or lost
	ReplyFrom string     // the node that sent what came back
	ReplyAddr netip.Addr // its source address
	RTT       time.Duration
	Labels    []mpls.StackEntry // an ICMP error's RFC 4950 label stack
	Code      uint8             // an unreachable's ICMP code (packet.UnreachHost, ...)
	// NextHopMTU is a fragmentation needed's next-hop MTU (RFC 1191).
	NextHopMTU int
	// ReturnCode is an MPLS echo reply's return code (RFC 8029 section
	// 3.1: 3 egress, 8 label switched, 4 no mapping, 10 wrong label, 11 no
	// label entry).
	ReturnCode uint8
	DroppedAt  string         // lost: the node that dropped the request or its answer
	Reason     sim.DropReason // lost: why
	// DeliveredTo is, for a lost probe whose answer reached another node
	// (a site of another customer with the same address, say), that node;
	// ReplyFrom and ReplyAddr then say who answered.
	DeliveredTo string
	// Silent is, for a lost probe that nothing dropped, the node the
	// request reached that sent nothing back.
	Silent string
}

// Outcome says in one phrase what happened: "reply from A2 (10.1.2.1)",
// "lost: dropped at PE2 (no-route)", "lost: the reply from B2 (10.1.2.1)
// reached A1, not B1". The RTT is not part of it.
func (r PingResult) Outcome(from string) string {
	switch {
	case r.Result != Lost:
		return fmt.Sprintf("%s from %s (%s)", r.Result, r.ReplyFrom, r.ReplyAddr)
	case r.DeliveredTo != "":
		return fmt.Sprintf("lost: the answer from %s (%s) reached %s, not %s", r.ReplyFrom, r.ReplyAddr, r.DeliveredTo, from)
	case r.DroppedAt != "":
		return fmt.Sprintf("lost: dropped at %s (%s)", r.DroppedAt, r.Reason)
	case r.Silent != "":
		return fmt.Sprintf("lost: the request reached %s, which sent nothing back", r.Silent)
	}
	return "lost: nothing came back and nothing was dropped"
}

// Hop is one TTL of a traceroute.
type Hop struct {
	TTL int
	PingResult
}

// TraceResult is a whole traceroute.
type TraceResult struct {
	Hops    []Hop
	Reached bool
}

// RouteAnswer is one route as a scenario's route step sees it.
type RouteAnswer struct {
	Proto   string       `json:"proto"`
	NextHop netip.Addr   `json:"next_hop,omitzero"` // a VPN route's BGP next hop, else the IP next hop (invalid when directly connected)
	Via     []string     `json:"via"`               // neighbour nodes the packet leaves toward, sorted
	Labels  []mpls.Label `json:"labels"`            // labels pushed, outermost first
}

// LFIBAnswer is one LFIB entry as a scenario's lfib step sees it.
type LFIBAnswer struct {
	Op  string       `json:"op"`            // swap, pop or pop-lookup
	Out []mpls.Label `json:"out"`           // labels left on top (first equal-cost branch)
	Via []string     `json:"via"`           // neighbour nodes, sorted
	VRF string       `json:"vrf,omitempty"` // a pop-lookup's VRF
}
