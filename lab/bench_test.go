package lab

import (
	"context"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/topologies"
)

// BenchmarkPingClassic is one echo request from A1 to A2 and its reply:
// two CE-to-CE packets across the classic core, ten frames in all.
func BenchmarkPingClassic(b *testing.B) {
	l := start(b, "classic")
	dst := netip.MustParseAddr("10.1.2.1")
	b.ReportAllocs()
	for b.Loop() {
		if r, _ := l.Ping("A1", dst, network.ProbeOptions{}); r.Result != network.Reply {
			b.Fatal(r.Result)
		}
	}
}

// BenchmarkCEToCEPacket is one packet from A1 to A2 across the classic core
// (five hops: CE, PE ingress with a VRF lookup and two pushes, swap, PHP,
// PE egress pop and lookup, CE), without building the packet.
func BenchmarkCEToCEPacket(b *testing.B) {
	l := start(b, "classic")
	a2 := l.nodes["A2"]
	a2.Handler = sinkHandler{} // stop at A2: no reply
	tmpl := packet.NewFrame(packet.EchoRequest(netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1"), 64, 1, 1), packet.Meta{})
	f := packet.NewFrame(make([]byte, 64), packet.Meta{})
	a1 := l.ces["A1"]
	b.ReportAllocs()
	for b.Loop() {
		f.CopyFrom(tmpl)
		a1.Originate(f)
		l.Net.Run()
	}
}

// BenchmarkPEIngress is one PE ingress: an IP packet from A1 arrives at
// PE1, is looked up in VRF A and leaves with two labels.
func BenchmarkPEIngress(b *testing.B) {
	l := start(b, "classic")
	l.nodes["P1"].Handler = sinkHandler{}
	tmpl := packet.NewFrame(packet.EchoRequest(netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1"), 64, 1, 1), packet.Meta{})
	f := packet.NewFrame(make([]byte, 64), packet.Meta{})
	pe1 := l.pes["PE1"]
	in := pe1.Attach[0].IfIndex
	b.ReportAllocs()
	for b.Loop() {
		f.CopyFrom(tmpl)
		pe1.Receive(f, in)
		l.Net.Run()
	}
}

type sinkHandler struct{}

func (sinkHandler) Receive(*packet.Frame, int) {}

// BenchmarkConverge is the time from nothing to a converged network: the
// speakers started, every session up, every VPN route in every VRF.
func BenchmarkConverge(b *testing.B) {
	syn := func(pes, vrfs int) func() *topologies.Topology {
		return func() *topologies.Topology {
			o := gen.DefaultSyntheticOptions()
			o.P, o.PEs, o.RRs, o.VRFs, o.Sites = 10, pes, 2, vrfs, 3
			return syntheticTopo(b, o)
		}
	}
	for _, tc := range []struct {
		name string
		topo func() *topologies.Topology
	}{
		{"classic", func() *topologies.Topology { t, _, _ := topologies.Open("classic"); return t }},
		{"20PE-2RR-20VRF", syn(20, 20)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			t := tc.topo()
			var peak uint64
			for b.Loop() {
				l, err := New(t, Options{})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				if err := l.Start(ctx); err != nil {
					b.Fatal(err)
				}
				cancel()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				l.Close()
			}
			b.ReportMetric(float64(peak)/(1<<20), "MB-heap")
		})
	}
}
