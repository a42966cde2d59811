package bgp

import (
	"encoding/binary"
	"sync"

	api "github.com/osrg/gobgp/v3/api"
)

// The Adj-RIB-In of a reflector, read off the wire.
//
// A reflector whose decision the caller makes (SpeakerConfig.Decides) has
// its Adj-RIB-In listed after every round: RFC 4271 section 3.2's routes
// learned from each peer, before any policy. Through GoBGP's API that
// listing costs more than anything else the model does at scale (GoBGP
// builds an API object per path and serialises every attribute again:
// 9 of the 11 CPU-s the two reflectors of the 100 000-route network spend
// reading what they received). Yet every one of those routes crossed the
// relay of a fabric session on its way in, in the very bytes GoBGP parsed.
// So the relay keeps, for each direction whose receiver decides, the
// VPN-IPv4 routes as GoBGP holds them (adjIn), and AdjRIBInVPNv4 reads
// that instead of asking GoBGP, for every neighbour whose session is up on
// the relay that kept them. Anything it cannot read as GoBGP would (a
// next hop or NLRI of another shape, a framing error) marks the table
// broken, and the listing asks GoBGP for that neighbour as before. Sessions
// with external peers are always read from GoBGP.
//
// What GoBGP holds per route (internal/pkg/table.ProcessMessage): the
// UPDATE's attributes but MP_REACH_NLRI and MP_UNREACH_NLRI, in the order
// received, then an MP_REACH_NLRI of its own holding that route's NLRI
// alone, with the next hop re-encoded (a VPN-IPv4 next hop: an RD of zero
// and the address, RFC 4364 section 4.3.2). A route is keyed by RD and
// prefix (the label is part of the route, RFC 4364 section 4.3.4), so a
// later UPDATE of the same RD and prefix replaces it (RFC 4271 section
// 9.1.4's implicit withdraw) and an MP_UNREACH_NLRI removes it whatever
// label it carries. TestAdjInMatchesGoBGP compares the two tables byte for
// byte; FuzzAdjInUpdate feeds it anything.

// adjKey is a VPN-IPv4 route's key: RD, prefix (masked) and length.
type adjKey [13]byte

// adjIn is one direction of a fabric session as the receiving speaker's
// Adj-RIB-In holds its VPN-IPv4 routes.
type adjIn struct {
	mu sync.Mutex
	// routes holds, per key, the NLRI (length in bits, label, RD,
	// prefix) followed by the path attributes as GoBGP lists them.
	routes map[adjKey][]byte
	broken bool
}

func newAdjIn() *adjIn { return &adjIn{routes: map[adjKey][]byte{}} }

// usable reports whether t holds what GoBGP holds.
func (t *adjIn) usable() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.broken
}

// update applies one whole UPDATE message (header included) as the
// receiver applies it: withdrawals, then the routes it carries.
func (t *adjIn) update(msg []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.broken {
		return
	}
	if !t.apply(msg) {
		t.broken = true
		clear(t.routes)
	}
}

func (t *adjIn) apply(msg []byte) bool {
	attrs, ok := updateAttrs(msg)
	if !ok {
		return false
	}
	var reach, unreach []byte
	var others []byte // every attribute but the two, whole, in order
	for b := attrs; len(b) > 0; {
		_, typ, v, rest, ok := nextAttr(b)
		if !ok {
			return false
		}
		whole := b[:len(b)-len(rest)]
		b = rest
		switch typ {
		case mpReachNLRI, mpUnreachNLRI:
			if len(v) < 3 {
				return false
			}
			if binary.BigEndian.Uint16(v) != 1 || v[2] != 128 {
				continue // another family's routes
			}
			if typ == mpReachNLRI {
				if reach != nil {
					return false
				}
				reach = v
			} else {
				if unreach != nil {
					return false
				}
				unreach = v
			}
		default:
			others = append(others, whole...)
		}
	}
	if reach != nil && !t.reach(reach, others) {
		return false
	}
	// Then the withdrawals: a route in both is withdrawn, as GoBGP's
	// ProcessMessage orders them (RFC 7606 section 5.3).
	if unreach != nil {
		for b := unreach[3:]; len(b) > 0; {
			k, n, ok := readVPNNLRI(b, true)
			if !ok {
				return false
			}
			delete(t.routes, k)
			b = b[n:]
		}
	}
	return true
}

