package lab

import (
	"context"
	"net/netip"
	"testing"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
)

// A 1500-byte packet with DF set cannot cross a 1500-byte core under two
// labels: the ingress PE answers fragmentation needed (RFC 1191) naming
// the 1492 bytes left; without DF it crosses in fragments and the echo
// reply comes back whole; with the core at 1508 it crosses as it is. When
// only a core link past the ingress is too small, the P router's error
// follows the LSP to the egress PE and comes back from there.
func TestMTU(t *testing.T) {
	l := start(t, "classic")
	dst := netip.MustParseAddr("10.1.2.1")
	ping := func(size int, df bool) (network.PingResult, *network.Walk) {
		t.Helper()
		w := &network.Walk{}
		r, err := l.Ping("A1", dst, network.ProbeOptions{Size: size, DF: df, Walk: w})
		if err != nil {
			t.Fatal(err)
		}
		return r, w
	}
	fragNeeded := func(w *network.Walk) int {
		for _, s := range w.Steps {
			for _, h := range s.Stack {
				if h.Kind == network.HeaderICMP && h.ICMPType == packet.ICMPUnreachable && h.ICMPCode == packet.UnreachFrag {
					return len(s.Stack)
				}
			}
		}
		return 0
	}
	if r, _ := ping(1492, true); r.Result != network.Reply {
		t.Errorf("1492 bytes with DF: %+v, want a reply (1500 with two labels)", r)
	}
	r, w := ping(1500, true)
	if r.Result != network.Unreachable || r.Code != packet.UnreachFrag || r.ReplyFrom != "PE1" || fragNeeded(w) == 0 {
		t.Errorf("1500 bytes with DF over a 1500-byte core: %+v, want fragmentation needed from PE1", r)
	}
	r, w = ping(1500, false)
	frags := 0
	for _, s := range w.Steps {
		if s.From == "PE1:eth1" && len(s.Stack) > 2 && s.Stack[3].Kind == network.HeaderIPv4 {
			frags++
		}
	}
	if r.Result != network.Reply || r.ReplyFrom != "A2" || frags != 2 {
		t.Errorf("1500 bytes without DF: %+v, %d frames from PE1 into the core, want a reply after 2 fragments", r, frags)
	}

	ctx := context.Background()
	for _, lk := range [][2]string{{"PE1", "P1"}, {"P1", "P2"}, {"P2", "PE2"}} {
		if err := l.Change(ctx, network.Change{Kind: network.MTU, Link: lk, Value: 1508}); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := ping(1500, true); r.Result != network.Reply {
		t.Errorf("1500 bytes with DF over a 1508-byte core: %+v, want a reply", r)
	}
	// P1–P2 back to 1500: the error comes from P1, by way of PE2.
	if err := l.Change(ctx, network.Change{Kind: network.MTU, Link: [2]string{"P1", "P2"}, Value: 1500}); err != nil {
		t.Fatal(err)
	}
	r, w = ping(1500, true)
	if r.Result != network.Unreachable || r.Code != packet.UnreachFrag || r.ReplyFrom != "P1" || fragNeeded(w) < 3 {
		t.Errorf("too big at P1: %+v, want fragmentation needed from P1 carried down the LSP", r)
	}
	if err := l.Change(ctx, network.Change{Kind: network.MTU, Link: [2]string{"P1", "P2"}, Value: 60}); err == nil {
		t.Error("an MTU of 60 accepted")
	}
}
