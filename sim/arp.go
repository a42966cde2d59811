package sim

import (
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/packet"
)

// ARP on every numbered interface (RFC 826), as a router's Ethernet port
// runs it: the MAC a frame is addressed to comes from the interface's ARP
// cache; a next hop not in the cache is resolved by a broadcast request
// while its frames wait, and a neighbour that never answers makes its
// frames fail with host unreachable (RFC 1812 section 4.3.3.1).
//
// The timings are Linux's neighbour defaults, which FRR's data plane runs
// on: a request every second (retrans_time), three in all (mcast_solicit),
// then the address is unresolved. Frames wait per address up to Linux's
// unres_qlen_bytes (212992 bytes); one more displaces the oldest.
//
// The model's control plane (IGP, LDP, BGP) exchanges no frames on the
// links, so convergence fills in what its packets would have taught the
// routers (Link.Resolve): both ends of a link with an LDP session or an
// eBGP session across it know each other, as after that session's TCP
// exchange. Every other link (a static CE attachment, a provider link
// without LDP, whose IGP speaks in multicast) resolves its neighbour with
// the first data packet across it. Entries never age within a run;
// a link or node that goes down or comes back flushes the caches at both
// ends, as an interface going down does.
const (
	ARPRetransmit = time.Second
	ARPRequests   = 3
	ARPQueueBytes = 212992
)

// ARPEntry is one resolved neighbour in an interface's ARP cache.
type ARPEntry struct {
	Addr    netip.Addr
	MAC     packet.MAC
	Learned time.Duration // the simulated time it was learned
}

type arpPending struct {
	target netip.Addr
	frames []*packet.Frame
	bytes  int // the frames' length
	sent   int // requests sent so far
}

// UnresolvedHandler is a Handler that answers for a frame whose next hop
// never answered ARP: a router or host sends host unreachable to the
// packet's source (RFC 1812 section 4.3.3.1; RFC 1122 section 3.2.2.1).
// The frame has already been counted as dropped.
type UnresolvedHandler interface {
	Unresolved(f *packet.Frame, ifIndex int)
}

// ARP returns the interface's ARP cache, in the order learned.
func (i *Iface) ARP() []ARPEntry { return i.arp }

// nextHop is the address a frame leaving i is for on the link: a packet
// for an address of the link's own subnet goes to that address (the
// connected route), anything else to the neighbour, the subnet's other
// host (every route out of a point-to-point /30 or /31 has it as its next
// hop). broadcast reports a packet for the subnet's broadcast address,
// which goes to the broadcast MAC without ARP.
func (i *Iface) nextHop(f *packet.Frame) (a netip.Addr, broadcast bool) {
	if f.Labels == 0 {
		dst := f.IP().Dst()
		if i.Addr.Contains(dst) {
			return dst, packet.IsBroadcast(i.Addr, dst)
		}
	}
	return i.neighbor, false
}

// SetAddr numbers the interface: its address and the link's prefix length.
func (i *Iface) SetAddr(p netip.Prefix) {
	i.Addr = p
	i.neighbor = otherHost(p)
}

// otherHost is the other host address of a /30 or /31 (the neighbour's).
func otherHost(p netip.Prefix) netip.Addr {
	a := p.Addr()
	switch p.Bits() {
	case 31:
		b := a.As4()
		b[3] ^= 1
		return netip.AddrFrom4(b)
	case 30:
		b := a.As4()
		switch b[3] & 3 {
		case 1:
			b[3]++
		case 2:
			b[3]--
		default:
			return netip.Addr{}
		}
		return netip.AddrFrom4(b)
	}
	return netip.Addr{}
}

func (i *Iface) lookup(a netip.Addr) (packet.MAC, bool) {
	for _, e := range i.arp {
		if e.Addr == a {
			return e.MAC, true
		}
	}
	return packet.MAC{}, false
}

// learn puts a's MAC in the cache (RFC 826: update an entry that exists,
// or add one when the packet was for this interface); it returns whether
// the cache now holds a.
func (i *Iface) learn(a netip.Addr, mac packet.MAC, add bool) bool {
	for k := range i.arp {
		if i.arp[k].Addr == a {
			i.arp[k].MAC = mac
			return true
		}
	}
	if !add {
		return false
	}
	i.arp = append(i.arp, ARPEntry{Addr: a, MAC: mac, Learned: i.Node.net.now})
	return true
}

// FlushARP empties the interface's ARP cache; frames waiting for an
// answer are dropped as link-down (an interface going down or coming up).
func (i *Iface) FlushARP() {
	i.arp = i.arp[:0]
	for _, p := range i.pending {
		for _, f := range p.frames {
			i.Node.Drop(f, DropLinkDown)
		}
	}
	i.pending = i.pending[:0]
}

