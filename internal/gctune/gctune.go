// Package gctune sets Go's garbage collector for a simulation run.
//
// A large network is mostly a live heap of BGP paths, full of pointers,
// and converging it allocates many times that in short-lived copies (GoBGP
// clones every path for every neighbour before its export policy drops
// most of them). With Go's default (GOGC=100) the collector then marks
// that live heap again every time the heap doubles: at 100 000 VPN routes
// about a fifth of the CPU. Start lets the heap grow to five times the
// live heap (GOGC=400), bounded by a soft memory limit of 2.5 GiB (or half
// the machine's memory if that is less), and raises that limit to one and
// a half times the live heap when the network needs more, so that a
// network too large for it is collected at most about twice as often as
// under the default (each collection frees at least a third of the heap),
// never in a tight loop.
//
// The limit is what bounds the process's resident memory: the 100 000-route
// network of `vpnsim gen --help` (a live heap of at most 1.7 GB) stays
// under 3 GB; until issue 23 the limit followed twice the live heap, and
// the same run peaked at 3.8 GB in about the same time (docs/performance.md).
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
const baseLimit = 5 << 29 // 2.5 GiB

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

// follow keeps the memory limit at limitFor the live heap.
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
		if want := limitFor(base, sample[0].Value.Uint64()); want != limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}

// limitFor is the memory limit for a live heap of live bytes: base, or one
// and a half times the live heap when that is more.
func limitFor(base int64, live uint64) int64 {
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(base, int64(live)+int64(live)/2)
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