// reach stores the routes of an MP_REACH_NLRI value of VPN-IPv4.
func (t *adjIn) reach(reach, others []byte) bool {
	if len(reach) < 5 || reach[3] != 12 || len(reach) < 4+12+1 {
		return false // not a next hop GoBGP re-encodes as it was
	}
	nh := reach[4+8 : 4+12]
	for b := reach[4+12+1:]; len(b) > 0; {
		k, n, ok := readVPNNLRI(b, false)
		if !ok {
			return false
		}
		// The NLRI, the other attributes, then MP_REACH_NLRI: AFI, SAFI,
		// next hop length, an RD of zero and the address, reserved, NLRI.
		vlen := 3 + 1 + 12 + 1 + n
		hdr := 3
		if vlen > 255 {
			hdr = 4
		}
		r := make([]byte, 0, n+len(others)+hdr+vlen)
		// The NLRI as GoBGP writes it again: the label the bottom of the
		// stack, the prefix's host bits cleared.
		r = append(r, b[:4]...)
		r[3] |= 1
		r = append(r, k[:8]...)
		r = append(r, k[8:8+n-12]...)
		r = append(r, others...)
		if hdr == 4 {
			r = append(r, 0x80|0x10, mpReachNLRI, byte(vlen>>8), byte(vlen))
		} else {
			r = append(r, 0x80, mpReachNLRI, byte(vlen))
		}
		r = append(r, 0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0)
		r = append(r, nh...)
		r = append(r, 0)
		r = append(r, r[:n]...)
		t.routes[k] = r
		b = b[n:]
	}
	return true
}

// readVPNNLRI reads the VPN-IPv4 NLRI at the start of b: its key and
// length in bytes. ok is false unless GoBGP reads it the same way (its
// MPLSLabelStack and LabeledVPNIPAddrPrefix decoders): one label, the
// bottom of the stack (or, withdrawn, the withdrawal label or zero), an RD
// of type 0 to 2 and a prefix of 0 to 32 bits.
func readVPNNLRI(b []byte, withdrawn bool) (k adjKey, n int, ok bool) {
	if len(b) == 0 {
		return k, 0, false
	}
	bits := int(b[0])
	n = 1 + (bits+7)/8
	if bits < 88 || bits > 88+32 || len(b) < n {
		return k, 0, false
	}
	switch label := uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]); {
	case label == 0x800000:
		if !withdrawn {
			return k, 0, false
		}
	case label&1 == 0 && (label != 0 || !withdrawn):
		return k, 0, false
	}
	if binary.BigEndian.Uint16(b[4:6]) > 2 {
		return k, 0, false
	}
	pbits := bits - 88
	copy(k[:8], b[4:12])
	copy(k[8:12], b[12:n])
	if pbits < 32 {
		mask := ^uint32(0) << (32 - pbits)
		if pbits == 0 {
			mask = 0
		}
		binary.BigEndian.PutUint32(k[8:12], binary.BigEndian.Uint32(k[8:12])&mask)
	}
	k[12] = byte(pbits)
	return k, n, true
}

// each calls fn with every route of t as GoBGP's listing gives it in wire
// form (NlriBinary, PattrsBinary); the slices are t's own, not to be
// changed.
func (t *adjIn) each(fn func(p *api.Path)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fam := VPNv4.api()
	for _, r := range t.routes {
		n := 1 + (int(r[0])+7)/8
		var attrs [][]byte
		for b := r[n:]; len(b) > 0; {
			_, _, _, rest, _ := nextAttr(b) // checked when stored
			attrs = append(attrs, b[:len(b)-len(rest)])
			b = rest
		}
		fn(&api.Path{Family: fam, NlriBinary: r[:n:n], PattrsBinary: attrs})
	}
}

// count is the number of routes t holds.
func (t *adjIn) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.routes)
}
