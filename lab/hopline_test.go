package lab

import (
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
)

// Hops print as IOS prints them: "Label" for one label, "Labels" for a
// stack, and an unreachable's marker by its ICMP code.
func TestHopLine(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		hop  Hop
		want string
	}{
		{Hop{TTL: 2, PingResult: PingResult{Result: TTLExceeded, ReplyFrom: "P1", ReplyAddr: a("100.64.0.1"), RTT: 8 * time.Millisecond,
			Labels: []mpls.StackEntry{{Label: 18}, {Label: 100000, Bottom: true}}}},
			" 2  100.64.0.1 (P1)  [MPLS: Labels 18/100000 Exp 0]  8.0 ms"},
		{Hop{TTL: 4, PingResult: PingResult{Result: TTLExceeded, ReplyFrom: "PE2", ReplyAddr: a("192.168.12.1"), RTT: 10 * time.Millisecond,
			Labels: []mpls.StackEntry{{Label: 100000, Bottom: true}}}},
			" 4  192.168.12.1 (PE2)  [MPLS: Label 100000 Exp 0]  10.0 ms"},
		{Hop{TTL: 1, PingResult: PingResult{Result: Unreachable, ReplyFrom: "PE1", ReplyAddr: a("100.96.0.1"), RTT: 2 * time.Millisecond, Code: 1}},
			" 1  100.96.0.1 (PE1)  2.0 ms  !H"},
		{Hop{TTL: 1, PingResult: PingResult{Result: Unreachable, ReplyFrom: "PE1", ReplyAddr: a("100.96.0.1"), RTT: 2 * time.Millisecond, Code: 0}},
			" 1  100.96.0.1 (PE1)  2.0 ms  !N"},
		{Hop{TTL: 3, PingResult: PingResult{Result: Lost}}, " 3  *"},
	} {
		if got := HopLine(c.hop); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// A router with no route answers host unreachable, as IOS does (!H).
func TestNoRouteIsHostUnreachable(t *testing.T) {
	l := start(t, "classic")
	r, err := l.Ping("A1", netip.MustParseAddr("10.99.0.1"), ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != Unreachable || r.ReplyFrom != "PE1" || r.Code != 1 {
		t.Errorf("ping A1 10.99.0.1: %+v, want host unreachable (code 1) from PE1", r)
	}
}
