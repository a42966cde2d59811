package lab

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// fateCounter counts what became of the frames nodes received.
type fateCounter struct {
	received, sent, dropped, delivered int
}

func (c *fateCounter) Transmitted(time.Duration, *sim.Iface, []byte)     { c.sent++ }
func (c *fateCounter) Received(time.Duration, *sim.Iface, *packet.Frame) { c.received++ }
func (c *fateCounter) Decided(time.Duration, *sim.Node, string)          {}
func (c *fateCounter) Dropped(time.Duration, *sim.Node, sim.DropReason, *packet.Frame) {
	c.dropped++
}
func (c *fateCounter) Delivered(time.Duration, *sim.Node, *packet.Frame) { c.delivered++ }

var (
	fuzzOnce sync.Once
	fuzzLab  *Lab
	fuzzErr  error
)

// FuzzForwarding sends a random frame into any interface of any router of
// a converged network (classic with explicit null, so label 0 is in play
// too). It must never panic, never loop forever, and every frame a node
// receives must end forwarded, delivered or dropped with a reason.
func FuzzForwarding(f *testing.F) {
	fuzzOnce.Do(func() {
		t, _, err := topologies.Open("explicit-null")
		if err != nil {
			fuzzErr = err
			return
		}
		if fuzzLab, fuzzErr = New(t, Options{}); fuzzErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		fuzzErr = fuzzLab.Start(ctx)
	})
	if fuzzErr != nil {
		f.Fatal(fuzzErr)
	}
	l := fuzzLab
	// Seeds: real frames of a ping and a traceroute, as they crossed links.
	rec := &wireRecorder{}
	stop := l.Watch(rec, false)
	l.Traceroute("A1", mustAddr("10.1.2.1"), network.ProbeOptions{})
	l.Ping("B1", mustAddr("10.1.2.1"), network.ProbeOptions{})
	stop()
	for i, w := range rec.frames {
		f.Add(byte(i), byte(i/3), w)
	}
	f.Add(byte(1), byte(0), []byte{})
	f.Add(byte(2), byte(1), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0x47, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, node, iface byte, wire []byte) {
		n := l.Net.Nodes[int(node)%len(l.Net.Nodes)]
		in := n.Ifaces[int(iface)%len(n.Ifaces)]
		c := &fateCounter{}
		stop := l.Watch(c, false)
		defer stop()
		fr := packet.FromWire(wire)
		// Deliver it as the wire would: strip Ethernet, or drop it.
		if !fr.StripEthernet() {
			n.Drop(fr, sim.DropMalformed)
		} else {
			c.received++
			n.Handler.Receive(fr, in.Index)
		}
		if err := l.Net.Run(); err != nil {
			t.Fatalf("the frame never ended: %v", err)
		}
		if c.received > 0 && c.sent+c.dropped+c.delivered < c.received {
			t.Fatalf("%d frames received, only %d sent on, %d dropped, %d delivered: a frame vanished without a reason",
				c.received, c.sent, c.dropped, c.delivered)
		}
	})
}

type wireRecorder struct{ frames [][]byte }

func (w *wireRecorder) Transmitted(_ time.Duration, _ *sim.Iface, b []byte) {
	w.frames = append(w.frames, append([]byte(nil), b...))
}
func (w *wireRecorder) Received(time.Duration, *sim.Iface, *packet.Frame)               {}
func (w *wireRecorder) Decided(time.Duration, *sim.Node, string)                        {}
func (w *wireRecorder) Dropped(time.Duration, *sim.Node, sim.DropReason, *packet.Frame) {}
func (w *wireRecorder) Delivered(time.Duration, *sim.Node, *packet.Frame)               {}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
