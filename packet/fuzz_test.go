package packet

import (
	"net/netip"
	"testing"

	"github.com/vpnsim/vpnsim/mpls"
)

// FuzzDecodeFrame feeds arbitrary bytes to the frame decoder a receiving
// node uses, and to every accessor of what it accepts: no input may panic,
// and an accepted frame's IP header is whole.
func FuzzDecodeFrame(f *testing.F) {
	a, b := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1")
	fr := NewFrame(EchoRequest(a, b, 5, 1, 2), Meta{})
	fr.Push(100000, 5)
	fr.Push(18, 5)
	fr.PutEthernet(NodeMAC(1, 0), NodeMAC(2, 0))
	f.Add(append([]byte(nil), fr.Data()...))
	te := NewFrame(Error(EchoRequest(a, b, 1, 1, 1), a, ICMPTimeExceeded, 0,
		[]mpls.StackEntry{{Label: 18, TTL: 1}, {Label: 100000, Bottom: true, TTL: 1}}), Meta{})
	te.PutEthernet(NodeMAC(1, 0), NodeMAC(2, 0))
	f.Add(append([]byte(nil), te.Data()...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, wire []byte) {
		fr := FromWire(wire)
		if !fr.StripEthernet() {
			return
		}
		if fr.L2 {
			_ = fr.Choose(3)
			if in := fr.Decapsulate(); len(in.Data()) < EthLen {
				t.Fatal("accepted an Ethernet payload shorter than its header")
			}
			return
		}
		ip := fr.IP()
		if !ip.Valid() || ip.TotalLen() > len(ip) {
			t.Fatal("accepted a frame with a broken IP header")
		}
		_ = fr.Stack()
		_, _, _, _ = ip.Src(), ip.Dst(), ip.TTL(), ip.FlowHash()
		_ = ip.IsICMPError()
		if ip.Protocol() == ProtoICMP && len(ip.Payload()) >= 8 {
			m := ICMP(ip.Payload())
			_ = m.MPLSExtension()
			if q := m.Quoted(); q != nil {
				_ = q.Dst()
			}
			if m.Type() == ICMPEchoRequest {
				_ = EchoReply(ip, ip.Dst())
			}
		}
		if ttl := ip.TTL(); ttl > 0 {
			ip.SetTTL(ttl - 1)
		}
		if fr.Labels > 0 {
			fr.Top().SetLabel(16)
			fr.Pop()
		}
	})
}
