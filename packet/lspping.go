package packet

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// MPLS echo request and reply, LSP ping and traceroute (RFC 8029): UDP to
// port 3503, the request to a 127/8 address with the IP Router Alert
// option (RFC 2113) so that the LSR where it leaves the LSP handles it
// instead of forwarding it, its TTL 1; a Target FEC Stack TLV naming the
// LDP IPv4 prefix under test.

// LSPPingPort is the MPLS echo UDP port (RFC 8029 section 4.3).
const LSPPingPort = 3503

// ProtoUDP is UDP's IP protocol number.
const ProtoUDP = 17

// MPLS echo message types and the return codes vpnsim's LSRs give (RFC 8029
// section 3.1).
const (
	EchoRequestType = 1
	EchoReplyType   = 2

	RCNone           = 0  // no return code (in a request)
	RCEgress         = 3  // replying router is an egress for the FEC at stack depth 1
	RCNoMapping      = 4  // replying router has no mapping for the FEC
	RCLabelSwitched  = 8  // label switched at stack depth 1
	RCNoMPLSForward  = 9  // label switched but no MPLS forwarding (the next hop gave no label)
	RCWrongLabel     = 10 // mapping for this FEC is not the given label
	RCNoLabelEntry   = 11 // no label entry at stack depth 1
	replyViaIPv4UDP  = 2  // reply mode: reply via an IPv4/IPv6 UDP packet
	tlvTargetFEC     = 1
	subTLVLDPIPv4    = 1
	mplsEchoHdrLen   = 32
	routerAlertBytes = 4
)

// MPLSEcho is the MPLS echo part of a request or a reply.
type MPLSEcho []byte

// MessageType is 1 for a request, 2 for a reply.
func (m MPLSEcho) MessageType() uint8 { return m[4] }

// ReturnCode is the reply's return code; ReturnSubcode its stack depth.
func (m MPLSEcho) ReturnCode() uint8    { return m[6] }
func (m MPLSEcho) ReturnSubcode() uint8 { return m[7] }

// Handle and Seq are the sender's handle and sequence number.
func (m MPLSEcho) Handle() uint32 { return binary.BigEndian.Uint32(m[8:12]) }
func (m MPLSEcho) Seq() uint32    { return binary.BigEndian.Uint32(m[12:16]) }

// FEC is the LDP IPv4 prefix of the Target FEC Stack TLV (invalid when
// there is none).
func (m MPLSEcho) FEC() netip.Prefix {
	b := m[mplsEchoHdrLen:]
	for len(b) >= 4 {
		typ, n := binary.BigEndian.Uint16(b[0:2]), int(binary.BigEndian.Uint16(b[2:4]))
		if len(b) < 4+n {
			break
		}
		if typ == tlvTargetFEC {
			v := b[4 : 4+n]
			if len(v) >= 4+8 && binary.BigEndian.Uint16(v[0:2]) == subTLVLDPIPv4 && binary.BigEndian.Uint16(v[2:4]) == 5 {
				p, err := netip.AddrFrom4([4]byte(v[4:8])).Prefix(int(v[8]))
				if err == nil && int(v[8]) <= 32 {
					return p
				}
			}
			return netip.Prefix{}
		}
		step := 4 + (n+3)&^3 // values are padded to 4 bytes
		if step > len(b) {
			break
		}
		b = b[step:]
	}
	return netip.Prefix{}
}

// MPLSEchoOf is the MPLS echo message of an IPv4 packet: a UDP datagram to
// or from port 3503 with a whole echo header; nil when it is not one.
func MPLSEchoOf(ip IPv4) MPLSEcho {
	if !ip.Valid() || ip.Protocol() != ProtoUDP || ip.IsFragment() {
		return nil
	}
	u := ip.Payload()
	if len(u) < 8+mplsEchoHdrLen {
		return nil
	}
	if binary.BigEndian.Uint16(u[2:4]) != LSPPingPort && binary.BigEndian.Uint16(u[0:2]) != LSPPingPort {
		return nil
	}
	m := MPLSEcho(u[8:])
	if binary.BigEndian.Uint16(m[0:2]) != 1 {
		return nil // version 1
	}
	return m
}

