package packet

import (
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/vpnsim/vpnsim/mpls"
)

var (
	a1 = netip.MustParseAddr("10.1.1.1")
	a2 = netip.MustParseAddr("10.1.2.1")
)

func TestPushSwapPop(t *testing.T) {
	f := NewFrame(EchoRequest(a1, a2, 63, 1, 1), Meta{})
	ipLen := len(f.Data())
	f.Push(100000, 63)
	f.Push(18, 63)
	if f.Labels != 2 || len(f.Data()) != ipLen+8 {
		t.Fatalf("after two pushes: %d labels, %d bytes; want 2, %d", f.Labels, len(f.Data()), ipLen+8)
	}
	st := f.Stack()
	want := []mpls.StackEntry{{Label: 18, TTL: 63}, {Label: 100000, Bottom: true, TTL: 63}}
	if len(st) != 2 || st[0] != want[0] || st[1] != want[1] {
		t.Fatalf("stack %+v, want %+v", st, want)
	}
	f.Top().SetLabel(17)
	f.Top().SetTTL(62)
	if got := f.Stack()[0]; got != (mpls.StackEntry{Label: 17, TTL: 62}) {
		t.Fatalf("after swap: %+v", got)
	}
	f.Pop()
	if f.Labels != 1 || !f.Top().BottomOfStack() || f.Top().Label() != 100000 {
		t.Fatalf("after pop: %d labels, top %d", f.Labels, f.Top().Label())
	}
	f.Pop()
	if f.Labels != 0 || f.IP().Dst() != a2 || len(f.Data()) != ipLen {
		t.Fatalf("after second pop: %d labels, dst %s", f.Labels, f.IP().Dst())
	}
}

func TestPushBeyondHeadroomGrows(t *testing.T) {
	f := NewFrame(EchoRequest(a1, a2, 64, 1, 1), Meta{})
	for i := range 20 {
		f.Push(mpls.Label(16+i), 64)
	}
	st := f.Stack()
	if len(st) != 20 || st[0].Label != 35 || st[19].Label != 16 || !st[19].Bottom {
		t.Fatalf("stack of 20: %+v", st)
	}
	if f.IP().Dst() != a2 {
		t.Fatal("IP header damaged by growth")
	}
}

func TestSetTTLKeepsChecksum(t *testing.T) {
	ip := EchoRequest(a1, a2, 64, 7, 9)
	for ttl := 64; ttl > 0; ttl-- {
		ip.SetTTL(uint8(ttl - 1))
		if Checksum(ip[:ip.HeaderLen()]) != 0 {
			t.Fatalf("checksum wrong after TTL %d", ttl-1)
		}
	}
}

func TestWireFrameDecodesWithGopacket(t *testing.T) {
	f := NewFrame(EchoRequest(a1, a2, 63, 1, 1), Meta{})
	f.Push(100000, 63)
	f.Push(18, 63)
	f.PutEthernet(NodeMAC(1, 0), NodeMAC(2, 1))
	pkt := gopacket.NewPacket(f.Data(), layers.LayerTypeEthernet, gopacket.Default)
	if el := pkt.ErrorLayer(); el != nil {
		t.Fatalf("decode error: %v", el.Error())
	}
	var labels []uint32
	for _, l := range pkt.Layers() {
		if m, ok := l.(*layers.MPLS); ok {
			labels = append(labels, m.Label)
		}
	}
	if len(labels) != 2 || labels[0] != 18 || labels[1] != 100000 {
		t.Fatalf("labels %v", labels)
	}
	ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	icmp, _ := pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	if ip == nil || icmp == nil || ip.TTL != 63 || icmp.TypeCode.Type() != ICMPEchoRequest {
		t.Fatalf("ip %v icmp %v", ip, icmp)
	}
	// And back: strip the Ethernet header as a receiver does.
	r := FromWire(f.Data())
	if !r.StripEthernet() || r.Labels != 2 || r.IP().Src() != a1 {
		t.Fatalf("StripEthernet: %d labels", r.Labels)
	}
}

func TestTimeExceededCarriesRFC4950Stack(t *testing.T) {
	orig := EchoRequest(a1, a2, 1, 3, 4)
	stack := []mpls.StackEntry{{Label: 18, TTL: 1}, {Label: 100000, Bottom: true, TTL: 1}}
	msg := Error(orig, netip.MustParseAddr("100.64.0.1"), ICMPTimeExceeded, 0, stack)
	pkt := gopacket.NewPacket(msg, layers.LayerTypeIPv4, gopacket.Default)
	icmp, _ := pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	if icmp == nil || icmp.TypeCode.Type() != ICMPTimeExceeded {
		t.Fatalf("not a time exceeded: %v", pkt)
	}
	// gopacket does not decode ICMP extensions: read the object from the
	// payload it hands over, independently of our own decoder.
	p := icmp.Payload
	if len(p) != 128+4+4+8 {
		t.Fatalf("payload %d bytes, want original datagram padded to 128 and one object", len(p))
	}
	if icmp.Id != 32 {
		t.Fatalf("RFC 4884 length %d words, want 32", icmp.Id)
	}
	ext := p[128:]
	if ext[0]>>4 != 2 || Checksum(ext) != 0 {
		t.Fatalf("extension header %x, checksum bad", ext[:4])
	}
	obj := ext[4:]
	if obj[2] != 1 || obj[3] != 1 {
		t.Fatalf("object class %d c-type %d, want 1 1", obj[2], obj[3])
	}
	var got []mpls.Label
	for b := obj[4:]; len(b) >= 4; b = b[4:] {
		got = append(got, mpls.Shim(b).Label())
	}
	if len(got) != 2 || got[0] != 18 || got[1] != 100000 {
		t.Fatalf("labels %v", got)
	}
	if s := ICMP(IPv4(msg).Payload()).MPLSExtension(); len(s) != 2 || s[0] != stack[0] || s[1] != stack[1] {
		t.Fatalf("MPLSExtension %+v", s)
	}
	if q := ICMP(IPv4(msg).Payload()).Quoted(); q.Dst() != a2 {
		t.Fatal("quoted datagram lost")
	}
}

func TestFlowHashIsFNV1a(t *testing.T) {
	ip := EchoRequest(a1, a2, 64, 1, 1)
	// FNV-1a over 10.1.1.1, 10.1.2.1, protocol 1, computed by hand.
	h := uint32(2166136261)
	for _, b := range []byte{10, 1, 1, 1, 10, 1, 2, 1, 1} {
		h = (h ^ uint32(b)) * 16777619
	}
	if ip.FlowHash() != h {
		t.Fatalf("FlowHash %d, want %d", ip.FlowHash(), h)
	}
}

func BenchmarkPushSwapPop(b *testing.B) {
	f := NewFrame(EchoRequest(a1, a2, 64, 1, 1), Meta{})
	b.ReportAllocs()
	for b.Loop() {
		f.Push(100000, 63)
		f.Push(18, 63)
		f.Top().SetLabel(17)
		f.Pop()
		f.Pop()
	}
}
