package vrf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// RD is a route distinguisher (RFC 4364 section 4.2) in its 8-byte wire form:
// a 2-byte type, then the administrator and assigned number fields.
//
//	type 0: 2-byte ASN : 32-bit number   ("65000:1")
//	type 1: IPv4 address : 16-bit number ("10.0.0.1:1")
//	type 2: 4-byte ASN : 16-bit number   ("4200000000:1")
//
// The zero RD is type 0, 0:0; it is a valid value but never one the simulator
// assigns.
type RD [8]byte

// RouteTarget is a route target extended community (RFC 4360, RFC 4364
// section 4.3.1) in its 8-byte wire form: type (0x00, 0x01 or 0x02), subtype
// 0x02, then the same administrator and number fields as an RD of that type.
type RouteTarget [8]byte

// ParseRD parses a route distinguisher in any of the three text forms.
func ParseRD(s string) (RD, error) {
	typ, admin, num, err := parseAdminNum(s)
	if err != nil {
		return RD{}, fmt.Errorf("route distinguisher %q: %v", s, err)
	}
	var rd RD
	binary.BigEndian.PutUint16(rd[0:2], uint16(typ))
	putAdminNum(rd[2:], typ, admin, num)
	return rd, nil
}

// MustParseRD is ParseRD that panics on error; for tests and constants.
func MustParseRD(s string) RD {
	rd, err := ParseRD(s)
	if err != nil {
		panic(err)
	}
	return rd
}

// NewRDIP returns the type 1 RD addr:n (the form rd: auto uses).
func NewRDIP(addr netip.Addr, n uint16) RD {
	var rd RD
	binary.BigEndian.PutUint16(rd[0:2], 1)
	a := addr.As4()
	copy(rd[2:6], a[:])
	binary.BigEndian.PutUint16(rd[6:8], n)
	return rd
}

// Type is 0, 1 or 2.
func (rd RD) Type() int { return int(binary.BigEndian.Uint16(rd[0:2])) }

// String prints the RD in its text form.
func (rd RD) String() string { return formatAdminNum(rd.Type(), rd[2:]) }

// MarshalText implements encoding.TextMarshaler.
func (rd RD) MarshalText() ([]byte, error) { return []byte(rd.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (rd *RD) UnmarshalText(b []byte) error {
	v, err := ParseRD(string(b))
	if err != nil {
		return err
	}
	*rd = v
	return nil
}

// Compare orders RDs by their wire bytes.
func (rd RD) Compare(o RD) int { return bytes.Compare(rd[:], o[:]) }

// ParseRouteTarget parses a route target in any of the three text forms.
func ParseRouteTarget(s string) (RouteTarget, error) {
	typ, admin, num, err := parseAdminNum(s)
	if err != nil {
		return RouteTarget{}, fmt.Errorf("route target %q: %v", s, err)
	}
	var rt RouteTarget
	rt[0] = byte(typ)
	rt[1] = 0x02
	putAdminNum(rt[2:], typ, admin, num)
	return rt, nil
}

// MustParseRouteTarget is ParseRouteTarget that panics on error.
func MustParseRouteTarget(s string) RouteTarget {
	rt, err := ParseRouteTarget(s)
	if err != nil {
		panic(err)
	}
	return rt
}

// Type is 0, 1 or 2 (the extended community's type byte).
func (rt RouteTarget) Type() int { return int(rt[0]) }

// String prints the route target in its text form.
func (rt RouteTarget) String() string { return formatAdminNum(rt.Type(), rt[2:]) }

// MarshalText implements encoding.TextMarshaler.
func (rt RouteTarget) MarshalText() ([]byte, error) { return []byte(rt.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (rt *RouteTarget) UnmarshalText(b []byte) error {
	v, err := ParseRouteTarget(string(b))
	if err != nil {
		return err
	}
	*rt = v
	return nil
}

// Compare orders route targets by their wire bytes.
func (rt RouteTarget) Compare(o RouteTarget) int { return bytes.Compare(rt[:], o[:]) }

// parseAdminNum splits "ADMIN:NUM" and picks the type: an IPv4 administrator
// is type 1, an ASN up to 65535 type 0, a larger ASN type 2.
func parseAdminNum(s string) (typ int, admin uint32, num uint32, err error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return 0, 0, 0, fmt.Errorf("want ASN:NUMBER or IPv4:NUMBER, e.g. 65000:1")
	}
	a, n := s[:i], s[i+1:]
	if a == "" || n == "" {
		return 0, 0, 0, fmt.Errorf("want ASN:NUMBER or IPv4:NUMBER, e.g. 65000:1")
	}
	if strings.Contains(a, ".") {
		ip, perr := netip.ParseAddr(a)
		if perr != nil || !ip.Is4() {
			return 0, 0, 0, fmt.Errorf("%q is not an IPv4 address", a)
		}
		v, perr := strconv.ParseUint(n, 10, 16)
		if perr != nil {
			return 0, 0, 0, fmt.Errorf("the number after an IPv4 address must be 0 to 65535")
		}
		b := ip.As4()
		return 1, binary.BigEndian.Uint32(b[:]), uint32(v), nil
	}
	asn, perr := strconv.ParseUint(a, 10, 32)
	if perr != nil {
		return 0, 0, 0, fmt.Errorf("%q is not an AS number (0 to 4294967295) or an IPv4 address", a)
	}
	if asn <= 0xffff {
		v, perr := strconv.ParseUint(n, 10, 32)
		if perr != nil {
			return 0, 0, 0, fmt.Errorf("the number after a 2-byte AS number must be 0 to 4294967295")
		}
		return 0, uint32(asn), uint32(v), nil
	}
	v, perr := strconv.ParseUint(n, 10, 16)
	if perr != nil {
		return 0, 0, 0, fmt.Errorf("the number after a 4-byte AS number must be 0 to 65535")
	}
	return 2, uint32(asn), uint32(v), nil
}

func putAdminNum(b []byte, typ int, admin, num uint32) {
	switch typ {
	case 0:
		binary.BigEndian.PutUint16(b[0:2], uint16(admin))
		binary.BigEndian.PutUint32(b[2:6], num)
	default:
		binary.BigEndian.PutUint32(b[0:4], admin)
		binary.BigEndian.PutUint16(b[4:6], uint16(num))
	}
}

func formatAdminNum(typ int, b []byte) string {
	switch typ {
	case 0:
		return strconv.FormatUint(uint64(binary.BigEndian.Uint16(b[0:2])), 10) + ":" +
			strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[2:6])), 10)
	case 1:
		return netip.AddrFrom4([4]byte(b[0:4])).String() + ":" +
			strconv.FormatUint(uint64(binary.BigEndian.Uint16(b[4:6])), 10)
	default:
		return strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[0:4])), 10) + ":" +
			strconv.FormatUint(uint64(binary.BigEndian.Uint16(b[4:6])), 10)
	}
}

// SiteOfOrigin returns the Site of Origin extended community with the same
// administrator and number (RFC 4360 section 5: subtype 0x03 where a route
// target has 0x02).
func (rt RouteTarget) SiteOfOrigin() RouteTarget {
	rt[1] = 0x03
	return rt
}
