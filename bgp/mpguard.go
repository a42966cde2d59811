package bgp

import (
	"encoding/binary"
	"fmt"
)

// VPN-IPv4 in MP_REACH_NLRI and MP_UNREACH_NLRI from an external router,
// checked and normalised by the relay before GoBGP sees it. GoBGP v3.37
// reads a label stack until a bottom-of-stack bit, silently drops an
// UPDATE whose next hop or prefix length does not fit, and keeps the
// routes the router sent before. What RFCs prescribe instead:
//
//   - RFC 8277 section 2.2: without the Multiple Labels capability (which
//     no session here negotiates) an NLRI carries exactly one label, and
//     its S bit is ignored on reception: the NLRI is one label, an RD and
//     a prefix. The relay sets the S bit, so GoBGP reads the one-label
//     route the bytes encode instead of a two-label route of a made-up RD.
//   - An NLRI that does not parse as one label, an RD and a prefix of 0 to
//     32 bits (a prefix length of 200, two labels of a long prefix), or a
//     VPN-IPv4 next hop whose length is not 12 or 24 bytes (RFC 4364
//     section 4.3.2 with RFC 4760 section 3): the attribute is incorrect,
//     and RFC 4760 section 7 and RFC 7606 section 7.11 say to drop every
//     route of that family from the router and reset the session (or
//     disable the family). The relay resets it with an UPDATE Message
//     Error NOTIFICATION, subcode Optional Attribute Error; resetting the
//     neighbour withdraws everything learned from it.
//
// Only AFI 1 / SAFI 128 is looked at; other families pass as they are.

// optionalAttributeError is the NOTIFICATION subcode for an incorrect
// optional attribute (RFC 4271 section 6.3, RFC 4760 section 7).
const subOptionalAttributeError = 9

// updateError is a malformed UPDATE that resets the session with an UPDATE
// Message Error NOTIFICATION of the given subcode.
type updateError struct {
	subcode uint8
	what    string
}

func (e *updateError) Error() string { return "malformed UPDATE: " + e.what }

// guardVPN checks the VPN-IPv4 NLRI of an UPDATE (a whole message, header
// included) and sets the S bit of each one's label in place. A message
// whose framing does not hold is left to GoBGP (RFC 7606 handles it).
func guardVPN(msg []byte) error {
	b, ok := updateAttrs(msg)
	for ok && len(b) > 0 {
		var typ byte
		var v []byte
		if _, typ, v, b, ok = nextAttr(b); !ok {
			return nil
		}
		switch typ {
		case mpReachNLRI:
			if err := guardReach(v); err != nil {
				return err
			}
		case mpUnreachNLRI:
			if len(v) >= 3 && binary.BigEndian.Uint16(v) == 1 && v[2] == 128 {
				if err := guardNLRI(v[3:], "MP_UNREACH_NLRI"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func guardReach(v []byte) error {
	if len(v) < 5 || binary.BigEndian.Uint16(v) != 1 || v[2] != 128 {
		return nil
	}
	nhl := int(v[3])
	if nhl != 12 && nhl != 24 {
		return &updateError{subOptionalAttributeError, fmt.Sprintf("MP_REACH_NLRI for VPN-IPv4 with a next hop of %d bytes; RFC 4364 section 4.3.2 has 12 (an RD of zero and an IPv4 address), or 24", nhl)}
	}
	if 4+nhl+1 > len(v) {
		return &updateError{subOptionalAttributeError, "MP_REACH_NLRI ends inside its next hop"}
	}
	return guardNLRI(v[4+nhl+1:], "MP_REACH_NLRI") // after the reserved byte
}

// guardNLRI walks VPN-IPv4 NLRI: a length in bits, one label (3 bytes), an
// RD (8 bytes) and the prefix.
func guardNLRI(b []byte, where string) error {
	for len(b) > 0 {
		bits := int(b[0])
		n := (bits + 7) / 8
		if bits < 88 || bits > 88+32 {
			return &updateError{subOptionalAttributeError, fmt.Sprintf("%s holds a VPN-IPv4 NLRI of %d bits: one label, an RD and a prefix of 0 to 32 bits make 88 to 120 (RFC 8277 section 2.2: without the Multiple Labels capability, one label)", where, bits)}
		}
		if 1+n > len(b) {
			return &updateError{subOptionalAttributeError, fmt.Sprintf("%s ends inside a VPN-IPv4 NLRI of %d bits", where, bits)}
		}
		b[3] |= 1 // RFC 8277 section 2.2: the S bit is ignored on reception
		b = b[1+n:]
	}
	return nil
}
