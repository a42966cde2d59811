package bgp

import (
	"encoding/binary"
	"net/netip"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// Reading a PE's RIB is the simulator's largest read: every path, best or
// not, of every PE after each convergence (400 000 at the 100 000-route
// benchmark). GoBGP lists paths in wire form (EnableOnlyBinary);
// vpnFromWire reads the few attributes a VPNPath needs straight from those
// bytes, where GoBGP's own decoder builds an object per attribute and a
// string per prefix. It handles what GoBGP holds for the simulator's own
// speakers (one label, an empty AS_PATH or none, a 12-byte VPN next hop)
// and says so otherwise: anything else (a label stack, an AS_PATH with
// members, an attribute of an unexpected length) is read by GoBGP's
// decoder instead, so the result is the same either way
// (FuzzVPNFromWire checks that).

// Path attribute type codes (RFC 4271, 4456, 4360, 4760).
const (
	attrOrigin       = 1
	attrASPath       = 2
	attrNextHop      = 3
	attrMED          = 4
	attrLocalPref    = 5
	attrOriginatorID = 9
	attrClusterList  = 10
	attrExtCommunity = 16
)

// vpnFromWire decodes a VPN-IPv4 path from its NLRI and attributes in
// wire form; ok is false when the path needs GoBGP's decoder. It does not
// set Best, FromPeer or PeerRouterID.
func vpnFromWire(nlri []byte, attrs [][]byte) (v VPNPath, ok bool) {
	// length in bits, one label (bottom of stack), RD of type 0 to 2,
	// prefix.
	if len(nlri) < 12 {
		return VPNPath{}, false
	}
	bits := int(nlri[0])
	pbits := bits - 88
	if pbits < 0 || pbits > 32 || len(nlri) != 1+(bits+7)/8 || nlri[3]&1 == 0 || binary.BigEndian.Uint16(nlri[4:6]) > 2 {
		return VPNPath{}, false
	}
	v.Label = mpls.Label((uint32(nlri[1])<<16 | uint32(nlri[2])<<8 | uint32(nlri[3])) >> 4)
	v.RD = vrf.RD(nlri[4:12])
	var a4 [4]byte
	copy(a4[:], nlri[12:])
	v.Prefix = netip.PrefixFrom(netip.AddrFrom4(a4), pbits).Masked() // as GoBGP reads it

	var rts []vrf.RouteTarget
	nextHop := false
	for _, a := range attrs {
		_, typ, b, rest, ok := nextAttr(a)
		if !ok || len(rest) != 0 {
			return VPNPath{}, false
		}
		n := len(b)
		switch typ {
		case attrOrigin:
			if n != 1 {
				return VPNPath{}, false
			}
			v.Origin = b[0]
		case attrASPath:
			if n != 0 {
				return VPNPath{}, false
			}
		case attrNextHop:
			if n != 4 {
				return VPNPath{}, false
			}
			if !nextHop {
				v.NextHop, nextHop = netip.AddrFrom4([4]byte(b)), true
			}
		case attrMED, attrLocalPref, attrOriginatorID:
			if n != 4 {
				return VPNPath{}, false
			}
			switch a[1] {
			case attrMED:
				v.MED = binary.BigEndian.Uint32(b)
			case attrLocalPref:
				v.LocalPref = binary.BigEndian.Uint32(b)
			default:
				v.OriginatorID = netip.AddrFrom4([4]byte(b))
			}
		case attrClusterList:
			if n%4 != 0 {
				return VPNPath{}, false
			}
			for c := b; len(c) > 0; c = c[4:] {
				v.ClusterList = append(v.ClusterList, netip.AddrFrom4([4]byte(c[:4])))
			}
		case attrExtCommunity:
			if n%8 != 0 {
				return VPNPath{}, false
			}
			for c := b; len(c) > 0; c = c[8:] {
				if c[0] <= 2 && c[1] == 0x02 {
					rts = append(rts, vrf.RouteTarget(c[:8]))
				}
				if c[0] <= 2 && c[1] == 0x03 && v.SiteOfOrigin == (vrf.RouteTarget{}) {
					v.SiteOfOrigin = vrf.RouteTarget(c[:8])
				}
			}
		case mpReachNLRI:
			// AFI 1, SAFI 128, a next hop of RD (zero) and IPv4 address.
			if n < 17 || b[0] != 0 || b[1] != 1 || b[2] != 128 || b[3] != 12 {
				return VPNPath{}, false
			}
			if !nextHop {
				v.NextHop, nextHop = netip.AddrFrom4([4]byte(b[12:16])), true
			}
		}
	}
	v.RouteTargets = sortedRTs(rts)
	return v, true
}
