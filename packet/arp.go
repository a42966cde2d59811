package packet

import (
	"encoding/binary"
	"net/netip"
)

// ARP for IPv4 over Ethernet (RFC 826): the request a node broadcasts to
// learn a neighbour's MAC, and the reply the neighbour sends back.

// EtherTypeARP is ARP's ethertype.
const EtherTypeARP uint16 = 0x0806

// ARP operations (RFC 826).
const (
	ARPRequest uint16 = 1
	ARPReply   uint16 = 2
)

// ARPLen is the length of an ARP packet for IPv4 over Ethernet.
const ARPLen = 28

// BroadcastMAC is Ethernet's broadcast address, where ARP requests go.
var BroadcastMAC = MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// ARP is a view of an ARP packet (after the Ethernet header).
type ARP []byte

// Valid reports whether a is an ARP packet for IPv4 over Ethernet:
// hardware type 1, protocol 0x0800, address lengths 6 and 4, and an
// operation of 1 or 2.
func (a ARP) Valid() bool {
	if len(a) < ARPLen {
		return false
	}
	op := a.Op()
	return binary.BigEndian.Uint16(a[0:2]) == 1 && binary.BigEndian.Uint16(a[2:4]) == EtherTypeIPv4 &&
		a[4] == 6 && a[5] == 4 && (op == ARPRequest || op == ARPReply)
}

// Op is the operation: ARPRequest or ARPReply.
func (a ARP) Op() uint16 { return binary.BigEndian.Uint16(a[6:8]) }

// SenderMAC is the sender's hardware address.
func (a ARP) SenderMAC() MAC { return MAC(a[8:14]) }

// SenderIP is the sender's protocol address.
func (a ARP) SenderIP() netip.Addr { return netip.AddrFrom4([4]byte(a[14:18])) }

// TargetMAC is the target's hardware address (zero in a request).
func (a ARP) TargetMAC() MAC { return MAC(a[18:24]) }

// TargetIP is the target's protocol address: the address asked about.
func (a ARP) TargetIP() netip.Addr { return netip.AddrFrom4([4]byte(a[24:28])) }

// NewARPFrame builds an ARP frame, Ethernet header included, ready for the
// wire: a request (op ARPRequest, to the broadcast address, target MAC
// zero) or a reply (op ARPReply, to the asker).
func NewARPFrame(op uint16, dst, src MAC, senderIP netip.Addr, targetMAC MAC, targetIP netip.Addr, m Meta) *Frame {
	buf := make([]byte, Headroom+ARPLen)
	a := buf[Headroom:]
	binary.BigEndian.PutUint16(a[0:2], 1) // Ethernet
	binary.BigEndian.PutUint16(a[2:4], EtherTypeIPv4)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:8], op)
	copy(a[8:14], src[:])
	s4, t4 := senderIP.As4(), targetIP.As4()
	copy(a[14:18], s4[:])
	copy(a[18:24], targetMAC[:])
	copy(a[24:28], t4[:])
	f := &Frame{buf: buf, off: Headroom, Meta: m}
	f.off -= EthLen
	e := f.buf[f.off:]
	copy(e[0:6], dst[:])
	copy(e[6:12], src[:])
	binary.BigEndian.PutUint16(e[12:14], EtherTypeARP)
	return f
}

// WireARP returns the ARP packet of a frame on the wire (Ethernet header at
// its front), or nil when the frame is not ARP.
func WireARP(wire []byte) ARP {
	if len(wire) < EthLen || binary.BigEndian.Uint16(wire[12:14]) != EtherTypeARP {
		return nil
	}
	return ARP(wire[EthLen:])
}

// WireDst is the destination MAC of a frame on the wire.
func WireDst(wire []byte) MAC { return MAC(wire[0:6]) }
