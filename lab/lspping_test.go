package lab

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
)

// LSP ping and traceroute (RFC 8029) along classic's LSP from PE1 to PE2's
// loopback: the egress answers return code 3, each transit LSR 8; a FEC
// with no LSP is refused at the ingress.
func TestLSPPing(t *testing.T) {
	l := start(t, "classic")
	fec := netip.MustParseAddr("10.0.0.4")
	w := &network.Walk{}
	r, err := l.Ping("PE1", fec, network.ProbeOptions{MPLS: true, Walk: w})
	if err != nil || r.Result != network.Reply || r.ReplyFrom != "PE2" || r.ReturnCode != packet.RCEgress {
		t.Fatalf("ping mpls PE1 10.0.0.4/32: %v %+v, want return code 3 from PE2", err, r)
	}
	udp := 0
	for _, s := range w.Steps {
		if s.From == "PE1:eth1" {
			if len(s.Stack) < 3 || s.Stack[1].Kind != network.HeaderMPLS || s.Stack[1].Label != 202 || s.Stack[1].TTL != 255 ||
				s.Stack[2].Dst != netip.MustParseAddr("127.0.0.1") || s.Stack[2].TTL != 1 {
				t.Errorf("the request leaves PE1 as %+v, want label 202 TTL 255 over IPv4 to 127.0.0.1 TTL 1", s.Stack)
			}
			udp++
		}
	}
	if udp != 1 {
		t.Errorf("%d requests left PE1", udp)
	}
	for _, s := range w.Steps {
		if strings.HasPrefix(s.Note, "dropped") {
			t.Errorf("%s: %s; a request answered is delivered to the router, not dropped", s.Node, s.Note)
		}
	}
	tr, err := l.Traceroute("PE1", fec, network.ProbeOptions{MPLS: true})
	if err != nil || !tr.Reached || len(tr.Hops) != 3 {
		t.Fatalf("traceroute mpls: %v %+v", err, tr)
	}
	for i, want := range []struct {
		from string
		code uint8
	}{{"P1", packet.RCLabelSwitched}, {"P2", packet.RCLabelSwitched}, {"PE2", packet.RCEgress}} {
		if h := tr.Hops[i]; h.ReplyFrom != want.from || h.ReturnCode != want.code {
			t.Errorf("hop %d: %s code %d, want %s code %d", i+1, h.ReplyFrom, h.ReturnCode, want.from, want.code)
		}
	}
	if _, err := l.Ping("PE1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{MPLS: true}); err == nil {
		t.Error("an LSP ping for a customer address (no LSP) was sent")
	}
	if _, err := l.Ping("A1", fec, network.ProbeOptions{MPLS: true}); err == nil {
		t.Error("an LSP ping from a CE was sent")
	}
}
