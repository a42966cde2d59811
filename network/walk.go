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
	HeaderVLAN      = "vlan"      // an 802.1Q tag
	HeaderCW        = "cw"        // a pseudowire control word (EVPN, RFC 7432 section 18)
	HeaderEtherType = "ethertype" // a payload of another ethertype than IPv4, MPLS or ARP
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
	// An Ethernet frame carried under labels: its addresses.
	EthSrc string `json:"eth_src,omitempty"`
	EthDst string `json:"eth_dst,omitempty"`
	// An 802.1Q tag's VLAN ID; another ethertype's number.
	VLAN      uint16 `json:"vlan,omitempty"`
	EtherType uint16 `json:"ethertype,omitempty"`
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
// an 802.1Q tag, then ARP, or the label stack entries and IPv4 and ICMP
// under them, or under the labels a control word and a customer's whole
// Ethernet frame (EVPN), or another ethertype.
func Headers(wire []byte) []Header {
	return ethHeaders(wire, false)
}

// ethHeaders decodes an Ethernet frame; inner marks one carried under
// labels, whose addresses are shown.
func ethHeaders(wire []byte, inner bool) []Header {
	if len(wire) < packet.EthLen {
		return []Header{{Kind: HeaderTruncated}}
	}
	eth := Header{Kind: HeaderEth}
	if inner {
		eth.EthSrc, eth.EthDst = packet.WireSrc(wire).String(), packet.WireDst(wire).String()
	}
	hs := []Header{eth}
	t := binary.BigEndian.Uint16(wire[12:14])
	b := wire[packet.EthLen:]
	if t == packet.EtherTypeVLAN {
		if len(b) < packet.VLANLen {
			return append(hs, Header{Kind: HeaderTruncated})
		}
		hs = append(hs, Header{Kind: HeaderVLAN, VLAN: binary.BigEndian.Uint16(b[0:2]) & 0x0fff})
		t = binary.BigEndian.Uint16(b[2:4])
		b = b[packet.VLANLen:]
	}
	switch t {
	case packet.EtherTypeARP:
		a := packet.ARP(b)
		if !a.Valid() {
			return append(hs, Header{Kind: HeaderUnknown})
		}
		return append(hs, Header{Kind: HeaderARP, ARPOp: a.Op(), Src: a.SenderIP(), Dst: a.TargetIP(), MAC: a.SenderMAC().String()})
	case packet.EtherTypeMPLS:
		stack, n, ok := mpls.DecodeStack(b)
		for _, e := range stack {
			hs = append(hs, Header{Kind: HeaderMPLS, Label: e.Label, TC: e.TC, Bottom: e.Bottom, TTL: e.TTL})
		}
		if !ok {
			return append(hs, Header{Kind: HeaderTruncated})
		}
		b = b[n:]
		if len(b) >= packet.CWLen+packet.EthLen && b[0]>>4 == 0 {
			hs = append(hs, Header{Kind: HeaderCW})
			return append(hs, ethHeaders(b[packet.CWLen:], true)...)
		}
	case packet.EtherTypeIPv4:
	default:
		return append(hs, Header{Kind: HeaderEtherType, EtherType: t})
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
