package render

import (
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
)

// Hops print as IOS prints them: "Label" for one label, "Labels" for a
// stack, and an unreachable's marker by its ICMP code.
func TestHopLine(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		hop  network.Hop
		want string
	}{
		{network.Hop{TTL: 2, PingResult: network.PingResult{Result: network.TTLExceeded, ReplyFrom: "P1", ReplyAddr: a("100.64.0.1"), RTT: 8 * time.Millisecond,
			Labels: []mpls.StackEntry{{Label: 18}, {Label: 100000, Bottom: true}}}},
			" 2  100.64.0.1 (P1)  [MPLS: Labels 18/100000 Exp 0]  8.0 ms"},
		{network.Hop{TTL: 4, PingResult: network.PingResult{Result: network.TTLExceeded, ReplyFrom: "PE2", ReplyAddr: a("192.168.12.1"), RTT: 10 * time.Millisecond,
			Labels: []mpls.StackEntry{{Label: 100000, Bottom: true}}}},
			" 4  192.168.12.1 (PE2)  [MPLS: Label 100000 Exp 0]  10.0 ms"},
		{network.Hop{TTL: 1, PingResult: network.PingResult{Result: network.Unreachable, ReplyFrom: "PE1", ReplyAddr: a("100.96.0.1"), RTT: 2 * time.Millisecond, Code: 1}},
			" 1  100.96.0.1 (PE1)  2.0 ms  !H"},
		{network.Hop{TTL: 1, PingResult: network.PingResult{Result: network.Unreachable, ReplyFrom: "PE1", ReplyAddr: a("100.96.0.1"), RTT: 2 * time.Millisecond, Code: 0}},
			" 1  100.96.0.1 (PE1)  2.0 ms  !N"},
		{network.Hop{TTL: 3, PingResult: network.PingResult{Result: network.Lost}}, " 3  *"},
	} {
		if got := HopLine(c.hop); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}
