package bgp

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/vpnsim/vpnsim/vrf"
)

// What a speaker received, read off the wire.
//
// The model reads what the speakers hold after every round: a reflector
// whose decision the caller makes (SpeakerConfig.Decides) its Adj-RIB-In
// (RFC 4271 section 3.2: the routes learned from each peer, before any
// policy), a PE its RIB, to fill its VRFs. Through GoBGP's API those
// listings cost more than anything else the model does at scale (GoBGP
// builds an API object per path and serialises every attribute again:
// about 25 of the 137 CPU-s of the 100 000-route network, with the
// collector's share). Yet every received route crossed the relay of a
// fabric session on its way in, in the very bytes GoBGP parsed. So the
// relay of each VPNv4 session keeps, per direction, the VPN-IPv4 routes
// as GoBGP holds them (adjIn); AdjRIBInVPNv4 reads that for every
// neighbour whose session is up on the relay that kept it (or down, with
// nothing held), and VPNv4RIB builds a PE's RIB from it and the routes
// the PE originated. Anything a table cannot read as GoBGP would (a next
// hop or NLRI of another shape, a framing error) marks it broken, and
// GoBGP is asked as before; so it is for external peers.
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
	mu     sync.Mutex
	routes map[adjKey]adjRoute
	// attrs interns the attribute blocks: the routes of one VRF of one PE
	// share theirs, so a route costs its NLRI, next hop and a reference.
	attrs  map[string][]byte
	broken bool
}

// adjRoute is one route: its NLRI as GoBGP writes it (length in bits,
// label, RD, prefix), its next hop, and every attribute but
// MP_REACH_NLRI, whole and in the order received.
type adjRoute struct {
	nlri  [16]byte
	nh    [4]byte
	attrs []byte
}

func newAdjIn() *adjIn { return &adjIn{routes: map[adjKey]adjRoute{}, attrs: map[string][]byte{}} }

// usable reports whether t holds what GoBGP holds.
func (t *adjIn) usable() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.broken
}

// update applies one whole UPDATE message (header included) as the
// receiver applies it: the routes it carries, then its withdrawals.
func (t *adjIn) update(msg []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.broken {
		return
	}
	if !t.apply(msg) {
		t.broken = true
		clear(t.routes)
		clear(t.attrs)
		return
	}
	if len(t.attrs) > 2*len(t.routes)+1024 {
		// Blocks no route uses any more (replaced, withdrawn): keep only
		// those in use, so a long-lived session's table does not grow
		// with every change it ever carried.
		used := make(map[string][]byte, len(t.routes)/4+1)
		for _, r := range t.routes {
			used[string(r.attrs)] = r.attrs
		}
		t.attrs = used
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
	if len(reach) < 4+12+1 || reach[3] != 12 {
		return false // not a next hop GoBGP re-encodes as it was
	}
	shared, ok := t.attrs[string(others)]
	if !ok {
		shared = bytes.Clone(others)
		t.attrs[string(others)] = shared
	}
	for b := reach[4+12+1:]; len(b) > 0; {
		k, n, ok := readVPNNLRI(b, false)
		if !ok {
			return false
		}
		// The NLRI as GoBGP writes it again: the label the bottom of the
		// stack, the prefix's host bits cleared.
		r := adjRoute{attrs: shared}
		copy(r.nlri[:4], b[:4])
		r.nlri[3] |= 1
		copy(r.nlri[4:12], k[:8])
		copy(r.nlri[12:n], k[8:])
		copy(r.nh[:], reach[4+8:4+12])
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
	mask := ^uint32(0) << (32 - pbits) // 0 for a default route
	binary.BigEndian.PutUint32(k[8:12], binary.BigEndian.Uint32(k[8:12])&mask)
	k[12] = byte(pbits)
	return k, n, true
}

// each calls fn with every route of t as GoBGP's listing gives it in wire
// form: its NLRI, and its attributes (the other attributes, then an
// MP_REACH_NLRI of AFI, SAFI, a next hop of an RD of zero and the
// address, the reserved octet and the NLRI). The attributes are t's own,
// shared between routes: not to be changed. With keep false, fn must not
// keep nlri or attrs past its return: their memory is used again.
func (t *adjIn) each(keep bool, fn func(nlri []byte, attrs [][]byte)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var split [][]byte
	var scratch [64]byte
	for _, r := range t.routes {
		n := 1 + (int(r.nlri[0])+7)/8
		split = split[:0]
		for b := r.attrs; len(b) > 0; {
			_, _, _, rest, _ := nextAttr(b) // checked when stored
			split = append(split, b[:len(b)-len(rest):len(b)-len(rest)])
			b = rest
		}
		vlen := 3 + 1 + 12 + 1 + n // under 256
		buf := scratch[:0]
		if keep {
			buf = make([]byte, 0, n+3+vlen)
		}
		buf = append(buf, r.nlri[:n]...)
		buf = append(buf, 0x80, mpReachNLRI, byte(vlen), 0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0)
		buf = append(buf, r.nh[:]...)
		buf = append(buf, 0)
		buf = append(buf, r.nlri[:n]...)
		attrs := append(split, buf[n:])
		if keep {
			attrs = slices.Clone(attrs)
		} else {
			split = attrs[:0]
		}
		fn(buf[:n:n], attrs)
	}
}

// count is the number of routes t holds.
func (t *adjIn) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.routes)
}

