package bgp

import (
	"slices"
	"testing"
)

// TestBySender: directions are taken round robin by sender, so that two
// reflectors' Adj-RIB-Outs are listed side by side.
func TestBySender(t *testing.T) {
	rr1, rr2, pe1, pe2 := &Speaker{}, &Speaker{}, &Speaker{}, &Speaker{}
	dirs := []direction{
		{from: rr1}, {from: pe1}, {from: rr1}, {from: pe2}, // RR1–PE1, RR1–PE2
		{from: rr2}, {from: pe1}, {from: rr2}, {from: pe2}, // RR2–PE1, RR2–PE2
		{from: rr1}, {from: rr2}, // RR1–RR2
	}
	want := []int{0, 1, 3, 4, 2, 5, 7, 6, 8, 9}
	if got := bySender(dirs); !slices.Equal(got, want) {
		t.Errorf("bySender = %v, want %v", got, want)
	}
	if got := bySender(nil); len(got) != 0 {
		t.Errorf("bySender(nil) = %v", got)
	}
}
