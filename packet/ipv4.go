package packet

import (
	"encoding/binary"
	"net/netip"
)

// IP protocol numbers used here.
const (
	ProtoICMP = 1
)

// IPv4 is a typed view of an IPv4 packet (header and payload).
type IPv4 []byte

// Valid reports whether the bytes hold at least a whole IPv4 header whose
// lengths are consistent with the slice.
func (p IPv4) Valid() bool {
	if len(p) < 20 || p[0]>>4 != 4 {
		return false
	}
	hl := int(p[0]&0xf) * 4
	tl := int(binary.BigEndian.Uint16(p[2:4]))
	return hl >= 20 && tl >= hl && tl <= len(p)
}

// HeaderLen is the header length in bytes.
func (p IPv4) HeaderLen() int { return int(p[0]&0xf) * 4 }

// TotalLen is the total length field.
func (p IPv4) TotalLen() int { return int(binary.BigEndian.Uint16(p[2:4])) }

// TTL returns the time to live.
func (p IPv4) TTL() uint8 { return p[8] }

// SetTTL rewrites the TTL and updates the checksum incrementally (RFC 1624).
func (p IPv4) SetTTL(ttl uint8) {
	old := binary.BigEndian.Uint16(p[8:10])
	p[8] = ttl
	nw := binary.BigEndian.Uint16(p[8:10])
	sum := uint32(^binary.BigEndian.Uint16(p[10:12])) + uint32(^old) + uint32(nw)
	sum = sum&0xffff + sum>>16
	sum = sum&0xffff + sum>>16
	binary.BigEndian.PutUint16(p[10:12], ^uint16(sum))
}

// Protocol is the IP protocol number.
func (p IPv4) Protocol() uint8 { return p[9] }

// Src is the source address.
func (p IPv4) Src() netip.Addr { return netip.AddrFrom4([4]byte(p[12:16])) }

// Dst is the destination address.
func (p IPv4) Dst() netip.Addr { return netip.AddrFrom4([4]byte(p[16:20])) }

// Payload is what follows the header, up to the total length.
func (p IPv4) Payload() []byte { return p[p.HeaderLen():p.TotalLen()] }

// Checksum computes the Internet checksum of b.
func Checksum(b []byte) uint16 {
	var sum uint32
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// FlowHash is the FNV-1a hash of the packet's source, destination and
// protocol that picks among equal-cost next hops (topology contract,
// "Paths").
func (p IPv4) FlowHash() uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for _, b := range p[12:20] {
		h = (h ^ uint32(b)) * prime
	}
	h = (h ^ uint32(p[9])) * prime
	return h
}

// Choose is which of n equal-cost paths the packet takes (0 <= Choose < n):
// its flow hash modulo n, so that every packet of a flow takes the same path
// (topology contract, "Paths"). Every node's ECMP choice is this one.
func (p IPv4) Choose(n int) int {
	if n <= 1 {
		return 0
	}
	return int(p.FlowHash() % uint32(n))
}
