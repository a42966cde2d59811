package packet

import (
	"encoding/binary"
	"net/netip"
	"slices"
)

// IPv4 fragmentation (RFC 791 section 3.2; RFC 1812 section 4.2.2.7 for
// what a router does with a packet larger than the next link's MTU) and
// the Path MTU Discovery message (RFC 1191).

const (
	flagDF = 0x4000 // don't fragment
	flagMF = 0x2000 // more fragments
)

// DF reports whether the Don't Fragment bit is set.
func (p IPv4) DF() bool { return binary.BigEndian.Uint16(p[6:8])&flagDF != 0 }

// SetDF sets the Don't Fragment bit and fixes the checksum.
func (p IPv4) SetDF() {
	binary.BigEndian.PutUint16(p[6:8], binary.BigEndian.Uint16(p[6:8])|flagDF)
	p.fixChecksum()
}

// ID is the identification field fragments share.
func (p IPv4) ID() uint16 { return binary.BigEndian.Uint16(p[4:6]) }

// SetID sets the identification field and fixes the checksum.
func (p IPv4) SetID(id uint16) {
	binary.BigEndian.PutUint16(p[4:6], id)
	p.fixChecksum()
}

// IsFragment reports whether the packet is a fragment (more fragments
// follow, or it does not start at offset 0).
func (p IPv4) IsFragment() bool {
	return binary.BigEndian.Uint16(p[6:8])&(flagMF|0x1fff) != 0
}

func (p IPv4) fragOffset() int     { return int(binary.BigEndian.Uint16(p[6:8])&0x1fff) * 8 }
func (p IPv4) moreFragments() bool { return binary.BigEndian.Uint16(p[6:8])&flagMF != 0 }

func (p IPv4) fixChecksum() {
	hl := p.HeaderLen()
	p[10], p[11] = 0, 0
	binary.BigEndian.PutUint16(p[10:12], Checksum(p[:hl]))
}

// Fragment splits a packet into fragments of at most mtu bytes each (IP
// header included), their data in multiples of 8 bytes, as a router does
// for a packet without DF that does not fit the next link. A packet that
// fits comes back alone.
func Fragment(p IPv4, mtu int) []IPv4 {
	if !p.Valid() {
		return nil
	}
	hl, total := p.HeaderLen(), p.TotalLen()
	if total <= mtu {
		return []IPv4{p}
	}
	step := (mtu - hl) &^ 7
	if step <= 0 {
		return nil
	}
	data := p[hl:total]
	base := p.fragOffset()
	var out []IPv4
	for off := 0; off < len(data); off += step {
		n := min(step, len(data)-off)
		f := make(IPv4, hl+n)
		copy(f, p[:hl])
		copy(f[hl:], data[off:off+n])
		binary.BigEndian.PutUint16(f[2:4], uint16(hl+n))
		flags := uint16(0)
		if off+n < len(data) || p.moreFragments() {
			flags = flagMF
		}
		binary.BigEndian.PutUint16(f[6:8], flags|uint16((base+off)/8))
		f.fixChecksum()
		out = append(out, f)
	}
	return out
}

// FragKey identifies the fragments of one datagram (RFC 791: source,
// destination, protocol and identification).
type FragKey struct {
	Src, Dst netip.Addr
	Proto    uint8
	ID       uint16
}

// Reassembly collects fragments until a datagram is whole.
type Reassembly map[FragKey][]IPv4

// Add files a fragment and returns the whole datagram once every piece is
// in (nil until then).
func (r Reassembly) Add(p IPv4) IPv4 {
	if !p.Valid() {
		return nil
	}
	k := FragKey{p.Src(), p.Dst(), p.Protocol(), p.ID()}
	fs := append(r[k], append(IPv4(nil), p[:p.TotalLen()]...))
	r[k] = fs
	slices.SortFunc(fs, func(a, b IPv4) int { return a.fragOffset() - b.fragOffset() })
	next := 0
	for _, f := range fs {
		if f.fragOffset() != next {
			return nil
		}
		next += f.TotalLen() - f.HeaderLen()
	}
	if fs[0].HeaderLen()+next > 65535 {
		delete(r, k) // more than an IPv4 datagram holds: not one datagram
		return nil
	}
	if fs[len(fs)-1].moreFragments() {
		return nil
	}
	delete(r, k)
	hl := fs[0].HeaderLen()
	whole := make(IPv4, hl, hl+next)
	copy(whole, fs[0][:hl])
	for _, f := range fs {
		whole = append(whole, f[f.HeaderLen():f.TotalLen()]...)
	}
	binary.BigEndian.PutUint16(whole[2:4], uint16(len(whole)))
	binary.BigEndian.PutUint16(whole[6:8], binary.BigEndian.Uint16(fs[0][6:8])&flagDF)
	whole.fixChecksum()
	return whole
}
