package bgp

import (
	"bytes"
	"encoding/binary"
)

// UPDATE packing: what a router's wire carries, not one UPDATE per route.
//
// RFC 4271 section 4.3 lets one UPDATE carry every prefix that shares its
// path attributes, and RFC 4760 section 3 lets one MP_REACH_NLRI carry
// many NLRIs behind one next hop; IOS, Junos and FRR build their UPDATEs
// that way (FRR's update groups, bgp_updgrp_packet.c, fill a message with
// the prefixes of one attribute set). GoBGP v3.37 packs IPv4 unicast only:
// every VPNv4 or EVPN route leaves it as an UPDATE of its own
// (internal/pkg/table/message.go, packerMP), so the 100 000-route network
// carried a million UPDATEs, each parsed, queued and handled on its own by
// the receiving speaker, its attributes decoded and held once per route.
//
// So a relay between two of the fabric's speakers packs what it forwards:
// consecutive UPDATEs that differ only in their NLRIs (the same attributes
// byte for byte, the same family and next hop in MP_REACH_NLRI; or
// MP_UNREACH_NLRI alone, of the same family) become one UPDATE, up to the
// 4096-byte limit of RFC 4271 section 4. Only what is already at hand is
// packed (the relay never waits for more), so the routes, their order and
// their attributes are exactly what the sender sent; only the message
// boundaries move. Settle markers, End-of-RIB (an empty MP_UNREACH_NLRI,
// RFC 4724 section 2) and everything that is not such an UPDATE pass
// untouched and end a pack. Sessions with external peers are not packed:
// they carry what GoBGP sends.

// mpUpdate is an UPDATE that carries its routes in one MP_REACH_NLRI or
// MP_UNREACH_NLRI attribute and nowhere else: the attributes before and
// after it, the attribute's flags and type, the head of its value (AFI,
// SAFI and, for MP_REACH_NLRI, next hop and reserved octet) and its NLRIs.
type mpUpdate struct {
	before, after []byte
	flags, typ    byte
	head          []byte
	nlri          []byte
}

// splitMP reports whether msg (a whole UPDATE) can be packed, and its
// parts. The parts are slices of msg.
func splitMP(msg []byte) (u mpUpdate, ok bool) {
	if len(msg) < headerLen+4 || binary.BigEndian.Uint16(msg[headerLen:]) != 0 {
		return u, false // withdrawn routes of IPv4 unicast: not ours to pack
	}
	al := int(binary.BigEndian.Uint16(msg[headerLen+2:]))
	attrs := msg[headerLen+4:]
	if len(attrs) != al {
		return u, false // NLRI of IPv4 unicast follow the attributes
	}
	found := false
	for b := attrs; len(b) > 0; {
		flags, typ, v, rest, ok := nextAttr(b)
		if !ok {
			return u, false
		}
		if typ == mpReachNLRI || typ == mpUnreachNLRI {
			if found {
				return u, false
			}
			found = true
			u.before = attrs[:len(attrs)-len(b)]
			u.after = rest
			u.flags, u.typ = flags, typ
			head := 3
			if typ == mpReachNLRI {
				if len(v) < 5 {
					return u, false
				}
				head = 5 + int(v[3])
			}
			if len(v) <= head || len(v) < 3 {
				return u, false // End-of-RIB, or malformed: passed as it is
			}
			if isMarkerFamily(v) {
				return u, false
			}
			u.head, u.nlri = v[:head], v[head:]
		}
		b = rest
	}
	if !found || (u.typ == mpUnreachNLRI && (len(u.before) > 0 || len(u.after) > 0)) {
		return mpUpdate{}, false
	}
	return u, true
}

// packer holds the UPDATE being packed: its parts, with the NLRIs of every
// UPDATE merged into it so far.
type packer struct {
	on      bool
	first   []byte   // a copy of the first UPDATE of the pack
	u       mpUpdate // its parts (slices of first), nlri: all merged
	nlri    []byte   // the buffer behind u.nlri
	n       int      // UPDATEs merged into it (0: none pending)
	scratch []byte
}

// push takes the message of type typ that ends batch at start, as the
// relay has just read it, and returns the batch to write: the message
// joins the pending pack (and leaves the batch), or the pending pack goes
// into the batch ahead of it and the message may start the next one. The
// pending pack is not in the batch until flush.
func (p *packer) push(batch []byte, start int, typ byte) []byte {
	if !p.on {
		return batch
	}
	msg := batch[start:]
	switch {
	case typ == msgUpdate && p.add(msg):
		return batch[:start]
	case p.n > 0:
		p.scratch = append(p.scratch[:0], msg...)
		batch = p.flush(batch[:start])
		if typ != msgUpdate || !p.start(p.scratch) {
			batch = append(batch, p.scratch...)
		}
		return batch
	case typ == msgUpdate && p.start(msg):
		return batch[:start]
	}
	return batch
}

// size is the length of the UPDATE the packer would write now.
func (p *packer) size(extra int) int {
	v := len(p.u.head) + len(p.u.nlri) + extra
	hdr := 3
	if v > 255 {
		hdr = 4
	}
	return headerLen + 4 + len(p.u.before) + hdr + v + len(p.u.after)
}

// add packs msg (a whole UPDATE) when it can join the pending one, and
// reports whether it did. When it cannot, the caller flushes and then
// calls start.
func (p *packer) add(msg []byte) bool {
	if p.n == 0 {
		return false
	}
	u, ok := splitMP(msg)
	if !ok || u.typ != p.u.typ || u.flags&^0x10 != p.u.flags&^0x10 || !bytes.Equal(u.head, p.u.head) ||
		!bytes.Equal(u.before, p.u.before) || !bytes.Equal(u.after, p.u.after) ||
		p.size(len(u.nlri)) > maxMessageLen {
		return false
	}
	p.u.nlri = append(p.u.nlri, u.nlri...)
	p.nlri = p.u.nlri
	p.n++
	return true
}

// start makes msg the pending UPDATE if it can be packed, and reports
// whether it did (if not, the caller writes msg as it is).
func (p *packer) start(msg []byte) bool {
	p.first = append(p.first[:0], msg...)
	u, ok := splitMP(p.first)
	if !ok {
		return false
	}
	u.nlri = append(p.nlri[:0], u.nlri...)
	p.u, p.nlri = u, u.nlri
	p.n = 1
	return true
}

// flush appends the pending UPDATE, if any, to b.
func (p *packer) flush(b []byte) []byte {
	if p.n == 0 {
		return b
	}
	if p.n == 1 { // nothing joined it: as it came
		p.n = 0
		return append(b, p.first...)
	}
	p.n = 0
	size := p.size(0)
	v := len(p.u.head) + len(p.u.nlri)
	b = append(b, marker...)
	b = binary.BigEndian.AppendUint16(b, uint16(size))
	b = append(b, msgUpdate, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(size-headerLen-4))
	b = append(b, p.u.before...)
	if v > 255 {
		b = append(b, p.u.flags|0x10, p.u.typ)
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	} else {
		b = append(b, p.u.flags&^0x10, p.u.typ, byte(v))
	}
	b = append(b, p.u.head...)
	b = append(b, p.u.nlri...)
	return append(b, p.u.after...)
}
