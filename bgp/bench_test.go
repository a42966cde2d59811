package bgp

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// BenchmarkVPNv4Distribution measures VPN route distribution PE1 → RR1 →
// PE2: originating n routes on PE1 until the fabric is settled with all of
// them in PE2's RIB.
func BenchmarkVPNv4Distribution(b *testing.B) {
	const n = 10000
	routes := make([]VPNRoute, n)
	for i := range routes {
		routes[i] = VPNRoute{
			RD:           vrf.NewRDIP(addr("10.0.0.1"), uint16(1+i%100)),
			Prefix:       netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24),
			Label:        mpls.Label(16 + i),
			NextHop:      addr("10.0.0.1"),
			RouteTargets: []vrf.RouteTarget{rtA},
		}
	}
	var busy time.Duration
	for b.Loop() {
		b.StopTimer()
		net := newRRNetwork(b)
		start := time.Now()
		b.StartTimer()
		if err := net.pe1.AddVPNv4(routes...); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := net.f.WaitSettled(ctx)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		busy += time.Since(start)
		if got := len(vpnPaths(b, net.pe2)); got != n {
			b.Fatal(fmt.Sprintf("PE2 holds %d routes, want %d", got, n))
		}
		net.f.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/busy.Seconds(), "routes/s")
}