// resolve queues f for target and asks for target's MAC, unless a request
// is already out.
func (i *Iface) resolve(target netip.Addr, f *packet.Frame) {
	n := i.Node
	for k := range i.pending {
		p := &i.pending[k]
		if p.target != target {
			continue
		}
		for len(p.frames) > 0 && p.bytes+len(f.Data()) > ARPQueueBytes {
			n.Note("ARP for %s on %s still unresolved: the oldest waiting packet is discarded", target, i.Name)
			p.bytes -= len(p.frames[0].Data())
			n.Drop(p.frames[0], DropARPUnresolved)
			p.frames = append(p.frames[:0], p.frames[1:]...)
		}
		p.frames = append(p.frames, f)
		p.bytes += len(f.Data())
		return
	}
	i.pending = append(i.pending, arpPending{target: target, frames: []*packet.Frame{f}, bytes: len(f.Data())})
	i.request(&i.pending[len(i.pending)-1], f.Meta)
}

// request broadcasts an ARP request for p's target and sets the timer for
// the next one.
func (i *Iface) request(p *arpPending, m packet.Meta) {
	n := i.Node
	p.sent++
	n.Note("ARP: who has %s? asked on %s (request %d of %d)", p.target, i.Name, p.sent, ARPRequests)
	m.Origin = n.Name
	f := packet.NewARPFrame(packet.ARPRequest, packet.BroadcastMAC, i.MAC, i.Addr.Addr(), packet.MAC{}, p.target, m)
	i.Tag(f)
	i.transmit(f)
	w := n.net
	w.seq++
	w.q.push(event{at: w.now + ARPRetransmit, seq: w.seq, to: i, arp: p.target, meta: m})
}

// arpTimer runs when a request for target has gone unanswered for
// ARPRetransmit: ask again, or give up after ARPRequests.
func (i *Iface) arpTimer(target netip.Addr, m packet.Meta) {
	n := i.Node
	k := -1
	for j := range i.pending {
		if i.pending[j].target == target {
			k = j
		}
	}
	if k < 0 || n.Down {
		return // answered, or flushed
	}
	p := &i.pending[k]
	if p.sent < ARPRequests {
		i.request(p, m)
		return
	}
	frames := p.frames
	i.pending = append(i.pending[:k], i.pending[k+1:]...)
	n.Note("ARP: no answer for %s on %s after %d requests: host unreachable", target, i.Name, ARPRequests)
	for _, f := range frames {
		n.Drop(f, DropARPUnresolved)
		if h, ok := n.Handler.(UnresolvedHandler); ok {
			h.Unresolved(f, i.Index)
		}
	}
}

// receiveARP handles an ARP packet that arrived on i (RFC 826's
// reception algorithm): update the sender's entry if there is one; if the
// packet is for i's address, add the sender and answer a request; then send
// what was waiting for the sender.
func (i *Iface) receiveARP(f *packet.Frame) {
	n := i.Node
	a := packet.WireARP(f.Data())
	if a == nil || !a.Valid() {
		n.Drop(f, DropMalformed)
		return
	}
	mine := i.Addr.IsValid() && a.TargetIP() == i.Addr.Addr()
	sender := a.SenderIP()
	if mine && a.Op() == packet.ARPReply {
		n.Note("ARP: %s is at %s (learned on %s)", sender, a.SenderMAC(), i.Name)
	}
	if i.learn(sender, a.SenderMAC(), mine) {
		i.release(sender, a.SenderMAC())
	}
	if mine && a.Op() == packet.ARPRequest {
		n.Note("ARP: %s is at %s (reply on %s)", i.Addr.Addr(), i.MAC, i.Name)
		r := packet.NewARPFrame(packet.ARPReply, a.SenderMAC(), i.MAC, i.Addr.Addr(), a.SenderMAC(), sender, packet.Meta{Origin: n.Name, Probe: f.Probe})
		i.Tag(r)
		i.transmit(r)
	}
}

// Resolve makes both ends of the link learn each other, as the packets
// of a control-plane session across it (LDP's TCP session, an eBGP
// session) would have made them ARP: the model's control plane sends no
// frames of its own.
func (l *Link) Resolve() {
	if !l.Up() || !l.A.Addr.IsValid() || !l.B.Addr.IsValid() {
		return
	}
	l.A.learn(l.B.Addr.Addr(), l.B.MAC, true)
	l.B.learn(l.A.Addr.Addr(), l.A.MAC, true)
}

// release sends the frames that waited for a's MAC.
func (i *Iface) release(a netip.Addr, mac packet.MAC) {
	for k := range i.pending {
		if i.pending[k].target != a {
			continue
		}
		frames := i.pending[k].frames
		i.pending = append(i.pending[:k], i.pending[k+1:]...)
		for _, f := range frames {
			if i.Link == nil || !i.Link.Up() {
				i.Node.Drop(f, DropLinkDown)
				continue
			}
			f.PutEthernet(mac, i.MAC)
			i.Tag(f)
			i.transmit(f)
		}
		return
	}
}
