package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/topologies"
)

func TestSettleFor(t *testing.T) {
	classic, _, err := topologies.Open("classic")
	if err != nil {
		t.Fatal(err)
	}
	o := gen.SyntheticOptions{P: 4, PEs: 4, RRs: 1, VRFs: 10, VRFPEs: 2, Sites: 2, Prefixes: 99, Seed: 1}
	src, err := gen.Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	big, _, err := topologies.Parse("synthetic", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		t    *topologies.Topology
		flag time.Duration
		want time.Duration
	}{
		// classic: four CEs with one LAN each, four attachment subnets;
		// two PEs and a reflector.
		{"classic, default", classic, 0, 30*time.Second + 8*3*100*time.Microsecond},
		{"classic, given", classic, 5 * time.Second, 5 * time.Second},
		// 10 VRFs on 2 PEs: 20 sites of 99 LANs, 20 attachments; four
		// PEs and a reflector.
		{"synthetic, default", big, 0, 30*time.Second + 2000*5*100*time.Microsecond},
		{"synthetic, given", big, time.Minute, time.Minute},
	} {
		if got := settleFor(c.t, c.flag); got != c.want {
			t.Errorf("%s: settleFor = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestStepLog: steps that end before the header are held and printed
// under it; later ones follow as they end; nothing shows without the
// header.
func TestStepLog(t *testing.T) {
	var b strings.Builder
	p := &stepLog{w: &b}
	p.step("topology read (5 nodes, 4 links)", 1500*time.Microsecond)
	p.step("BGP settled (round 1)", 12*time.Millisecond)
	if b.Len() != 0 {
		t.Fatalf("printed before the header: %q", b.String())
	}
	p.show("converging classic...")
	p.step("VRFs computed and advertised (round 1)", 2*time.Second+345*time.Millisecond)
	want := "converging classic...\n" +
		"  topology read (5 nodes, 4 links)                2ms\n" +
		"  BGP settled (round 1)                          12ms\n" +
		"  VRFs computed and advertised (round 1)       2.345s\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
