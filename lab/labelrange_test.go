package lab

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

const labelRangeTopo = `name: lr
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1, label-range: [100, 199]}
  P1:  {role: p,  loopback: 10.0.0.2, label-range: [200, 299]}
  PE2: {role: pe, loopback: 10.0.0.4, label-range: [400, 402]}
  A1:  {role: ce, lans: [10.1.1.0/24]}
  A2:  {role: ce, lans: [10.1.2.0/24]}
vrfs:
  A: {rd: "65000:1", route-target: ["65000:1"]}
links:
  - {endpoints: [PE1, P1]}
  - {endpoints: [P1, PE2]}
  - {endpoints: [A1, PE1], vrf: A}
  - {endpoints: [A2, PE2], vrf: A}
`

// With label-range each router allocates its LDP labels from the start of
// its range, one per other provider router in loopback order, and a PE its
// VPN labels right after them (IOS "mpls label range"): labels are local
// to a router, and a packet's label changes at every hop.
func TestLabelRange(t *testing.T) {
	topo, _, err := topologies.Parse("lr.yaml", []byte(labelRangeTopo))
	if err != nil {
		t.Fatal(err)
	}
	l := startTopo(t, topo)
	for _, c := range []struct {
		node  string
		label mpls.Label
		op    string
		out   []mpls.Label
	}{
		{"PE1", 101, "swap", []mpls.Label{201}}, // PE1's label for PE2's loopback: P1's 201 next
		{"P1", 201, "pop", []mpls.Label{}},      // P1's label for PE2's loopback: PHP
		{"P1", 200, "pop", []mpls.Label{}},      // P1's label for PE1's loopback
		{"PE2", 402, "pop-lookup", []mpls.Label{}},
		{"PE1", 102, "pop-lookup", []mpls.Label{}},
	} {
		e, err := l.LFIBEntry(c.node, c.label)
		if err != nil || e == nil || e.Op != c.op || !reflect.DeepEqual(e.Out, c.out) {
			t.Errorf("%s label %d: %+v, want %s %v", c.node, c.label, e, c.op, c.out)
		}
	}
	tr, err := l.Traceroute("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{})
	if err != nil || !tr.Reached {
		t.Fatalf("traceroute: %v %+v", err, tr)
	}
	if h := tr.Hops[1]; h.ReplyFrom != "P1" || len(h.Labels) != 2 || h.Labels[0].Label != 201 || h.Labels[1].Label != 402 {
		t.Errorf("hop 2: %+v, want P1 with labels 201/402", h)
	}

	// A range too small for the PE's VPN labels is bad input at its node.
	small := strings.Replace(labelRangeTopo, "[400, 402]", "[400, 401]", 1)
	topo, _, err = topologies.Parse("lr.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(topo, Options{})
	if _, ok := err.(*InputError); !ok || !strings.Contains(err.Error(), "lr.yaml:6:3: label-range: PE2 needs VPN labels 402 to 402") {
		t.Errorf("a range too small: %v", err)
	}
}
