package network

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// Walk records a packet walk: every frame on every link and every decision
// a node made, in simulated time order. It is a sim.Observer.
type Walk struct {
	Steps []WalkStep `json:"steps,omitempty"`
}

// WalkStep is one frame on the wire or one node's decision.
type WalkStep struct {
	At    time.Duration `json:"at_ns"`
	From  string        `json:"from,omitempty"`  // transmitted: NODE:IF that sent it
	To    string        `json:"to,omitempty"`    // transmitted: NODE:IF that receives it
	Stack []Header      `json:"stack,omitempty"` // transmitted: the frame's headers, outermost first
	Node  string        `json:"node,omitempty"`  // a decision or a drop: the node
	Note  string        `json:"note,omitempty"`
}

// Header kinds.
const (
	HeaderEth       = "eth"
	HeaderMPLS      = "mpls"
	HeaderIPv4      = "ipv4"
	HeaderICMP      = "icmp"
	HeaderARP       = "arp"
	HeaderTruncated = "truncated" // the frame ends inside a header
	HeaderUnknown   = "unknown"   // not IPv4 under the labels
)

// Header is one header of a frame on the wire.
type Header struct {
	Kind string `json:"kind"`
	// An MPLS label stack entry: label, traffic class, bottom of stack.
	Label  mpls.Label `json:"label,omitempty"`
	TC     uint8      `json:"tc,omitempty"`
	Bottom bool       `json:"bottom,omitempty"`
	// TTL: a label stack entry's or an IPv4 header's.
	TTL uint8 `json:"ttl,omitempty"`
	// IPv4.
	Src netip.Addr `json:"src,omitzero"`
	Dst netip.Addr `json:"dst,omitzero"`
	// ICMP: its type and code, and a time exceeded's RFC 4950 labels.
	ICMPType   uint8        `json:"icmp_type,omitempty"`
	ICMPCode   uint8        `json:"icmp_code,omitempty"`
	ICMPLabels []mpls.Label `json:"icmp_labels,omitempty"`
	// ARP (RFC 826): the operation (1 request, 2 reply), the sender's
	// address in Src and MAC, the address asked about in Dst.
	ARPOp uint16 `json:"arp_op,omitempty"`
	MAC   string `json:"mac,omitempty"`
}

var _ sim.Observer = (*Walk)(nil)

// Transmitted implements sim.Observer.
func (w *Walk) Transmitted(at time.Duration, from *sim.Iface, wire []byte) {
	w.Steps = append(w.Steps, WalkStep{At: at, From: from.String(), To: from.Peer().String(), Stack: Headers(wire)})
}

// Received implements sim.Observer.
func (w *Walk) Received(time.Duration, *sim.Iface, *packet.Frame) {}

// Decided implements sim.Observer.
func (w *Walk) Decided(at time.Duration, n *sim.Node, note string) {
	w.Steps = append(w.Steps, WalkStep{At: at, Node: n.Name, Note: note})
}

// Dropped implements sim.Observer.
func (w *Walk) Dropped(at time.Duration, n *sim.Node, r sim.DropReason, _ *packet.Frame) {
	w.Steps = append(w.Steps, WalkStep{At: at, Node: n.Name, Note: "dropped: " + r.String()})
}

// Delivered implements sim.Observer.
func (w *Walk) Delivered(time.Duration, *sim.Node, *packet.Frame) {}

// Headers decodes a wire frame's header stack, outermost first: Ethernet,
// the label stack entries, IPv4 and ICMP; or Ethernet and ARP.
func Headers(wire []byte) []Header {
	if len(wire) < packet.EthLen {
		return []Header{{Kind: HeaderTruncated}}
	}
	hs := []Header{{Kind: HeaderEth}}
	if a := packet.WireARP(wire); a != nil {
		if !a.Valid() {
			return append(hs, Header{Kind: HeaderUnknown})
		}
		return append(hs, Header{Kind: HeaderARP, ARPOp: a.Op(), Src: a.SenderIP(), Dst: a.TargetIP(), MAC: a.SenderMAC().String()})
	}
	b := wire[packet.EthLen:]
	if binary.BigEndian.Uint16(wire[12:14]) == packet.EtherTypeMPLS {
		stack, n, ok := mpls.DecodeStack(b)
		for _, e := range stack {
			hs = append(hs, Header{Kind: HeaderMPLS, Label: e.Label, TC: e.TC, Bottom: e.Bottom, TTL: e.TTL})
		}
		if !ok {
			return append(hs, Header{Kind: HeaderTruncated})
		}
		b = b[n:]
	}
	ip := packet.IPv4(b)
	if !ip.Valid() {
		return append(hs, Header{Kind: HeaderUnknown})
	}
	hs = append(hs, Header{Kind: HeaderIPv4, Src: ip.Src(), Dst: ip.Dst(), TTL: ip.TTL()})
	if ip.Protocol() == packet.ProtoICMP && len(ip.Payload()) >= 8 {
		m := packet.ICMP(ip.Payload())
		h := Header{Kind: HeaderICMP, ICMPType: m.Type(), ICMPCode: m.Code()}
		if m.Type() == packet.ICMPTimeExceeded {
			for _, e := range m.MPLSExtension() {
				h.ICMPLabels = append(h.ICMPLabels, e.Label)
			}
		}
		hs = append(hs, h)
	}
	return hs
}
