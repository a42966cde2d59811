package lab

import (
	"context"
	"net/netip"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/gctune"
	"github.com/vpnsim/vpnsim/topologies"
)

// BenchmarkVPNDistribution is VPN route distribution at scale: a synthetic
// provider with 20 PEs and 2 route reflectors, 200 VRFs each on 3 PEs (one
// site on each), brought from nothing to converged (speakers started,
// sessions up, every PE's routes advertised, reflected, received and
// installed in its VRFs). The sizes are the VPN prefixes the PEs export:
// 600 attachment subnets plus 600 sites' LANs each (1 200, 10 200 and
// 100 200 prefixes).
//
// Each run also relays the same routes (same RDs, prefixes, labels, next
// hops and route targets) through three plain GoBGP speakers, PE → RR → PE,
// in the same fabric but with nothing of vpnsim around them, and reports
// that as gobgp-routes/s: the ratio shows vpnsim's own overhead.
//
// The lab runs without the RIB audit (Options.NoRIBAudit); the audit it
// would run by default on the converged network is timed on its own
// afterwards (audit-s).
//
// The collector runs as under the vpnsim command (internal/gctune: GOGC
// 400, a soft memory limit of 3 GiB); GOGC or GOMEMLIMIT in the
// environment override it.
//
// Metrics: ns/op is the time to converged; cpu-s/op the CPU time the
// process used meanwhile (user and system, every goroutine: on a shared
// machine it varies less than the wall time); routes/s is exported
// prefixes over the time to converged; x-gobgp is the time to converged
// over the baseline's time; MB-live is the heap still in use after
// convergence (speakers, VRFs, LFIBs, everything) and B/route/PE the same
// over the VPN paths the PEs hold in their RIBs; MB-peak-heap and
// MB-peak-mem are the largest heap (objects) and the largest memory the
// Go runtime held from the OS (total minus released), sampled every 10 ms
// while converging.
func BenchmarkVPNDistribution(b *testing.B) {
	defer gctune.Start()() // as the vpnsim command runs
	for _, tc := range []struct {
		name     string
		prefixes int // LANs per site: 600·(prefixes+1) VPN prefixes
	}{
		{"1k", 1},
		{"10k", 16},
		{"100k", 166},
	} {
		b.Run(tc.name, func(b *testing.B) { benchVPN(b, tc.prefixes) })
	}
}

func benchVPN(b *testing.B, lans int) {
	o := gen.SyntheticOptions{P: 10, PEs: 20, RRs: 2, VRFs: 200, VRFPEs: 3, Sites: 3, Prefixes: lans, Seed: 1}
	t := syntheticTopo(b, o)
	var (
		conv, cpu, relay time.Duration
		audit            time.Duration
		peakHeap, peakM  uint64
		held, atPEs      uint64
		routes           int
	)
	for b.Loop() {
		runtime.GC()
		before := liveHeap()
		sample := samplePeak()
		cpu0, start := cpuTime(), time.Now()
		l, err := New(t, Options{NoRIBAudit: true})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		err = l.Start(ctx)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		conv += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		h, m := sample()
		peakHeap, peakM = max(peakHeap, h), max(peakM, m)
		// The RIB audit a lab runs by default once converged (see
		// Options.NoRIBAudit), timed on its own.
		a0 := time.Now()
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Minute)
		err = l.Fabric().WaitAudited(ctx)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		audit += time.Since(a0)
		runtime.GC()
		held += liveHeap() - before
		adv := advertisedRoutes(l)
		routes = len(adv)
		for _, x := range l.Topo.Nodes {
			if x.Role != topologies.RolePE {
				continue
			}
			paths, err := l.Fabric().Speaker(x.Name).VPNv4Paths()
			if err != nil {
				b.Fatal(err)
			}
			atPEs += uint64(len(paths))
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
		relay += gobgpRelay(b, adv)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(routes), "prefixes")
	b.ReportMetric(float64(routes)*n/conv.Seconds(), "routes/s")
	b.ReportMetric(cpu.Seconds()/n, "cpu-s/op")
	b.ReportMetric(audit.Seconds()/n, "audit-s")
	b.ReportMetric(float64(routes)*n/relay.Seconds(), "gobgp-routes/s")
	b.ReportMetric(conv.Seconds()/relay.Seconds(), "x-gobgp")
	b.ReportMetric(float64(held)/n/(1<<20), "MB-live")
	b.ReportMetric(float64(held)/float64(atPEs), "B/route/PE")
	b.ReportMetric(float64(peakHeap)/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(peakM)/(1<<20), "MB-peak-mem")
}

// advertisedRoutes returns every VPN route the lab's PEs advertise, sorted.
func advertisedRoutes(l *Lab) []bgp.VPNRoute {
	var out []bgp.VPNRoute
	for _, x := range l.Topo.Nodes {
		adv := l.ctl.advVPN[x.Name]
		for _, k := range sortedKeys(adv) {
			out = append(out, adv[k])
		}
	}
	return out
}

// gobgpRelay is the plain GoBGP baseline: PE1 originates routes, RR1
// reflects them to PE2; it returns the time from the first route added
// until the fabric has settled with all of them in PE2's RIB.
func gobgpRelay(b *testing.B, routes []bgp.VPNRoute) time.Duration {
	f := bgp.NewFabric(bgp.Options{NoRIBAudit: true})
	defer f.Close()
	add := func(name, rid string, rr bool) *bgp.Speaker {
		cfg := bgp.SpeakerConfig{Name: name, ASN: 65000, RouterID: netip.MustParseAddr(rid)}
		if rr {
			cfg.ClusterID = cfg.RouterID
		}
		sp, err := f.AddSpeaker(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return sp
	}
	rr, pe1, pe2 := add("RR1", "10.0.0.100", true), add("PE1", "10.0.0.1", false), add("PE2", "10.0.0.2", false)
	for _, pe := range []*bgp.Speaker{pe1, pe2} {
		s, err := f.AddSession(bgp.SessionConfig{A: rr, B: pe, Family: bgp.VPNv4, BIsRRClientOfA: true})
		if err != nil {
			b.Fatal(err)
		}
		s.SetUp(true)
	}
	settle := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := f.WaitSettled(ctx); err != nil {
			b.Fatal(err)
		}
	}
	settle()
	start := time.Now()
	if err := pe1.AddVPNv4(routes...); err != nil {
		b.Fatal(err)
	}
	settle()
	d := time.Since(start)
	paths, err := pe2.VPNv4Paths()
	if err != nil {
		b.Fatal(err)
	}
	if len(paths) != len(routes) {
		b.Fatalf("the GoBGP baseline: PE2 holds %d routes, want %d", len(paths), len(routes))
	}
	return d
}

// liveHeap is the heap in use (objects), as of the last GC when called
// right after runtime.GC.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeak starts sampling the heap (objects) and the memory the runtime
// holds from the OS (total minus released) every 10 ms; the function it
// returns stops and returns the two peaks.
func samplePeak() func() (heap, mem uint64) {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	var h, m uint64
	read := func() {
		metrics.Read(s)
		h = max(h, s[0].Value.Uint64())
		m = max(m, s[1].Value.Uint64()-s[2].Value.Uint64())
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			read()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		read()
		return h, m
	}
}
