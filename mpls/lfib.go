package mpls

import (
	"net/netip"
	"slices"
)

// Op is what an LFIB entry does with the incoming top label.
type Op uint8

// LFIB operations.
const (
	OpSwap       Op = iota + 1 // replace the top label and send on
	OpPop                      // remove the top label and send on (PHP) or process what is below
	OpPopLookup                // remove the top label and look the IP destination up in a VRF
	OpPopDeliver               // remove the top label and send the IP packet to a CE (per-prefix VPN label)
	OpPopBridge                // remove the top label and bridge the Ethernet frame under it in an EVPN instance
)

func (o Op) String() string {
	switch o {
	case OpSwap:
		return "swap"
	case OpPop:
		return "pop"
	case OpPopLookup:
		return "pop-lookup"
	case OpPopDeliver:
		return "pop" // a per-prefix VPN label: pop and forward to the CE
	case OpPopBridge:
		return "pop-bridge"
	}
	return "?"
}

// NextHop is where a labelled or IP packet leaves a node.
type NextHop struct {
	Neighbor  string     // the neighbour node's name
	Interface string     // the outgoing interface's name, e.g. "eth1"
	IfIndex   int        // index of that interface in the node's interface list
	Addr      netip.Addr // the neighbour's address on the link
}

// NHLFE is one next-hop label forwarding entry: the labels left on top of the
// packet (outermost first; empty for a pop) and where it goes.
type NHLFE struct {
	Out []Label
	NextHop
	// Untagged: the next hop gave no label (LDP does not run on the link,
	// IOS "no mpls ip"): the label is popped and the packet goes on
	// unlabelled, which is not the penultimate hop's pop (IOS "No Label").
	Untagged bool
}

// Entry is one incoming label's LFIB entry (an ILM with its NHLFEs).
type Entry struct {
	In  Label
	Op  Op
	FEC netip.Prefix // LDP: the loopback /32; VPN: the prefix (per-prefix) or invalid (per-VRF)
	// NextHops are the equal-cost choices, sorted by neighbour name (swap, pop);
	// one for OpPopDeliver; none for OpPopLookup.
	NextHops []NHLFE
	VRF      string // OpPopLookup and OpPopDeliver: the VRF the label belongs to
	// EVPN is an OpPopBridge label's EVPN instance; BUM marks the label of
	// its inclusive multicast route (flooded traffic).
	EVPN  string
	BUM   bool
	Owner string // "LDP", "BGP" (VPN labels) or "EVPN"
}

// LFIB maps incoming labels to entries. Lookups are array indexing for the
// two ranges the simulator allocates (LDP from 16, VPN from 100000) and a map
// for anything else.
type LFIB struct {
	ldp   []*Entry
	vpn   []*Entry
	other map[Label]*Entry
	n     int
}

func (t *LFIB) slot(l Label) (*[]*Entry, int) {
	switch {
	case l >= FirstVPN && l < FirstVPN+1<<18:
		return &t.vpn, int(l - FirstVPN)
	case l >= FirstLDP && l < FirstVPN:
		return &t.ldp, int(l - FirstLDP)
	}
	return nil, 0
}

// Lookup returns the entry for label l, or nil.
func (t *LFIB) Lookup(l Label) *Entry {
	if s, i := t.slot(l); s != nil {
		if i < len(*s) {
			return (*s)[i]
		}
		return nil
	}
	return t.other[l]
}

// Insert adds or replaces the entry for e.In.
func (t *LFIB) Insert(e *Entry) {
	s, i := t.slot(e.In)
	if s == nil {
		if t.other == nil {
			t.other = make(map[Label]*Entry)
		}
		if t.other[e.In] == nil {
			t.n++
		}
		t.other[e.In] = e
		return
	}
	if i >= len(*s) {
		*s = append(*s, make([]*Entry, i+1-len(*s))...)
	}
	if (*s)[i] == nil {
		t.n++
	}
	(*s)[i] = e
}

// Delete removes the entry for label l, if any.
func (t *LFIB) Delete(l Label) {
	s, i := t.slot(l)
	if s == nil {
		if _, ok := t.other[l]; ok {
			delete(t.other, l)
			t.n--
		}
		return
	}
	if i < len(*s) && (*s)[i] != nil {
		(*s)[i] = nil
		t.n--
	}
}

// Len is the number of entries.
func (t *LFIB) Len() int { return t.n }

// Entries returns every entry in ascending label order.
func (t *LFIB) Entries() []*Entry {
	out := make([]*Entry, 0, t.n)
	for _, e := range t.other {
		out = append(out, e)
	}
	for _, e := range t.ldp {
		if e != nil {
			out = append(out, e)
		}
	}
	for _, e := range t.vpn {
		if e != nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return int(a.In) - int(b.In) })
	return out
}
