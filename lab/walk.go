package lab

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// Walk records a packet walk: every frame on every link and every decision
// a node made, in simulated time order.
type Walk struct {
	Steps []WalkStep
}

// WalkStep is one frame on the wire or one node's decision.
type WalkStep struct {
	At      time.Duration
	From    string // transmitted: NODE:IF that sent it
	To      string // transmitted: NODE:IF that receives it
	Headers []string
	Node    string // a decision or a drop: the node
	Note    string
}

var _ sim.Observer = (*Walk)(nil)

// Transmitted implements sim.Observer.
func (w *Walk) Transmitted(at time.Duration, from *sim.Iface, wire []byte) {
	w.Steps = append(w.Steps, WalkStep{At: at, From: from.String(), To: from.Peer().String(), Headers: Headers(wire)})
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

// Render prints the walk, one line per frame on a link and one per
// decision, indented under it; with color, header boxes and drops are
// coloured for a terminal.
func (w *Walk) Render(out io.Writer, color bool) {
	from, to := 0, 0
	for _, s := range w.Steps {
		from, to = max(from, len(s.From)), max(to, len(s.To))
	}
	for _, s := range w.Steps {
		if s.From != "" {
			hs := strings.Join(s.Headers, "")
			if color {
				hs = colorHeaders(s.Headers)
			}
			fmt.Fprintf(out, "  %6.1f ms  %-*s -> %-*s  %s\n", ms(s.At), from, s.From, to, s.To, hs)
			continue
		}
		note := s.Note
		if color && strings.HasPrefix(note, "dropped") {
			note = "\x1b[1;31m" + note + "\x1b[0m"
		}
		fmt.Fprintf(out, "  %9s  %s: %s\n", "", s.Node, note)
	}
}

// colorHeaders draws MPLS boxes yellow, IP cyan, ICMP green.
func colorHeaders(hs []string) string {
	var b strings.Builder
	for _, h := range hs {
		c := "2" // Ethernet: dim
		switch {
		case strings.HasPrefix(h, "[MPLS"):
			c = "1;33"
		case strings.HasPrefix(h, "[IPv4"):
			c = "36"
		case strings.HasPrefix(h, "[ICMP"):
			c = "32"
		}
		b.WriteString("\x1b[" + c + "m" + h + "\x1b[0m")
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Headers draws a wire frame's header stack as boxes, outermost first:
// [Eth][MPLS 18 TTL 63][MPLS 100000 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo].
func Headers(wire []byte) []string {
	if len(wire) < packet.EthLen {
		return []string{"[truncated]"}
	}
	hs := []string{"[Eth]"}
	b := wire[packet.EthLen:]
	if binary.BigEndian.Uint16(wire[12:14]) == packet.EtherTypeMPLS {
		stack, n, ok := mpls.DecodeStack(b)
		for _, e := range stack {
			s := ""
			if e.Bottom {
				s = " S"
			}
			hs = append(hs, fmt.Sprintf("[MPLS %d%s TTL %d]", e.Label, s, e.TTL))
		}
		if !ok {
			return append(hs, "[truncated]")
		}
		b = b[n:]
	}
	ip := packet.IPv4(b)
	if !ip.Valid() {
		return append(hs, "[?]")
	}
	hs = append(hs, fmt.Sprintf("[IPv4 %s > %s TTL %d]", ip.Src(), ip.Dst(), ip.TTL()))
	if ip.Protocol() == packet.ProtoICMP && len(ip.Payload()) >= 8 {
		hs = append(hs, "["+icmpName(packet.ICMP(ip.Payload()))+"]")
	}
	return hs
}

func icmpName(m packet.ICMP) string {
	switch m.Type() {
	case packet.ICMPEchoRequest:
		return "ICMP echo"
	case packet.ICMPEchoReply:
		return "ICMP echo reply"
	case packet.ICMPTimeExceeded:
		if ext := m.MPLSExtension(); len(ext) > 0 {
			ls := make([]mpls.Label, len(ext))
			for i, e := range ext {
				ls[i] = e.Label
			}
			return "ICMP time exceeded, MPLS " + mpls.Join(ls)
		}
		return "ICMP time exceeded"
	case packet.ICMPUnreachable:
		return "ICMP unreachable"
	}
	return fmt.Sprintf("ICMP type %d", m.Type())
}

// HopLine prints one traceroute hop as IOS does:
// " 2  100.64.0.1 (P1)  [MPLS: Labels 18/100000 Exp 0]  8.0 ms", with
// "Label" for one label and, after an unreachable, its code's marker (!N
// network, !H host, !P protocol, !F fragmentation needed, !A
// administratively prohibited).
func HopLine(h Hop) string {
	if h.Result == Lost {
		return fmt.Sprintf("%2d  *", h.TTL)
	}
	s := fmt.Sprintf("%2d  %s (%s)", h.TTL, h.ReplyAddr, h.ReplyFrom)
	if len(h.Labels) > 0 {
		ls := make([]mpls.Label, len(h.Labels))
		for i, e := range h.Labels {
			ls[i] = e.Label
		}
		word := "Labels"
		if len(ls) == 1 {
			word = "Label"
		}
		s += fmt.Sprintf("  [MPLS: %s %s Exp %d]", word, mpls.Join(ls), h.Labels[0].TC)
	}
	s += fmt.Sprintf("  %.1f ms", float64(h.RTT)/float64(time.Millisecond))
	if h.Result == Unreachable {
		s += "  " + unreachMarker(h.Code)
	}
	return s
}

func unreachMarker(code uint8) string {
	switch code {
	case 0:
		return "!N"
	case 1:
		return "!H"
	case 2:
		return "!P"
	case 4:
		return "!F"
	case 13:
		return "!A"
	}
	return fmt.Sprintf("!<%d>", code)
}
