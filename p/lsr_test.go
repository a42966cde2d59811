package p

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// wire is a provider-only network of a topology: every provider router an
// LSR (PEs without VRFs), every CE a sink; it records every transmission.
type wire struct {
	t     *topologies.Topology
	net   *sim.Network
	lsr   map[string]*LSR
	sent  []string // "FROM:IF -> TO:IF headers"
	notes []string
}

type sink struct{}

func (sink) Receive(*packet.Frame, int) {}

func newWire(tb testing.TB, name string, mutate func(*topologies.Topology)) *wire {
	tb.Helper()
	t, _, err := topologies.Builtin(name)
	if err != nil {
		tb.Fatal(err)
	}
	defaultLabels(t) // the default allocation, as the tests' labels say
	if mutate != nil {
		mutate(t)
	}
	core := Build(t, State{})
	w := &wire{t: t, net: sim.New(), lsr: map[string]*LSR{}}
	nodes := map[string]*sim.Node{}
	for _, n := range t.Nodes {
		sn := w.net.AddNode(n.Name)
		for _, ifc := range n.Interfaces {
			sn.AddIface(ifc.Name)
		}
		nodes[n.Name] = sn
		if n.IsProvider() {
			x := NewLSR(sn, n, t.Provider.TTLPropagation)
			x.Tables = core.Router(n.Name)
			sn.Handler = x
			w.lsr[n.Name] = x
		} else {
			sn.Handler = sink{}
		}
	}
	for _, l := range t.Links {
		w.net.Connect(nodes[l.A.Node.Name].Ifaces[index(l.A)], nodes[l.B.Node.Name].Ifaces[index(l.B)], l.Delay)
	}
	w.net.Observer = w
	w.net.Notes = true
	return w
}

func index(i *topologies.Interface) int {
	for k, x := range i.Node.Interfaces {
		if x == i {
			return k
		}
	}
	return -1
}

func (w *wire) Transmitted(_ time.Duration, from *sim.Iface, b []byte) {
	f := packet.FromWire(b)
	f.StripEthernet()
	s := ""
	for _, e := range f.Stack() {
		s += fmt.Sprintf("[%d ttl %d]", e.Label, e.TTL)
	}
	ip := f.IP()
	s += fmt.Sprintf("[%s>%s ttl %d]", ip.Src(), ip.Dst(), ip.TTL())
	w.sent = append(w.sent, from.String()+" -> "+from.Peer().String()+" "+s)
}
func (w *wire) Received(time.Duration, *sim.Iface, *packet.Frame) {}
func (w *wire) Decided(_ time.Duration, n *sim.Node, note string) {
	w.notes = append(w.notes, n.Name+": "+note)
}
func (w *wire) Dropped(_ time.Duration, n *sim.Node, r sim.DropReason, _ *packet.Frame) {
	w.notes = append(w.notes, n.Name+": dropped "+r.String())
}
func (w *wire) Delivered(_ time.Duration, n *sim.Node, _ *packet.Frame) {
	w.notes = append(w.notes, n.Name+": delivered")
}

var (
	src = netip.MustParseAddr("10.1.1.1")
	dst = netip.MustParseAddr("10.1.2.1")
)

func labelled(ttl uint8, labels ...mpls.Label) *packet.Frame {
	f := packet.NewFrame(packet.EchoRequest(src, dst, ttl, 1, 1), packet.Meta{Origin: "test"})
	for i := len(labels) - 1; i >= 0; i-- {
		f.Push(labels[i], ttl)
	}
	return f
}

func TestSwapThenPHP(t *testing.T) {
	w := newWire(t, "classic", nil)
	w.lsr["P1"].Receive(labelled(63, 18, 100000), 0)
	if err := w.net.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"P1:eth2 -> P2:eth1 [18 ttl 62][100000 ttl 63][10.1.1.1>10.1.2.1 ttl 63]",
		"P2:eth2 -> PE2:eth1 [100000 ttl 61][10.1.1.1>10.1.2.1 ttl 63]",
	}
	if strings.Join(w.sent, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(w.sent, "\n"), strings.Join(want, "\n"))
	}
	// PE2 here has no VPN entries: the drop must have a reason.
	if w.net.Nodes[3].Drops(sim.DropNoLabel) != 1 {
		t.Fatalf("PE2 drops: %v", w.notes)
	}
}

