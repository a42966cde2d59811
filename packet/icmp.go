package packet

import (
	"encoding/binary"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/vpnsim/vpnsim/mpls"
)

// ICMP types used here.
const (
	ICMPEchoReply    = 0
	ICMPUnreachable  = 3
	ICMPEchoRequest  = 8
	ICMPTimeExceeded = 11
)

// Destination unreachable codes (RFC 792; RFC 1812 section 5.2.7.1).
const (
	UnreachNet  = 0 // network unreachable ("!N")
	UnreachHost = 1 // host unreachable ("!H"): what IOS sends when it has no route
	UnreachFrag = 4 // fragmentation needed and DF set ("!F"; RFC 1191)
)

// DefaultTTL is the TTL of every IP packet a node originates, ICMP errors
// aside.
const DefaultTTL = 64

// ErrorTTL is the TTL of the ICMP errors a router originates (time
// exceeded, unreachable): 255, as IOS sends them, so that in uniform mode
// a time exceeded tunnelled under labels of TTL 255 does not see its IP
// TTL rise when the labels are popped.
const ErrorTTL = 255

// origLen is the length the original datagram is padded to in an ICMP error
// that carries extensions (RFC 4884).
const origLen = 128

// ICMP is a typed view of an ICMP message.
type ICMP []byte

// Type is the ICMP type.
func (m ICMP) Type() uint8 { return m[0] }

// Code is the ICMP code.
func (m ICMP) Code() uint8 { return m[1] }

// ID is the echo identifier (echo request and reply).
func (m ICMP) ID() uint16 { return binary.BigEndian.Uint16(m[4:6]) }

// Seq is the echo sequence number (echo request and reply).
func (m ICMP) Seq() uint16 { return binary.BigEndian.Uint16(m[6:8]) }

// Quoted returns the original datagram an ICMP error carries.
func (m ICMP) Quoted() IPv4 {
	if len(m) < 8+20 {
		return nil
	}
	q := IPv4(m[8:])
	if q[0]>>4 != 4 || q.HeaderLen() < 20 || len(q) < q.HeaderLen() {
		return nil
	}
	return q
}

// MPLSExtension returns the label stack an ICMP error reports in its RFC 4950
// MPLS label stack object, or nil when it has none.
func (m ICMP) MPLSExtension() []mpls.StackEntry {
	if len(m) < 8 || (m.Type() != ICMPTimeExceeded && m.Type() != ICMPUnreachable) {
		return nil
	}
	l := int(m[5]) * 4 // RFC 4884 length of the original datagram
	if l == 0 || len(m) < 8+l+4 {
		return nil
	}
	ext := m[8+l:]
	if ext[0]>>4 != 2 {
		return nil
	}
	ext = ext[4:]
	for len(ext) >= 4 {
		olen := int(binary.BigEndian.Uint16(ext[0:2]))
		if olen < 4 || olen > len(ext) {
			return nil
		}
		if ext[2] == 1 && ext[3] == 1 { // class MPLS label stack, c-type incoming stack
			var s []mpls.StackEntry
			for b := ext[4:olen]; len(b) >= 4; b = b[4:] {
				sh := mpls.Shim(b[:4])
				s = append(s, mpls.StackEntry{Label: sh.Label(), TC: sh.TC(), Bottom: sh.BottomOfStack(), TTL: sh.TTL()})
			}
			return s
		}
		ext = ext[olen:]
	}
	return nil
}

// build serializes IPv4 + ICMP + payload with gopacket.
func build(src, dst netip.Addr, ttl uint8, typ, code uint8, id, seq uint16, payload []byte) []byte {
	ip := &layers.IPv4{
		Version: 4, IHL: 5, TTL: ttl, Protocol: layers.IPProtocolICMPv4,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice(),
	}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: id, Seq: seq}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ip, icmp, gopacket.Payload(payload)); err != nil {
		panic("packet: serializing a fixed-shape ICMP packet failed: " + err.Error())
	}
	return buf.Bytes()
}

// EchoPayloadLen is the data length of the simulator's echo requests.
const EchoPayloadLen = 32

// EchoRequest builds an ICMP echo request.
func EchoRequest(src, dst netip.Addr, ttl uint8, id, seq uint16) IPv4 {
	return SizedEchoRequest(src, dst, ttl, id, seq, EchoLen, false)
}

