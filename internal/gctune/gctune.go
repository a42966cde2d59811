// Package gctune sets Go's garbage collector for a simulation run.
//
// A large network is mostly a live heap of BGP paths, full of pointers,
// and converging it allocates many times that in short-lived copies (GoBGP
// clones every path for every neighbour before its export policy drops
// most of them). With Go's default (GOGC=100) the collector then marks
// that live heap again every time the heap doubles: at 100 000 VPN routes
// about a fifth of the CPU. Start lets the heap grow to five times the
// live heap (GOGC=400), bounded by a soft memory limit of 3 GiB (or half
// the machine's memory if that is less), and keeps that limit at least
// twice the live heap, so that a network too large for it is collected no
// more often than under the default, never in a tight loop.
//
// The user's own GOGC or GOMEMLIMIT wins: with either set, Start does
// nothing.
package gctune

import (
	"bufio"
	"io"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Percent is the GOGC value Start sets.
const Percent = 400

// baseLimit is the soft memory limit Start sets, before the machine's
// memory and the live heap are taken into account.
const baseLimit = 3 << 30

// Start tunes the collector and returns a function that puts the previous
// settings back.
func Start() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	base := int64(baseLimit)
	if total, ok := memTotal(); ok {
		base = min(base, total/2)
	} else {
		return func() {} // unknown machine: keep Go's defaults
	}
	oldPercent := debug.SetGCPercent(Percent)
	oldLimit := debug.SetMemoryLimit(base)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { follow(base, done) })
	return func() {
		close(done)
		wg.Wait()
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// follow keeps the memory limit at least twice the live heap.
func follow(base int64, done <-chan struct{}) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	limit := base
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			continue
		}
		live := sample[0].Value.Uint64()
		want := base
		if live <= math.MaxInt64/2 {
			want = max(base, 2*int64(live))
		}
		if want != limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}

// memTotal reads the machine's memory from /proc/meminfo (Linux).
func memTotal() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	return parseMemTotal(f)
}

// parseMemTotal finds "MemTotal: N kB" in a meminfo listing.
func parseMemTotal(r io.Reader) (int64, bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			v, ok = strings.CutSuffix(strings.TrimSpace(v), " kB")
			kb, err := strconv.ParseInt(v, 10, 64)
			if !ok || err != nil || kb <= 0 || kb > math.MaxInt64>>10 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}
