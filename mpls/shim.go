package mpls

import "encoding/binary"

// ShimLen is the length of one MPLS label stack entry.
const ShimLen = 4

// Shim is one label stack entry on the wire (RFC 3032 section 2.1), a typed
// view of four bytes: label (20 bits), traffic class (3), bottom of stack
// (1), TTL (8).
type Shim []byte

// Label returns the entry's label.
func (s Shim) Label() Label { return Label(binary.BigEndian.Uint32(s) >> 12) }

// TC returns the traffic class (formerly EXP) bits.
func (s Shim) TC() uint8 { return s[2] >> 1 & 0x7 }

// BottomOfStack reports whether the S bit is set.
func (s Shim) BottomOfStack() bool { return s[2]&1 == 1 }

// TTL returns the entry's TTL.
func (s Shim) TTL() uint8 { return s[3] }

// SetLabel rewrites the label, keeping TC, S and TTL.
func (s Shim) SetLabel(l Label) {
	v := binary.BigEndian.Uint32(s)
	binary.BigEndian.PutUint32(s, v&0xfff|uint32(l&MaxLabel)<<12)
}

// SetTTL rewrites the TTL.
func (s Shim) SetTTL(ttl uint8) { s[3] = ttl }

// SetBottomOfStack sets or clears the S bit.
func (s Shim) SetBottomOfStack(b bool) {
	if b {
		s[2] |= 1
	} else {
		s[2] &^= 1
	}
}

// Encode writes a whole entry.
func (s Shim) Encode(l Label, tc uint8, bos bool, ttl uint8) {
	v := uint32(l&MaxLabel)<<12 | uint32(tc&7)<<9 | uint32(ttl)
	if bos {
		v |= 1 << 8
	}
	binary.BigEndian.PutUint32(s, v)
}

// StackEntry is a decoded label stack entry, for tables, tests and walks.
type StackEntry struct {
	Label  Label
	TC     uint8
	Bottom bool
	TTL    uint8
}

// DecodeStack reads label stack entries from b until the bottom of stack;
// it returns the entries and the number of bytes they took, or ok false when
// b ends before the bottom-of-stack entry.
func DecodeStack(b []byte) (stack []StackEntry, n int, ok bool) {
	for len(b)-n >= ShimLen {
		s := Shim(b[n : n+ShimLen])
		stack = append(stack, StackEntry{s.Label(), s.TC(), s.BottomOfStack(), s.TTL()})
		n += ShimLen
		if s.BottomOfStack() {
			return stack, n, true
		}
	}
	return stack, n, false
}
