package topologies

import (
	"fmt"
	"slices"
	"testing"
)

func TestIBGPSessions(t *testing.T) {
	for _, c := range []struct {
		topo string
		want []string
	}{
		{"classic", []string{"RR1>PE1", "RR1>PE2"}},
		{"two-rr", []string{"RR1>PE1", "RR1>PE2", "RR2>PE1", "RR2>PE2", "RR1-RR2"}},
		{"full-mesh", []string{"PE1-PE2", "PE1-PE3", "PE2-PE3"}},
	} {
		top, _, err := Open(c.topo)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range top.IBGPSessions() {
			sep := "-"
			if s.Client {
				sep = ">"
			}
			got = append(got, s.A.Name+sep+s.B.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: sessions %v, want %v", c.topo, got, c.want)
		}
		// every session appears on both sides, a client on one side at most
		for _, n := range top.Nodes {
			for _, p := range top.IBGPPeers(n) {
				i := slices.IndexFunc(top.IBGPPeers(p.Node), func(q IBGPPeer) bool { return q.Node == n })
				if i < 0 {
					t.Errorf("%s: %s peers with %s but not the other way", c.topo, n.Name, p.Node.Name)
				} else if p.Client && top.IBGPPeers(p.Node)[i].Client {
					t.Errorf("%s: %s and %s are each other's clients", c.topo, n.Name, p.Node.Name)
				}
			}
		}
	}
}

func TestRDOn(t *testing.T) {
	top, _, err := Parse("t.yaml", []byte(`name: t
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  A1: {role: ce}
vrfs:
  A: {rd: auto}
  B: {rd: "65000:7"}
links:
  - {endpoints: [PE1, A1], vrf: A}
`))
	if err != nil {
		t.Fatal(err)
	}
	pe := top.Node("PE1")
	for _, c := range []struct{ vrf, want string }{{"A", "10.0.0.1:1"}, {"B", "65000:7"}} {
		if got := fmt.Sprint(top.VRF(c.vrf).RDOn(pe)); got != c.want {
			t.Errorf("VRF %s on PE1: RD %s, want %s", c.vrf, got, c.want)
		}
	}
}
