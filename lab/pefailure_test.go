package lab_test

import (
	"context"
	"testing"
	"time"
)

// TestFailedPEHoldsNothing: a PE that fails keeps neither its VRF routes nor
// the VPNv4 routes it advertised (its own GoBGP paths), exactly like a PE
// that was down from the start; restored, it has them all again.
// (It kept both once: the control plane skipped a failed PE instead of
// emptying it.)
func TestFailedPEHoldsNothing(t *testing.T) {
	l, err := openLab("classic")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	type count struct{ table, vrf string }
	counts := []count{{"vpnv4", ""}, {"routes", "A"}, {"routes", "B"}}
	up := map[count]int{}
	for _, c := range counts {
		n, err := l.Count("PE2", c.table, c.vrf)
		if err != nil || n == 0 {
			t.Fatalf("PE2 %s %s: %d entries (%v) before the failure, want some", c.table, c.vrf, n, err)
		}
		up[c] = n
	}
	if err := l.FailNode("PE2"); err != nil {
		t.Fatal(err)
	}
	if err := l.Converge(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if n, err := l.Count("PE2", c.table, c.vrf); err != nil || n != 0 {
			t.Errorf("failed PE2 %s %s: %d entries (%v), want 0", c.table, c.vrf, n, err)
		}
	}
	if n, _ := l.Count("RR1", "vpnv4", ""); n != 4 {
		t.Errorf("RR1 holds %d VPNv4 paths with PE2 down, want PE1's 4", n)
	}
	if err := l.RestoreNode("PE2"); err != nil {
		t.Fatal(err)
	}
	if err := l.Converge(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if n, _ := l.Count("PE2", c.table, c.vrf); n != up[c] {
			t.Errorf("restored PE2 %s %s: %d entries, want %d as before", c.table, c.vrf, n, up[c])
		}
	}
}