// EchoLen is the total length of the simulator's default echo request.
const EchoLen = 20 + 8 + EchoPayloadLen

// SizedEchoRequest builds an echo request of size bytes in all (IP header
// included, as IOS's ping size counts; at least 28), with DF set when
// asked. Its IP identification is its ICMP identifier, so that its
// fragments are told apart from another probe's.
func SizedEchoRequest(src, dst netip.Addr, ttl uint8, id, seq uint16, size int, df bool) IPv4 {
	data := make([]byte, max(size, 28)-28)
	for i := range data {
		data[i] = byte('a' + i%23)
	}
	p := IPv4(build(src, dst, ttl, ICMPEchoRequest, 0, id, seq, data))
	p.SetID(id)
	if df {
		p.SetDF()
	}
	return p
}

// FragNeeded is the destination unreachable, fragmentation needed and DF
// set, that a router sends about orig from src when orig does not fit a
// next link whose MTU leaves mtu bytes for the IP packet (RFC 1191 section
// 4: the next-hop MTU in the second half of the unused field); stack is
// the RFC 4950 label stack when orig carried labels.
func FragNeeded(orig IPv4, src netip.Addr, mtu int, stack []mpls.StackEntry) IPv4 {
	e := Error(orig, src, ICMPUnreachable, UnreachFrag, stack)
	m := ICMP(e.Payload())
	binary.BigEndian.PutUint16(m[6:8], uint16(mtu))
	binary.BigEndian.PutUint16(m[2:4], 0)
	binary.BigEndian.PutUint16(m[2:4], Checksum(m))
	return e
}

// NextHopMTU is a fragmentation needed message's next-hop MTU.
func (m ICMP) NextHopMTU() int { return int(binary.BigEndian.Uint16(m[6:8])) }

// EchoReply answers an echo request, from src (the address pinged).
func EchoReply(req IPv4, src netip.Addr) IPv4 {
	m := ICMP(req.Payload())
	return build(src, req.Src(), DefaultTTL, ICMPEchoReply, 0, m.ID(), m.Seq(), m[8:])
}

// Error builds an ICMP error (time exceeded or destination unreachable) about
// orig, from src. When stack is not empty the message carries it in an RFC
// 4950 MPLS label stack object, the original datagram padded to 128 bytes as
// RFC 4884 requires.
func Error(orig IPv4, src netip.Addr, typ, code uint8, stack []mpls.StackEntry) IPv4 {
	quote := orig[:min(len(orig), orig.TotalLen(), origLen)]
	if len(stack) == 0 {
		return build(src, orig.Src(), ErrorTTL, typ, code, 0, 0, quote)
	}
	payload := make([]byte, origLen+4+4+4*len(stack))
	copy(payload, quote)
	ext := payload[origLen:]
	ext[0] = 2 << 4 // extension version 2
	obj := ext[4:]
	binary.BigEndian.PutUint16(obj[0:2], uint16(4+4*len(stack)))
	obj[2], obj[3] = 1, 1
	for i, e := range stack {
		mpls.Shim(obj[4+4*i:]).Encode(e.Label, e.TC, e.Bottom, e.TTL)
	}
	binary.BigEndian.PutUint16(ext[2:4], Checksum(ext))
	// RFC 4884: the length of the original datagram in 32-bit words sits in
	// the second byte of the otherwise unused field (gopacket's Id).
	return build(src, orig.Src(), ErrorTTL, typ, code, origLen/4, 0, payload)
}

// IsICMPError reports whether the packet is an ICMP message other than an
// echo request or reply: no ICMP error is ever sent about one.
func (p IPv4) IsICMPError() bool {
	if p.Protocol() != ProtoICMP || len(p.Payload()) < 1 {
		return false
	}
	t := ICMP(p.Payload()).Type()
	return t != ICMPEchoRequest && t != ICMPEchoReply
}

// IsBroadcast reports whether a is the broadcast address of subnet p (a
// /31 or /32 has none, RFC 3021).
func IsBroadcast(p netip.Prefix, a netip.Addr) bool {
	if p.Bits() > 30 || !p.Contains(a) {
		return false
	}
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= host
	return a == netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
