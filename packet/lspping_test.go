package packet

import (
	"net/netip"
	"testing"
)

// An MPLS echo request carries what RFC 8029 says: UDP to 3503 from a high
// port, to 127.0.0.1 with TTL 1 and Router Alert, version 1, the sender's
// handle and the LDP IPv4 FEC; the reply turns it around with its return
// code.
func TestMPLSEcho(t *testing.T) {
	src := netip.MustParseAddr("10.0.0.1")
	fec := netip.MustParsePrefix("10.0.0.4/32")
	req := MPLSEchoRequest(src, fec, 7, 3)
	if !req.Valid() || req.HeaderLen() != 24 || req[20] != 148 || req.TTL() != 1 || req.Dst() != netip.MustParseAddr("127.0.0.1") ||
		Checksum(req[:24]) != 0 {
		t.Fatalf("request IP header: %x", req[:24])
	}
	m := MPLSEchoOf(req)
	if m == nil || m.MessageType() != EchoRequestType || m.Handle() != 7 || m.Seq() != 3 || m.FEC() != fec || m.ReturnCode() != RCNone {
		t.Fatalf("request: %x", []byte(m))
	}
	rep := MPLSEchoReply(req, netip.MustParseAddr("100.64.0.5"), RCEgress, 1)
	r := MPLSEchoOf(rep)
	if r == nil || r.MessageType() != EchoReplyType || r.ReturnCode() != RCEgress || r.ReturnSubcode() != 1 || r.Handle() != 7 ||
		rep.Dst() != src || rep.Payload()[2] != req.Payload()[0] || rep.Payload()[3] != req.Payload()[1] {
		t.Fatalf("reply: %x", []byte(rep))
	}
	if MPLSEchoOf(EchoRequest(src, fec.Addr(), 64, 1, 1)) != nil {
		t.Error("an ICMP echo read as an MPLS echo")
	}
}

// FuzzMPLSEcho: the echo reader takes any bytes without a panic.
func FuzzMPLSEcho(f *testing.F) {
	f.Add([]byte(MPLSEchoRequest(netip.MustParseAddr("10.0.0.1"), netip.MustParsePrefix("10.0.0.4/32"), 1, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m := MPLSEchoOf(IPv4(b)); m != nil {
			m.FEC()
			m.Handle()
		}
	})
}
