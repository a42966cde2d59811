// Package host is the IP stack every simulated node shares, routers and CEs
// alike: what it does with a packet addressed to it (an echo request gets an
// echo reply; anything else goes to the node's observers) and the ICMP
// errors it sends about packets it cannot forward. Building the messages is
// package packet's; this package adds the node: who answers, and for which
// probe. It knows nothing of labels or routing tables, so a CE uses it
// without depending on the label-switching router.
package host

import (
	"net/netip"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// Answer handles a packet addressed to node n: an echo request is delivered
// and gets an echo reply from the address pinged (RFC 792; RFC 1122 section
// 3.2.2.6), which Answer returns for the node to send; anything else is
// delivered to the node's observers (probes waiting for answers) and Answer
// returns nil.
//
// A fragment waits in the node's reassembly buffer until its datagram is
// whole (RFC 791 section 3.2; RFC 1122 section 3.3.2), then the datagram
// is handled as above.
func Answer(n *sim.Node, f *packet.Frame) *packet.Frame {
	ip := f.IP()
	if ip.IsFragment() {
		if n.Fragments == nil {
			n.Fragments = packet.Reassembly{}
		}
		whole := n.Fragments.Add(ip)
		n.Deliver(f) // to the host's reassembly buffer
		if whole == nil {
			n.Note("fragment of a datagram from %s kept until the rest arrives", ip.Src())
			return nil
		}
		n.Note("the datagram from %s is whole again (%d bytes)", ip.Src(), whole.TotalLen())
		f = packet.NewFrame(whole, f.Meta)
		ip = f.IP()
	}
	if ip.Protocol() == packet.ProtoICMP && len(ip.Payload()) >= 8 && packet.ICMP(ip.Payload()).Type() == packet.ICMPEchoRequest {
		n.Note("echo request for %s: reply", ip.Dst())
		n.Deliver(f)
		return packet.NewFrame(packet.EchoReply(ip, ip.Dst()), packet.Meta{Origin: n.Name, Probe: f.Probe})
	}
	n.Note("delivered to %s", n.Name)
	n.Deliver(f)
	return nil
}

// Error is the ICMP error node n sends from src about f's IP packet (type
// typ, code code, with stack as its RFC 4950 MPLS extension when not nil),
// for the node to send; nil when f is itself an ICMP error, since no error
// is sent about one (RFC 1122 section 3.2.2; RFC 1812 section 4.3.2.7).
// The answer belongs to the same probe as f.
func Error(n *sim.Node, f *packet.Frame, src netip.Addr, typ, code uint8, stack []mpls.StackEntry) *packet.Frame {
	orig := f.IP()
	if orig.IsICMPError() {
		return nil
	}
	return packet.NewFrame(packet.Error(orig, src, typ, code, stack), packet.Meta{Origin: n.Name, Probe: f.Probe})
}

// FragNeeded is the fragmentation needed and DF set that node n sends from
// src about f's IP packet, which does not fit a link leaving mtu bytes for
// it (RFC 1191); stack is f's label stack for the RFC 4950 extension. Nil
// when f is itself an ICMP error.
func FragNeeded(n *sim.Node, f *packet.Frame, src netip.Addr, mtu int, stack []mpls.StackEntry) *packet.Frame {
	orig := f.IP()
	if orig.IsICMPError() {
		return nil
	}
	return packet.NewFrame(packet.FragNeeded(orig, src, mtu, stack), packet.Meta{Origin: n.Name, Probe: f.Probe})
}
