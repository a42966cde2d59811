package packet

import (
	"encoding/binary"
	"hash/fnv"
)

// Ethernet beyond IPv4: 802.1Q VLAN tags on attachment circuits, frames of
// any ethertype a customer sends, and Ethernet frames carried whole under
// MPLS labels (EVPN, RFC 7432) behind a pseudowire control word.

// EtherTypeVLAN is the 802.1Q tag protocol identifier.
const EtherTypeVLAN uint16 = 0x8100

// VLANLen is the length of an 802.1Q tag.
const VLANLen = 4

// CWLen is the length of the pseudowire control word (RFC 4385) an EVPN
// PE puts in front of the Ethernet frame it carries under labels (RFC
// 7432 section 18): a first nibble of 0 tells a router that looks past
// the labels that no IP packet follows, and Wireshark decodes the frame.
const CWLen = 4

// WireEtherType is the ethertype of a frame on the wire, past an 802.1Q
// tag, and the tag's VLAN ID (0 without one).
func WireEtherType(wire []byte) (etype uint16, vlan uint16) {
	if len(wire) < EthLen {
		return 0, 0
	}
	t := binary.BigEndian.Uint16(wire[12:14])
	if t == EtherTypeVLAN && len(wire) >= EthLen+VLANLen {
		return binary.BigEndian.Uint16(wire[16:18]), binary.BigEndian.Uint16(wire[14:16]) & 0x0fff
	}
	return t, 0
}

// WireSrc is the source MAC of a frame on the wire.
func WireSrc(wire []byte) MAC { return MAC(wire[6:12]) }

// InsertVLAN puts an 802.1Q tag with VLAN ID vlan into the frame, whose
// Ethernet header is at its front (priority 0).
func (f *Frame) InsertVLAN(vlan uint16) {
	if f.off < VLANLen {
		f.grow()
	}
	d := f.buf[f.off:]
	f.off -= VLANLen
	copy(f.buf[f.off:], d[:12])
	e := f.buf[f.off:]
	binary.BigEndian.PutUint16(e[12:14], EtherTypeVLAN)
	binary.BigEndian.PutUint16(e[14:16], vlan&0x0fff)
}

// PopVLAN removes the 802.1Q tag of the frame at its front (Ethernet
// header first) and returns its VLAN ID; 0 and false when there is none.
func (f *Frame) PopVLAN() (uint16, bool) {
	d := f.buf[f.off:]
	if len(d) < EthLen+VLANLen || binary.BigEndian.Uint16(d[12:14]) != EtherTypeVLAN {
		return 0, false
	}
	vlan := binary.BigEndian.Uint16(d[14:16]) & 0x0fff
	copy(d[VLANLen:VLANLen+12], d[:12])
	f.off += VLANLen
	return vlan, true
}

// SetVLAN rewrites the frame's 802.1Q tag to vlan: adds one when it has
// none, removes it for vlan 0 (VLAN translation at an EVPN disposition PE,
// RFC 7432 section 6.1).
func (f *Frame) SetVLAN(vlan uint16) {
	f.PopVLAN()
	if vlan != 0 {
		f.InsertVLAN(vlan)
	}
}

// NewRawFrame builds an Ethernet frame of any ethertype with payload, for
// the wire.
func NewRawFrame(dst, src MAC, etype uint16, payload []byte, m Meta) *Frame {
	buf := make([]byte, Headroom+EthLen+len(payload))
	f := &Frame{buf: buf, off: Headroom, Meta: m}
	e := buf[Headroom:]
	copy(e[0:6], dst[:])
	copy(e[6:12], src[:])
	binary.BigEndian.PutUint16(e[12:14], etype)
	copy(e[EthLen:], payload)
	return f
}

// Encapsulate makes an Ethernet frame (header at the front of f) the
// payload of an MPLS packet: a zero control word in front of it, no
// label yet, L2 set. The frame's bytes are copied.
func Encapsulate(f *Frame) *Frame {
	eth := f.Data()
	buf := make([]byte, Headroom+CWLen+len(eth))
	copy(buf[Headroom+CWLen:], eth)
	return &Frame{buf: buf, off: Headroom, L2: true, Meta: f.Meta}
}

// Decapsulate is the Ethernet frame an L2 frame carries once its last
// label is popped (its control word dropped), header at the front.
func (f *Frame) Decapsulate() *Frame {
	eth := f.buf[f.off+f.Labels*4+CWLen:]
	buf := make([]byte, Headroom+len(eth))
	copy(buf[Headroom:], eth)
	return &Frame{buf: buf, off: Headroom, Meta: f.Meta}
}

// Choose picks one of n equal-cost next hops for the frame: by its IPv4
// flow (IPv4.Choose), or for an Ethernet frame under labels by the label
// stack, as a router that finds a control word hashes on labels only.
func (f *Frame) Choose(n int) int {
	if !f.L2 {
		return f.IP().Choose(n)
	}
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write(f.buf[f.off : f.off+f.Labels*4])
	return int(h.Sum32() % uint32(n))
}
