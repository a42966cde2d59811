package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
)

// Walk prints a packet walk, one line per frame on a link and one per
// decision, indented under it; with color, header boxes and drops are
// coloured for a terminal.
func Walk(out io.Writer, w *network.Walk, color bool) {
	from, to := 0, 0
	for _, s := range w.Steps {
		from, to = max(from, len(s.From)), max(to, len(s.To))
	}
	for _, s := range w.Steps {
		if s.From != "" {
			hs := Headers(s.Stack)
			line := strings.Join(hs, "")
			if color {
				line = colorHeaders(s.Stack, hs)
			}
			fmt.Fprintf(out, "  %6.1f ms  %-*s -> %-*s  %s\n", ms(s.At), from, s.From, to, s.To, line)
			continue
		}
		note := s.Note
		if color && strings.HasPrefix(note, "dropped") {
			note = "\x1b[1;31m" + note + "\x1b[0m"
		}
		fmt.Fprintf(out, "  %9s  %s: %s\n", "", s.Node, note)
	}
}

// colorHeaders draws MPLS boxes yellow, IP cyan, ICMP green, ARP magenta,
// Ethernet dim.
func colorHeaders(stack []network.Header, boxes []string) string {
	var b strings.Builder
	for i, h := range stack {
		c := "2"
		switch h.Kind {
		case network.HeaderMPLS:
			c = "1;33"
		case network.HeaderIPv4:
			c = "36"
		case network.HeaderICMP:
			c = "32"
		case network.HeaderARP:
			c = "35"
		}
		b.WriteString("\x1b[" + c + "m" + boxes[i] + "\x1b[0m")
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Headers draws a header stack as boxes, outermost first:
// [Eth][MPLS 18 TTL 63][MPLS 100000 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo].
func Headers(stack []network.Header) []string {
	out := make([]string, len(stack))
	for i, h := range stack {
		out[i] = Header(h)
	}
	return out
}

// Header draws one header as a box.
func Header(h network.Header) string {
	switch h.Kind {
	case network.HeaderEth:
		if h.EthSrc != "" {
			return fmt.Sprintf("[Eth %s > %s]", h.EthSrc, h.EthDst)
		}
		return "[Eth]"
	case network.HeaderVLAN:
		return fmt.Sprintf("[802.1Q %d]", h.VLAN)
	case network.HeaderCW:
		return "[CW]"
	case network.HeaderEtherType:
		return fmt.Sprintf("[ethertype %#04x]", h.EtherType)
	case network.HeaderMPLS:
		s := ""
		if h.Bottom {
			s = " S"
		}
		return fmt.Sprintf("[MPLS %d%s TTL %d]", h.Label, s, h.TTL)
	case network.HeaderIPv4:
		return fmt.Sprintf("[IPv4 %s > %s TTL %d]", h.Src, h.Dst, h.TTL)
	case network.HeaderICMP:
		return "[" + icmpName(h) + "]"
	case network.HeaderARP:
		if h.ARPOp == packet.ARPRequest {
			return fmt.Sprintf("[ARP who-has %s tell %s]", h.Dst, h.Src)
		}
		return fmt.Sprintf("[ARP reply %s is-at %s]", h.Src, h.MAC)
	case network.HeaderTruncated:
		return "[truncated]"
	}
	return "[?]"
}

func icmpName(h network.Header) string {
	switch h.ICMPType {
	case packet.ICMPEchoRequest:
		return "ICMP echo"
	case packet.ICMPEchoReply:
		return "ICMP echo reply"
	case packet.ICMPTimeExceeded:
		if len(h.ICMPLabels) > 0 {
			return "ICMP time exceeded, MPLS " + mpls.Join(h.ICMPLabels)
		}
		return "ICMP time exceeded"
	case packet.ICMPUnreachable:
		return "ICMP unreachable"
	}
	return fmt.Sprintf("ICMP type %d", h.ICMPType)
}

// HopLine prints one traceroute hop as IOS does:
// " 2  100.64.0.1 (P1)  [MPLS: Labels 18/100000 Exp 0]  8.0 ms", with
// "Label" for one label and, after an unreachable, its code's marker (!N
// network, !H host, !P protocol, !F fragmentation needed, !A
// administratively prohibited).
func HopLine(h network.Hop) string {
	if h.Result == network.Lost {
		return fmt.Sprintf("%2d  *", h.TTL)
	}
	s := fmt.Sprintf("%2d  %s (%s)", h.TTL, h.ReplyAddr, h.ReplyFrom)
	if len(h.Labels) > 0 {
		s += "  " + MPLSExtension(h.Labels)
	}
	s += fmt.Sprintf("  %.1f ms", ms(h.RTT))
	if h.Result == network.Unreachable {
		s += "  " + UnreachMarker(h.Code)
	}
	return s
}

// MPLSExtension prints the label stack an ICMP error reported (RFC 4950)
// as IOS traceroute does: "[MPLS: Labels 18/100000 Exp 0]", "Label" for one.
func MPLSExtension(stack []mpls.StackEntry) string {
	ls := make([]mpls.Label, len(stack))
	for i, e := range stack {
		ls[i] = e.Label
	}
	word := "Labels"
	if len(ls) == 1 {
		word = "Label"
	}
	return fmt.Sprintf("[MPLS: %s %s Exp %d]", word, mpls.Join(ls), stack[0].TC)
}

// UnreachMarker is a traceroute's marker for an ICMP unreachable code.
func UnreachMarker(code uint8) string {
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

// LSPHopLine prints one hop of an LSP traceroute (RFC 8029) as IOS's
// traceroute mpls does, with the return code spelled out:
// "R 1 100.64.0.1 (P1)  8.0 ms  [8: label switched]".
func LSPHopLine(h network.Hop) string {
	if h.Result == network.Lost {
		return fmt.Sprintf(". %d *", h.TTL)
	}
	return fmt.Sprintf("%c %d %s (%s)  %.1f ms  [%d: %s]", packet.ReturnCodeMark(h.ReturnCode), h.TTL, h.ReplyAddr, h.ReplyFrom,
		ms(h.RTT), h.ReturnCode, packet.ReturnCodeName(h.ReturnCode))
}
