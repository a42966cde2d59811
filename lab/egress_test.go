package lab

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/network"
)

// hopsOf prints a traceroute as "ADDR (NODE)" per hop.
func hopsOf(tr network.TraceResult) string {
	var s []string
	for _, h := range tr.Hops {
		s = append(s, h.ReplyAddr.String()+" ("+h.ReplyFrom+")")
	}
	return strings.Join(s, ", ")
}

// The egress PE answers a customer's traceroute from its VRF interface, as
// IOS does, never from a provider address (which pipe mode hides); a
// traceroute to the PE's own VRF address shows the PE once.
func TestEgressPEAnswersFromItsVRFInterface(t *testing.T) {
	for _, c := range []struct {
		topo, to, want string
	}{
		{"classic", "10.1.2.1", "100.96.0.1 (PE1), 100.64.0.1 (P1), 100.64.0.3 (P2), 192.168.12.1 (PE2), 10.1.2.1 (A2)"},
		{"classic", "192.168.12.1", "100.96.0.1 (PE1), 100.64.0.1 (P1), 100.64.0.3 (P2), 192.168.12.1 (PE2)"},
		{"pipe", "10.1.2.1", "100.96.0.1 (PE1), 192.168.12.1 (PE2), 10.1.2.1 (A2)"},
	} {
		l := start(t, c.topo)
		tr, err := l.Traceroute("A1", netip.MustParseAddr(c.to), network.ProbeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := hopsOf(tr); got != c.want || !tr.Reached {
			t.Errorf("%s: traceroute A1 %s:\n got %s (reached %v)\nwant %s", c.topo, c.to, got, tr.Reached, c.want)
		}
	}
}
