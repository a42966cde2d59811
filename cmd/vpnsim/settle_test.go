package main

import (
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
		// classic: four CEs with one LAN each, four attachment subnets.
		{"classic, default", classic, 0, 30*time.Second + 8*time.Millisecond},
		{"classic, given", classic, 5 * time.Second, 5 * time.Second},
		// 10 VRFs on 2 PEs: 20 sites of 99 LANs, 20 attachments.
		{"synthetic, default", big, 0, 30*time.Second + 2000*time.Millisecond},
		{"synthetic, given", big, time.Minute, time.Minute},
	} {
		if got := settleFor(c.t, c.flag); got != c.want {
			t.Errorf("%s: settleFor = %v, want %v", c.name, got, c.want)
		}
	}
}
