package gctune

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseMemTotal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"MemTotal:       24578912 kB\nMemFree: 1 kB\n", 24578912 << 10, true},
		{"MemFree: 1 kB\nMemTotal: 2048 kB\n", 2 << 20, true},
		{"MemTotal: 2048 MB\n", 0, false},
		{"MemTotal: -5 kB\n", 0, false},
		{"MemTotal: 99999999999999999999 kB\n", 0, false},
		{"", 0, false},
	} {
		got, ok := parseMemTotal(strings.NewReader(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("parseMemTotal(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestLimitFor(t *testing.T) {
	const gib = 1 << 30
	base := int64(baseLimit)
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, base},
		{gib, base},               // 1.5 GiB: the base is more
		{baseLimit * 2 / 3, base}, // just under the base
		{2 * gib, 3 * gib},        // past the base: one and a half times
		{6 * gib, 9 * gib},        // the 300 000-route network
		{math.MaxInt64 / 2, math.MaxInt64/2 + math.MaxInt64/4}, // largest that fits
		{math.MaxUint64, math.MaxInt64},                        // no overflow
	} {
		if got := limitFor(base, c.live); got != c.want {
			t.Errorf("limitFor(%d, %d) = %d, want %d", base, c.live, got, c.want)
		}
	}
}

// current reads the collector's settings without changing them.
func current() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestStartAndStop(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	p0, l0 := current()
	stop := Start()
	p, l := current()
	if _, known := memTotal(); known {
		if p != Percent || l > baseLimit || l <= 0 {
			t.Errorf("after Start: GOGC %d, limit %d; want %d and at most %d", p, l, Percent, baseLimit)
		}
	}
	stop()
	if p, l := current(); p != p0 || l != l0 {
		t.Errorf("after stop: GOGC %d, limit %d; want %d, %d back", p, l, p0, l0)
	}
}

func TestUserSettingsWin(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "100")
			p0, l0 := current()
			stop := Start()
			defer stop()
			if p, l := current(); p != p0 || l != l0 {
				t.Errorf("with %s set, Start changed GOGC to %d and the limit to %d", env, p, l)
			}
		})
	}
}