// keyOf is the key of the route for rd and prefix.
func keyOf(rd vrf.RD, prefix netip.Prefix) adjKey {
	var k adjKey
	copy(k[:8], rd[:])
	a := prefix.Masked().Addr().As4()
	copy(k[8:12], a[:])
	k[12] = byte(prefix.Bits())
	return k
}

// VPNv4RIB returns what VPNv4Paths returns, with Best left unset: every
// VPN-IPv4 path the speaker originated and every one it took from a
// neighbour into its Loc-RIB, sorted by RD, prefix and sending speaker.
// When every neighbour it has is a fabric session whose relay keeps what
// it sent (adjin.go), it reads that, and its own routes from what
// AddVPNv4 was given, without asking GoBGP: GoBGP's Loc-RIB holds each
// received route but those it rejects as an iBGP speaker with its own
// router ID as ORIGINATOR_ID (RFC 4456 section 8) or its own AS in the
// AS_PATH more often than allowed (RFC 4271 section 9.1.2; the fabric's
// iBGP sessions allow 255). Otherwise, and for a speaker whose decision
// the caller makes or that reflects by GoBGP's own decision, it asks
// GoBGP.
//
// Where the two differ, the wire is right: a route rejected that way
// replaces the one the same neighbour sent before (RFC 4271 section 9's
// implicit withdraw; FRR's bgp_update removes the earlier route in its
// "filtered" branch), but GoBGP v3.37 skips the rejected route before
// its Loc-RIB sees it and keeps the earlier one there. It happens when a
// reflector changes its choice for a destination to the PE's own path.
// TestAdjInMatchesGoBGP checks the RIB against GoBGP's Adj-RIB-In and
// that GoBGP still does so.
func (sp *Speaker) VPNv4RIB() ([]VPNPath, error) {
	out, ok, err := sp.wireRIB()
	if ok || err != nil {
		return out, err
	}
	out, err = sp.VPNv4Paths()
	for i := range out {
		out[i].Best = false
	}
	return out, err
}

// wireRIB is VPNv4RIB from the relays; ok is false when GoBGP must be
// asked.
func (sp *Speaker) wireRIB() (out []VPNPath, ok bool, err error) {
	if sp.cfg.Decides || sp.cfg.ClusterID.IsValid() {
		return nil, false, nil
	}
	if l := sp.externals.Load(); l != nil && len(*l) > 0 {
		return nil, false, nil
	}
	sp.policyMu.Lock()
	policy := sp.hasPolicy // an import policy that changes what it takes
	sp.policyMu.Unlock()
	if policy {
		return nil, false, nil
	}
	type from struct {
		t      *adjIn
		remote *Speaker
		addr   string
	}
	var froms []from
	sp.wireMu.Lock()
	for addr, s := range sp.wireIn {
		remote := s.cfg.A
		if remote == sp {
			remote = s.cfg.B
		}
		froms = append(froms, from{remote: remote, addr: addr})
	}
	sp.wireMu.Unlock()
	// In address order, so that which error is reported never depends on
	// map order.
	slices.SortFunc(froms, func(a, b from) int { return cmp.Compare(a.addr, b.addr) })
	size := 0
	for i := range froms {
		f := &froms[i]
		if f.remote.cfg.ASN != sp.cfg.ASN {
			return nil, false, nil // eBGP: its own AS-path rules
		}
		var ok bool
		if f.t, ok = sp.wireAdjIn(f.addr); !ok {
			return nil, false, nil
		}
		if f.t != nil {
			size += f.t.count()
		}
	}
	sp.localsMu.Lock()
	if sp.localsLost {
		sp.localsMu.Unlock()
		return nil, false, nil
	}
	out = make([]VPNPath, 0, size+len(sp.locals))
	for _, p := range sp.locals {
		v, err := vpnPath(p)
		if err != nil {
			sp.localsMu.Unlock()
			return nil, true, fmt.Errorf("speaker %s: its own route %x: %w", sp.cfg.Name, p.NlriBinary, err)
		}
		out = append(out, v)
	}
	sp.localsMu.Unlock()
	for _, f := range froms {
		if f.t == nil {
			continue
		}
		name, id := sp.peerName(f.addr), f.remote.cfg.RouterID
		f.t.each(false, func(nlri []byte, attrs [][]byte) {
			if err != nil {
				return
			}
			v, e := vpnPathWire(nlri, attrs)
			if e != nil {
				err = fmt.Errorf("speaker %s: a route from %s, NLRI %x: %w", sp.cfg.Name, name, nlri, e)
				return
			}
			if v.OriginatorID == sp.cfg.RouterID || ownASCount(v.ASPath, sp.cfg.ASN) > 255 {
				return
			}
			v.FromPeer, v.PeerRouterID = name, id
			out = append(out, v)
		})
		if err != nil {
			return nil, true, err
		}
	}
	slices.SortFunc(out, compareVPNPaths)
	return out, true, nil
}

func ownASCount(path []uint32, asn uint32) int {
	n := 0
	for _, a := range path {
		if a == asn {
			n++
		}
	}
	return n
}
