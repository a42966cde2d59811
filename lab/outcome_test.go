package lab

import (
	"net/netip"
	"testing"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

// leak is classic with one mistake: VRF A imports B's route target, so A1's
// ping to 10.1.2.1 reaches B2, whose answer goes back inside VRF B to B1
// (10.1.1.1 is B1's too), never to A1.
const leak = `
name: leak
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  PE2: {role: pe, loopback: 10.0.0.2}
  A1: {role: ce, lans: [10.1.1.0/24]}
  B1: {role: ce, lans: [10.1.1.0/24]}
  B2: {role: ce, lans: [10.1.2.0/24]}
vrfs:
  A: {rd: "65000:1", import: ["65000:2"], export: ["65000:1"]}
  B: {rd: "65000:2", route-target: ["65000:2"]}
links:
  - {endpoints: [PE1, PE2]}
  - {endpoints: [A1, PE1], vrf: A}
  - {endpoints: [B1, PE1], vrf: B}
  - {endpoints: [B2, PE2], vrf: B}
`

// A lost probe says what happened to it: an answer that reached another
// node names that node and who answered, a drop names the node and the
// reason; never an empty name.
func TestPingOutcome(t *testing.T) {
	topo, _, err := topologies.Parse("leak.yaml", []byte(leak))
	if err != nil {
		t.Fatal(err)
	}
	l := startTopo(t, topo)
	for _, c := range []struct {
		from, to string
		want     string
	}{
		{"A1", "10.1.2.1", "lost: the answer from B2 (10.1.2.1) reached B1, not A1"},
		{"B1", "10.1.2.1", "reply from B2 (10.1.2.1)"},
		{"A1", "10.9.9.9", "unreachable from PE1 (100.96.0.1)"},
		{"B2", "10.1.1.1", "reply from B1 (10.1.1.1)"},
	} {
		r, err := l.Ping(c.from, netip.MustParseAddr(c.to), network.ProbeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Outcome(c.from); got != c.want {
			t.Errorf("ping %s %s: %q, want %q", c.from, c.to, got, c.want)
		}
	}
	if err := l.FailNode("PE2"); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	r, err := l.Ping("B1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Outcome("B1"), "unreachable from PE1 (100.96.0.5)"; got != want {
		t.Errorf("with PE2 down: %q, want %q", got, want)
	}
}
