package mpls

import "testing"

func TestCounters(t *testing.T) {
	var c Counters
	for _, x := range []struct {
		l Label
		n int
	}{{16, 100}, {202, 60}, {16, 40}, {100000, 64}, {100005, 1}, {3, 7}, {FirstVPN + 1<<18, 9}} {
		c.Add(x.l, x.n)
	}
	for l, want := range map[Label]uint64{16: 140, 202: 60, 100000: 64, 100005: 1, 3: 7, FirstVPN + 1<<18: 9, 17: 0, 100001: 0, 999: 0} {
		if got := c.Get(l); got != want {
			t.Errorf("label %d: %d bytes, want %d", l, got, want)
		}
	}
}