func TestExplicitNullSwapsToZero(t *testing.T) {
	w := newWire(t, "explicit-null", nil)
	w.lsr["P1"].Receive(labelled(63, 18, 100000), 0)
	w.net.Run()
	if len(w.sent) != 2 || !strings.HasPrefix(w.sent[1], "P2:eth2 -> PE2:eth1 [0 ttl 61][100000 ttl 63]") {
		t.Fatalf("sent %q", w.sent)
	}
}

func TestGlobalPingOverLSP(t *testing.T) {
	for _, name := range []string{"classic", "explicit-null"} {
		t.Run(name, func(t *testing.T) {
			w := newWire(t, name, nil)
			lo1, lo4 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.4")
			w.lsr["PE1"].Originate(packet.NewFrame(packet.EchoRequest(lo1, lo4, 64, 1, 1), packet.Meta{Origin: "PE1"}))
			w.net.Run()
			if len(w.sent) != 6 {
				t.Fatalf("sent %d frames:\n%s", len(w.sent), strings.Join(w.sent, "\n"))
			}
			if !strings.Contains(w.sent[0], "[18 ttl 64]") {
				t.Errorf("PE1 should push P1's label 18 for 10.0.0.4: %s", w.sent[0])
			}
			if w.notes[len(w.notes)-1] != "PE1: delivered" {
				t.Errorf("the reply did not reach PE1: %v", w.notes)
			}
		})
	}
}

func TestLabelTTLExpiryAnswersDownTheLSP(t *testing.T) {
	w := newWire(t, "classic", nil)
	w.lsr["P1"].Receive(labelled(1, 18, 100000), 0)
	w.net.Run()
	// The time exceeded goes on to P2 under the same labels (TTL 255 - 1).
	if len(w.sent) < 1 || !strings.HasPrefix(w.sent[0], "P1:eth2 -> P2:eth1 [18 ttl 254][100000 ttl 255][100.64.0.1>10.1.1.1") {
		t.Fatalf("sent %q", w.sent)
	}
	if w.net.Nodes[1].Drops(sim.DropTTLExpired) != 1 {
		t.Fatal("the expired packet was not counted")
	}
}

func TestPipeKeepsIPTTL(t *testing.T) {
	w := newWire(t, "pipe", nil)
	lo1, lo4 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.4")
	w.lsr["PE1"].Originate(packet.NewFrame(packet.EchoRequest(lo1, lo4, 64, 1, 1), packet.Meta{Origin: "PE1"}))
	w.net.Run()
	if !strings.HasPrefix(w.sent[0], "PE1:eth1 -> P1:eth1 [18 ttl 255][10.0.0.1>10.0.0.4 ttl 64]") {
		t.Fatalf("ingress: %s", w.sent[0])
	}
	if !strings.HasPrefix(w.sent[1], "P1:eth2 -> P2:eth1 [18 ttl 254][10.0.0.1>10.0.0.4 ttl 64]") {
		t.Fatalf("core: %s", w.sent[1])
	}
	// P2 pops (PHP): the label TTL never reaches the IP header, and the
	// IP TTL is the egress's to decrement, when it forwards (RFC 3443
	// section 3.3, short pipe): it leaves P2 as it entered the LSP.
	if !strings.HasPrefix(w.sent[2], "P2:eth2 -> PE2:eth1 [10.0.0.1>10.0.0.4 ttl 64]") {
		t.Fatalf("penultimate hop: %s", w.sent[2])
	}
}

// Pipe mode with PHP never puts an IPv4 packet with TTL 0 on the wire: a
// ping with TTL 1 to the egress itself arrives with TTL 1 and is answered.
func TestPipePHPNeverSendsTTLZero(t *testing.T) {
	w := newWire(t, "pipe", nil)
	lo1, lo4 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.4")
	w.lsr["PE1"].Originate(packet.NewFrame(packet.EchoRequest(lo1, lo4, 1, 1, 1), packet.Meta{Origin: "PE1"}))
	w.net.Run()
	for _, s := range w.sent {
		if strings.Contains(s, " ttl 0]") && !strings.Contains(s, "][") {
			t.Errorf("an IPv4 packet with TTL 0 on the wire: %s", s)
		}
	}
	if len(w.sent) < 3 || !strings.HasPrefix(w.sent[2], "P2:eth2 -> PE2:eth1 [10.0.0.1>10.0.0.4 ttl 1]") {
		t.Fatalf("penultimate hop: %q", w.sent)
	}
}

