package topologies

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	at := func(src string, moves ...string) *Topology {
		t.Helper()
		for i := 0; i+1 < len(moves); i += 2 {
			src = strings.Replace(src, moves[i], moves[i+1], 1)
		}
		topo, _, err := Parse("t.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return topo
	}
	// no position: the layout
	none := at(base)
	if got, want := Positions(none, 100), Layout(none, 100); !slices.Equal(got, want) {
		t.Errorf("no position given: %v, want Layout's %v", got, want)
	}
	// every position given: scaled so the median link is unit long, top left at 0, 0
	all := at(base,
		"PE1: {role: pe, loopback: 10.0.0.1}", "PE1: {role: pe, loopback: 10.0.0.1, position: [10, 5]}",
		"P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [13, 9]}",
		"A1:  {role: ce, lans: [10.1.1.0/24]}", "A1:  {role: ce, lans: [10.1.1.0/24], position: [10, 15]}")
	// links PE1–P1 (5 long) and A1–PE1 (10 long): median 10 -> scale 10
	want := []Point{{0, 0}, {30, 40}, {0, 100}}
	if got := Positions(all, 100); !slices.Equal(got, want) {
		t.Errorf("every position given: %v, want %v", got, want)
	}
	// P1 alone placed: PE1 half a unit below it, A1 half a unit below PE1
	some := at(base, "P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [500, 500]}")
	got := Positions(some, 100)
	if d := math.Hypot(got[0].X-got[1].X, got[0].Y-got[1].Y); math.Abs(d-50) > 0.2 {
		t.Errorf("PE1 is %.1f from P1, want 50 (half a unit): %v", d, got)
	}
	if d := math.Hypot(got[0].X-got[2].X, got[0].Y-got[2].Y); math.Abs(d-50) > 0.2 {
		t.Errorf("A1 is %.1f from PE1, want 50: %v", d, got)
	}
}