// MPLSEchoRequest builds the request for fec from src (the sender's
// loopback), with handle and seq, as an IPv4 packet to 127.0.0.1 with TTL
// 1 and Router Alert.
func MPLSEchoRequest(src netip.Addr, fec netip.Prefix, handle, seq uint32) IPv4 {
	m := make([]byte, mplsEchoHdrLen, mplsEchoHdrLen+16)
	binary.BigEndian.PutUint16(m[0:2], 1) // version
	m[4], m[5] = EchoRequestType, replyViaIPv4UDP
	binary.BigEndian.PutUint32(m[8:12], handle)
	binary.BigEndian.PutUint32(m[12:16], seq)
	tlv := make([]byte, 16)
	binary.BigEndian.PutUint16(tlv[0:2], tlvTargetFEC)
	binary.BigEndian.PutUint16(tlv[2:4], 12)
	binary.BigEndian.PutUint16(tlv[4:6], subTLVLDPIPv4)
	binary.BigEndian.PutUint16(tlv[6:8], 5)
	a := fec.Addr().As4()
	copy(tlv[8:12], a[:])
	tlv[12] = byte(fec.Bits())
	m = append(m, tlv...)
	ra := layers.IPv4Option{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}
	return udp(src, netip.AddrFrom4([4]byte{127, 0, 0, 1}), 1, []layers.IPv4Option{ra},
		uint16(49152+handle%16384), LSPPingPort, m)
}

// MPLSEchoReply builds the reply to request req from src, with its return
// code and subcode: the request's message, turned around, to the request's
// source and UDP port.
func MPLSEchoReply(req IPv4, src netip.Addr, code, subcode uint8) IPv4 {
	u := req.Payload()
	m := append(MPLSEcho(nil), u[8:]...)
	m[4], m[6], m[7] = EchoReplyType, code, subcode
	return udp(src, req.Src(), DefaultTTL, nil, LSPPingPort, binary.BigEndian.Uint16(u[0:2]), m)
}

func udp(src, dst netip.Addr, ttl uint8, opts []layers.IPv4Option, sport, dport uint16, payload []byte) IPv4 {
	ip := &layers.IPv4{Version: 4, TTL: ttl, Protocol: layers.IPProtocolUDP, SrcIP: src.AsSlice(), DstIP: dst.AsSlice(), Options: opts}
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	u.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, u, gopacket.Payload(payload)); err != nil {
		panic("packet: serializing a fixed-shape UDP packet failed: " + err.Error())
	}
	return buf.Bytes()
}

// ReturnCodeName says what an MPLS echo return code means (RFC 8029
// section 3.1).
func ReturnCodeName(code uint8) string {
	switch code {
	case RCEgress:
		return "replying router is an egress for the FEC"
	case RCNoMapping:
		return "replying router has no mapping for the FEC"
	case RCLabelSwitched:
		return "label switched"
	case RCNoMPLSForward:
		return "label switched but no MPLS forwarding"
	case RCWrongLabel:
		return "mapping for this FEC is not the given label"
	case RCNoLabelEntry:
		return "no label entry"
	}
	return fmt.Sprintf("return code %d", code)
}

// ReturnCodeMark is IOS's one-letter code for a return code: ! egress
// (success), R transit (label switched), F no FEC mapping, f FEC mismatch,
// N no label entry, X another.
func ReturnCodeMark(code uint8) byte {
	switch code {
	case RCEgress:
		return '!'
	case RCLabelSwitched:
		return 'R'
	case RCNoMPLSForward:
		return 'B' // unlabelled output interface
	case RCNoMapping:
		return 'F'
	case RCWrongLabel:
		return 'f'
	case RCNoLabelEntry:
		return 'N'
	}
	return 'X'
}
