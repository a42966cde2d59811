// Package packet holds what moves between simulated nodes: frames as bytes
// with headroom so an MPLS push is a four-byte prepend, typed views of the
// Ethernet, IPv4 and ICMP headers, and the builders hosts and routers use to
// make new packets (echo requests and replies, ICMP errors with the RFC 4950
// MPLS extension).
package packet

import (
	"encoding/binary"
	"net"

	"github.com/vpnsim/vpnsim/mpls"
)

// EthLen is the length of an Ethernet II header.
const EthLen = 14

// Ethertypes the simulator puts on the wire.
const (
	EtherTypeIPv4 uint16 = 0x0800
	EtherTypeMPLS uint16 = 0x8847
)

// Headroom is the space kept in front of a new packet for the Ethernet
// header and up to eight labels.
const Headroom = EthLen + 8*mpls.ShimLen

// Meta is what the simulator knows about a frame beyond its bytes: it never
// reaches the wire or a capture.
type Meta struct {
	// Origin is the node that built the innermost IP packet (overlapping
	// customer addresses make the source address alone ambiguous).
	Origin string
	// Probe identifies the ping or traceroute the packet belongs to, 0 for none.
	Probe uint32
}

// Frame is a packet inside the simulator. Between nodes Data() starts with
// the Ethernet header; inside a node it starts with the top label or the IPv4
// header, and Labels counts the labels on top.
type Frame struct {
	buf    []byte
	off    int
	Labels int // number of MPLS label stack entries at the front of Data()
	// L2: under the labels is a control word and an Ethernet frame (EVPN),
	// not an IPv4 packet; IP() means nothing then.
	L2 bool
	Meta
}

// NewFrame wraps an IPv4 packet, copying it behind Headroom bytes.
func NewFrame(ip []byte, m Meta) *Frame {
	buf := make([]byte, Headroom+len(ip))
	copy(buf[Headroom:], ip)
	return &Frame{buf: buf, off: Headroom, Meta: m}
}

// FromWire makes a frame from received Ethernet bytes (a copy is taken), with
// Headroom in front of it.
func FromWire(b []byte) *Frame {
	buf := make([]byte, Headroom+len(b))
	copy(buf[Headroom:], b)
	return &Frame{buf: buf, off: Headroom}
}

// Data is the frame's bytes from the current front.
func (f *Frame) Data() []byte { return f.buf[f.off:] }

// Top returns the top label stack entry; the frame must have a label.
func (f *Frame) Top() mpls.Shim { return mpls.Shim(f.buf[f.off : f.off+mpls.ShimLen]) }

// IP returns the IPv4 packet under the labels.
func (f *Frame) IP() IPv4 { return IPv4(f.buf[f.off+f.Labels*mpls.ShimLen:]) }

// Push prepends a label stack entry, growing the buffer only when the
// headroom is used up. The new entry is bottom of stack when the frame had
// no label.
func (f *Frame) Push(l mpls.Label, ttl uint8) {
	if f.off < mpls.ShimLen+EthLen {
		f.grow()
	}
	f.off -= mpls.ShimLen
	mpls.Shim(f.buf[f.off:]).Encode(l, 0, f.Labels == 0, ttl)
	f.Labels++
}

// Pop removes the top label stack entry.
func (f *Frame) Pop() {
	f.off += mpls.ShimLen
	f.Labels--
}

// Stack decodes the labels on top of the frame, outermost first.
func (f *Frame) Stack() []mpls.StackEntry {
	s, _, _ := mpls.DecodeStack(f.buf[f.off : f.off+f.Labels*mpls.ShimLen])
	return s
}

func (f *Frame) grow() {
	nb := make([]byte, len(f.buf)+Headroom)
	copy(nb[Headroom:], f.buf)
	f.buf = nb
	f.off += Headroom
}

// PutEthernet prepends an Ethernet header for the frame's current contents
// (MPLS when it has labels, else IPv4).
func (f *Frame) PutEthernet(dst, src MAC) {
	if f.off < EthLen {
		f.grow()
	}
	f.off -= EthLen
	e := f.buf[f.off:]
	copy(e[0:6], dst[:])
	copy(e[6:12], src[:])
	t := EtherTypeIPv4
	if f.Labels > 0 {
		t = EtherTypeMPLS
	}
	binary.BigEndian.PutUint16(e[12:14], t)
}

// StripEthernet removes the Ethernet header of a received frame and counts
// its labels. It reports false for a frame the simulator cannot carry (too
// short, another ethertype, a label stack without bottom, no IPv4 under it).
func (f *Frame) StripEthernet() bool {
	d := f.buf[f.off:]
	if len(d) < EthLen {
		return false
	}
	t := binary.BigEndian.Uint16(d[12:14])
	f.off += EthLen
	f.Labels = 0
	switch t {
	case EtherTypeIPv4:
	case EtherTypeMPLS:
		for {
			if len(f.buf)-f.off < (f.Labels+1)*mpls.ShimLen {
				return false
			}
			s := mpls.Shim(f.buf[f.off+f.Labels*mpls.ShimLen:])
			f.Labels++
			if s.BottomOfStack() {
				break
			}
		}
		// a first nibble of 0 after the labels is a control word: an
		// Ethernet frame follows (RFC 4385, RFC 7432 section 18)
		if p := f.buf[f.off+f.Labels*mpls.ShimLen:]; len(p) >= CWLen+EthLen && p[0]>>4 == 0 {
			f.L2 = true
			return true
		}
	default:
		return false
	}
	f.L2 = false
	return f.IP().Valid()
}

// Clone returns an independent copy of the frame.
func (f *Frame) Clone() *Frame {
	c := *f
	c.buf = append([]byte(nil), f.buf...)
	return &c
}

// MAC is an Ethernet address.
type MAC [6]byte

// NodeMAC is the locally administered MAC of a node's interface: 02:00 then
// the node's number (32 bits, big endian), its last byte the interface index
// added in.
func NodeMAC(node, ifIndex int) MAC {
	return MAC{0x02, byte(node >> 16), byte(node >> 8), byte(node), 0x00, byte(ifIndex + 1)}
}

// CopyFrom makes f a copy of src, reusing f's buffer when it is big enough
// (benchmarks and replays).
func (f *Frame) CopyFrom(src *Frame) {
	if cap(f.buf) < len(src.buf) {
		f.buf = make([]byte, len(src.buf))
	}
	f.buf = f.buf[:len(src.buf)]
	copy(f.buf, src.buf)
	f.off, f.Labels, f.Meta = src.off, src.Labels, src.Meta
}

// String prints the MAC as 02:00:00:01:00:02.
func (m MAC) String() string { return net.HardwareAddr(m[:]).String() }
