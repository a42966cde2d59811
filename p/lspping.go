package p

import (
	"fmt"
	"net/netip"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
)

// LSP ping and traceroute (RFC 8029). An MPLS echo request rides the LSP of
// an LDP FEC under the label the ingress pushes for it; where its label
// TTL runs out (traceroute) or where it leaves the LSP (an IP packet to
// 127/8 with Router Alert), the LSR checks the FEC against its own tables
// and answers by UDP, by its global table, with a return code:
//
//   - 3, egress for the FEC: the FEC is its own loopback;
//   - 8, label switched: the label it received is its label for that FEC;
//   - 9, label switched but no MPLS forwarding: its next hop gave no label
//     (ldp: false on the link), so the request would go on unlabelled;
//   - 10, the label it received is its label for another FEC;
//   - 11, no LFIB entry for the label it received;
//   - 4, no mapping: the request left the LSP at a router that is not
//     the FEC's egress.

// OriginateMPLSEcho sends the MPLS echo request f for fec down the LSP the
// router's FTN holds for it, the labels with TTL ttl (255 for a ping, the
// hop for a traceroute). An error when there is no LSP (IOS: "Q, request
// not sent").
func (r *LSR) OriginateMPLSEcho(f *packet.Frame, fec netip.Prefix, ttl uint8) error {
	choices := r.Tables.FTN(fec.Addr())
	if fec.Bits() != 32 || len(choices) == 0 {
		return fmt.Errorf("%s has no LSP for %s (LDP binds provider loopbacks, /32)", r.Node.Name, fec)
	}
	nh := &choices[f.IP().Choose(len(choices))]
	for i := len(nh.Out) - 1; i >= 0; i-- {
		f.Push(nh.Out[i], ttl)
	}
	r.Node.Note("MPLS echo request for %s: push %s toward %s", fec, outLabels(nh.Out), nh.Neighbor)
	r.Node.Send(f, nh.IfIndex)
	return nil
}

// isLoopbackNet reports whether a is in 127/8, which a router never
// forwards (RFC 1812 section 5.3.7).
func isLoopbackNet(a netip.Addr) bool { return a.Is4() && a.As4()[0] == 127 }

// mplsEcho answers an MPLS echo request that reached this router: its
// label TTL ran out with stack on it (the labels it arrived with), or it
// left the LSP here (no stack). It reports false when f is not one.
func (r *LSR) mplsEcho(f *packet.Frame, stack []mpls.StackEntry, in int) bool {
	ip := f.IP()
	m := packet.MPLSEchoOf(ip)
	if m == nil || m.MessageType() != packet.EchoRequestType || !isLoopbackNet(ip.Dst()) {
		return false
	}
	fec := m.FEC()
	code := uint8(packet.RCNoMapping)
	switch {
	case len(stack) == 0 || stack[0].Label == mpls.ExplicitNullV4:
		if fec.Bits() == 32 && fec.Addr() == r.Config.Loopback {
			code = packet.RCEgress
		}
	default:
		e := r.Tables.LFIB().Lookup(stack[0].Label)
		switch {
		case e == nil:
			code = packet.RCNoLabelEntry
		case e.FEC != fec:
			code = packet.RCWrongLabel
		case len(e.NextHops) > 0 && e.NextHops[ip.Choose(len(e.NextHops))].Untagged:
			code = packet.RCNoMPLSForward
		default:
			code = packet.RCLabelSwitched
		}
	}
	r.Node.Note("MPLS echo request for %s: return code %d (%s)", fec, code, packet.ReturnCodeName(code))
	r.Node.Deliver(f) // to the router's own MPLS echo responder
	src := r.Config.Loopback
	if in >= 0 {
		src = r.IfaceAddr(in)
	}
	reply := packet.NewFrame(packet.MPLSEchoReply(ip, src, code, 1), packet.Meta{Origin: r.Node.Name, Probe: f.Probe})
	r.Originate(reply)
	return true
}
