package bgp

import "encoding/binary"

// Reading UPDATEs in wire form (RFC 4271 section 4.3), shared by the settle
// markers, the relay's guards and the RIB reader: no allocation, and a
// message whose lengths do not hold is reported, never read past.

// updateAttrs returns the path attribute block of a whole UPDATE message
// (header included); ok is false when its lengths do not hold.
func updateAttrs(msg []byte) (attrs []byte, ok bool) {
	if len(msg) < headerLen+4 {
		return nil, false
	}
	b := msg[headerLen:]
	wl := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+wl+2 {
		return nil, false
	}
	b = b[2+wl:]
	al := int(binary.BigEndian.Uint16(b))
	b = b[2:]
	if len(b) < al {
		return nil, false
	}
	return b[:al], true
}

// nextAttr splits the first attribute off b: its flags, type and value,
// and what follows it; ok is false when it does not fit in b.
func nextAttr(b []byte) (flags, typ byte, v, rest []byte, ok bool) {
	if len(b) < 3 {
		return 0, 0, nil, nil, false
	}
	flags, typ = b[0], b[1]
	hdr, n := 3, int(b[2])
	if flags&0x10 != 0 { // extended length
		if len(b) < 4 {
			return 0, 0, nil, nil, false
		}
		hdr, n = 4, int(binary.BigEndian.Uint16(b[2:4]))
	}
	if len(b) < hdr+n {
		return 0, 0, nil, nil, false
	}
	return flags, typ, b[hdr : hdr+n], b[hdr+n:], true
}
