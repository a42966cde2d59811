package host

import (
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// delivered records what a node's IP stack handed to its observers.
type delivered struct{ n int }

func (*delivered) Transmitted(time.Duration, *sim.Iface, []byte)                   {}
func (*delivered) Dropped(time.Duration, *sim.Node, sim.DropReason, *packet.Frame) {}
func (*delivered) Decided(time.Duration, *sim.Node, string)                        {}
func (*delivered) Received(time.Duration, *sim.Iface, *packet.Frame)               {}
func (d *delivered) Delivered(time.Duration, *sim.Node, *packet.Frame)             { d.n++ }

func TestAnswer(t *testing.T) {
	src, dst := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1")
	req := packet.EchoRequest(src, dst, 64, 7, 3)
	tests := []struct {
		name  string
		ip    packet.IPv4
		reply bool
	}{
		{"echo request: echo reply from the address pinged", req, true},
		{"echo reply: delivered, no answer", packet.EchoReply(req, dst), false},
		{"time exceeded: delivered, no answer", packet.Error(req, dst, packet.ICMPTimeExceeded, 0, nil), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := sim.New()
			d := &delivered{}
			w.Observer = d
			n := w.AddNode("A2")
			got := Answer(n, packet.NewFrame(tc.ip, packet.Meta{Origin: "A1", Probe: 5}))
			if d.n != 1 {
				t.Errorf("delivered %d times, want 1", d.n)
			}
			if !tc.reply {
				if got != nil {
					t.Fatalf("answered %v", got.IP())
				}
				return
			}
			if got == nil {
				t.Fatal("no echo reply")
			}
			ip := got.IP()
			m := packet.ICMP(ip.Payload())
			if ip.Src() != dst || ip.Dst() != src || m.Type() != packet.ICMPEchoReply || m.ID() != 7 || m.Seq() != 3 {
				t.Errorf("reply %s > %s type %d id %d seq %d, want %s > %s echo reply id 7 seq 3", ip.Src(), ip.Dst(), m.Type(), m.ID(), m.Seq(), dst, src)
			}
			if got.Origin != "A2" || got.Probe != 5 {
				t.Errorf("reply meta %+v, want origin A2, probe 5", got.Meta)
			}
		})
	}
}

func TestError(t *testing.T) {
	src, dst, router := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1"), netip.MustParseAddr("100.64.0.2")
	req := packet.EchoRequest(src, dst, 1, 7, 3)
	stack := []mpls.StackEntry{{Label: 100000, Bottom: true, TTL: 1}}
	n := sim.New().AddNode("P1")

	e := Error(n, packet.NewFrame(req, packet.Meta{Origin: "A1", Probe: 9}), router, packet.ICMPTimeExceeded, 0, stack)
	if e == nil {
		t.Fatal("no time exceeded about an echo request")
	}
	ip := e.IP()
	m := packet.ICMP(ip.Payload())
	if ip.Src() != router || ip.Dst() != src || ip.TTL() != packet.ErrorTTL || m.Type() != packet.ICMPTimeExceeded {
		t.Errorf("error %s > %s ttl %d type %d, want %s > %s ttl %d time exceeded", ip.Src(), ip.Dst(), ip.TTL(), m.Type(), router, src, packet.ErrorTTL)
	}
	if q := m.Quoted(); q == nil || q.Dst() != dst {
		t.Errorf("quoted %v, want the echo request to %s", q, dst)
	}
	if ext := m.MPLSExtension(); len(ext) != 1 || ext[0] != stack[0] {
		t.Errorf("MPLS extension %v, want %v", ext, stack)
	}
	if e.Origin != "P1" || e.Probe != 9 {
		t.Errorf("error meta %+v, want origin P1, probe 9", e.Meta)
	}

	// No error about an error (RFC 1122 section 3.2.2).
	if e2 := Error(n, e, router, packet.ICMPUnreachable, packet.UnreachHost, nil); e2 != nil {
		t.Errorf("an error about an ICMP error: %v", e2.IP())
	}
}