func TestECMPIsDeterministic(t *testing.T) {
	w := newWire(t, "ring", nil)
	var first []string
	for range 3 {
		w.sent = nil
		for i := range 16 {
			s := netip.AddrFrom4([4]byte{10, 1, 1, byte(i)})
			f := packet.NewFrame(packet.EchoRequest(s, netip.MustParseAddr("10.0.0.4"), 64, 1, 1), packet.Meta{})
			w.lsr["PE1"].Originate(f)
			w.net.Run()
		}
		if first == nil {
			first = w.sent
			continue
		}
		if strings.Join(first, "\n") != strings.Join(w.sent, "\n") {
			t.Fatal("the same flows took different paths")
		}
	}
}

// BenchmarkLabelSwitchHop is one label-switching hop: P1 receives a frame,
// looks its top label up, swaps it and puts the frame on the wire to P2.
func BenchmarkLabelSwitchHop(b *testing.B) {
	w := newWire(b, "classic", nil)
	w.net.Observer = nil
	p1 := w.lsr["P1"]
	p2 := w.net.Nodes[2]
	p2.Handler = sink{}
	tmpl := labelled(63, 18, 100000)
	f := labelled(63, 18, 100000)
	b.ReportAllocs()
	for b.Loop() {
		f.CopyFrom(tmpl)
		p1.Receive(f, 0)
		w.net.Run()
	}
}

// TestLoopDiesByTTL: a forwarding loop (here made by hand in two LFIBs)
// ends when the TTL runs out, with the drop counted; so does the time
// exceeded sent down the same looping LSP.
func TestLoopDiesByTTL(t *testing.T) {
	w := newWire(t, "classic", nil)
	p1, p2 := w.lsr["P1"], w.lsr["P2"]
	toP2 := p1.Tables.LFIB().Lookup(18).NextHops[0].NextHop
	toP1 := mpls.NextHop{Neighbor: "P1", Interface: "eth1", IfIndex: 0, Addr: netip.MustParseAddr("100.64.0.2")}
	p1.Tables.LFIB().Insert(&mpls.Entry{In: 18, Op: mpls.OpSwap, NextHops: []mpls.NHLFE{{Out: []mpls.Label{40}, NextHop: toP2}}, Owner: "test"})
	p2.Tables.LFIB().Insert(&mpls.Entry{In: 40, Op: mpls.OpSwap, NextHops: []mpls.NHLFE{{Out: []mpls.Label{18}, NextHop: toP1}}, Owner: "test"})
	p1.Receive(labelled(64, 18, 100000), 0)
	if err := w.net.Run(); err != nil {
		t.Fatal(err)
	}
	drops := w.net.Nodes[1].Drops(sim.DropTTLExpired) + w.net.Nodes[2].Drops(sim.DropTTLExpired)
	if drops != 2 {
		t.Fatalf("%d TTL drops, want 2 (the packet and its time exceeded)", drops)
	}
	if len(w.sent) < 60 {
		t.Fatalf("only %d frames: the loop did not run its TTL down", len(w.sent))
	}
}

// A single-label (global) packet whose label TTL runs out is answered
// straight back by the global table, as IOS does, not carried on to the
// end of the LSP first: the router has a route to the source.
func TestSingleLabelTimeExceededGoesStraightBack(t *testing.T) {
	w := newWire(t, "classic", nil)
	lo1, lo4 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.4")
	w.lsr["PE1"].Originate(packet.NewFrame(packet.EchoRequest(lo1, lo4, 2, 1, 1), packet.Meta{Origin: "PE1"}))
	w.net.Run()
	if len(w.sent) < 3 || !strings.HasPrefix(w.sent[2], "P2:eth1 -> P1:eth2 [16 ttl 255][100.64.0.3>10.0.0.1 ttl 255]") {
		t.Fatalf("P2's time exceeded should head back to P1 at once; sent %q", w.sent)
	}
	for _, s := range w.sent {
		if strings.HasPrefix(s, "P2:eth2 -> PE2") {
			t.Errorf("the time exceeded went on toward PE2: %s", s)
		}
	}
}
