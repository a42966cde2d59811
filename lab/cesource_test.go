package lab

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

// A CE whose first LAN is a /32 sources its pings from that address, the
// one it owns, not from the next one (which no site owns): its pings are
// answered, to a remote site and to its own PE.
func TestCEWithSlash32LANSources(t *testing.T) {
	data, err := os.ReadFile("../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "lans: [10.1.1.0/24]", "lans: [10.1.1.1/32]", 1)
	if s == string(data) {
		t.Fatal("classic's A1 no longer has lans: [10.1.1.0/24]")
	}
	topo, _, err := topologies.Parse("classic-32.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	l := startTopo(t, topo)
	if got := l.ces["A1"].Source(); got != netip.MustParseAddr("10.1.1.1") {
		t.Errorf("A1 sources from %v, want 10.1.1.1", got)
	}
	for _, to := range []string{"10.1.2.1", "100.96.0.1"} {
		r, err := l.Ping("A1", netip.MustParseAddr(to), network.ProbeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Result != network.Reply {
			t.Errorf("ping A1 %s: %s", to, r.Outcome("A1"))
		}
	}
}
