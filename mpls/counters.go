package mpls

// Counters count bytes per incoming label (IOS's "Bytes Label Switched"),
// kept by the router across reconvergence as IOS keeps them for a label
// that stays bound. Like the LFIB, the two ranges the simulator allocates
// are arrays, so that counting on the label-switching path is an index and
// an add, not a hash; anything else goes to a map.
type Counters struct {
	ldp, vpn []uint64
	other    map[Label]uint64
}

func (c *Counters) slot(l Label) (*[]uint64, int) {
	switch {
	case l >= FirstVPN && l < FirstVPN+1<<18:
		return &c.vpn, int(l - FirstVPN)
	case l >= FirstLDP && l < FirstVPN:
		return &c.ldp, int(l - FirstLDP)
	}
	return nil, 0
}

// Add counts n bytes switched with incoming label l.
func (c *Counters) Add(l Label, n int) {
	s, i := c.slot(l)
	if s == nil {
		if c.other == nil {
			c.other = map[Label]uint64{}
		}
		c.other[l] += uint64(n)
		return
	}
	if i >= len(*s) {
		*s = append(*s, make([]uint64, i+1-len(*s))...)
	}
	(*s)[i] += uint64(n)
}

// Get is the bytes switched with incoming label l so far.
func (c *Counters) Get(l Label) uint64 {
	s, i := c.slot(l)
	if s == nil {
		return c.other[l]
	}
	if i >= len(*s) {
		return 0
	}
	return (*s)[i]
}
