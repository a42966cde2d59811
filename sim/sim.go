// Package sim is the simulated network's wire: nodes with interfaces, links
// with delays that can fail, and the delivery of frames as bytes in
// simulated time. It knows nothing of routing: a node receives a frame on an
// interface and either forwards it, answers it or drops it with a reason.
//
// Everything runs on one goroutine in the order of an event queue keyed by
// (simulated time, sequence number), so a run is the same every time.
package sim

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vpnsim/vpnsim/packet"
)

// Handler is a node's forwarding logic.
type Handler interface {
	// Receive handles a frame that arrived on interface ifIndex; the Ethernet
	// header has been stripped.
	Receive(f *packet.Frame, ifIndex int)
}

// Node is one simulated router and its interfaces.
type Node struct {
	ID      int
	Name    string
	Ifaces  []*Iface
	Down    bool
	Handler Handler
	// Fragments holds the fragments of datagrams addressed to the node
	// until they are whole (the host stack's reassembly, package host).
	Fragments packet.Reassembly
	net       *Network
	drops     [numReasons]uint64
}

// BridgeHandler is a Handler with bridge ports (Iface.Bridge): it gets
// every frame that arrives on one whole, Ethernet header first.
type BridgeHandler interface {
	ReceiveFrame(f *packet.Frame, ifIndex int)
}

// RawHandler is a Handler that takes Ethernet frames of an ethertype other
// than IPv4, MPLS and ARP (a customer host); without it such a frame is
// dropped as not-ip.
type RawHandler interface {
	ReceiveRaw(f *packet.Frame, ifIndex int)
}

// TooBigHandler is a Handler that decides what happens to a frame larger
// than the MTU of the link it is sent on: an ICMP fragmentation needed
// when DF is set, fragments when not (RFC 1812 section 4.2.2.7). A node
// whose handler is not one drops such a frame.
type TooBigHandler interface {
	TooBig(f *packet.Frame, ifIndex, mtu int)
}

// Iface is one interface of a node.
type Iface struct {
	Node  *Node
	Index int
	Name  string
	MAC   packet.MAC
	Link  *Link
	// Addr is the interface's IPv4 address with the link's prefix length
	// (SetAddr); an unnumbered interface (a hand-built test network)
	// addresses its frames to the neighbour's MAC without ARP.
	Addr netip.Prefix
	// VLAN is the 802.1Q VLAN ID the interface's frames carry (a dot1q
	// subinterface); 0 for untagged.
	VLAN uint16
	// Bridge makes the interface a bridge port (an EVPN attachment
	// circuit): whole frames, tags and all, go to the node's BridgeHandler.
	Bridge   bool
	neighbor netip.Addr // the subnet's other host: the next hop of every route out of i
	arp      []ARPEntry
	pending  []arpPending
}

// Peer is the interface at the other end of the link.
func (i *Iface) Peer() *Iface {
	if i.Link.A == i {
		return i.Link.B
	}
	return i.Link.A
}

// String is NODE:IFNAME.
func (i *Iface) String() string { return i.Node.Name + ":" + i.Name }

// Link joins two interfaces.
type Link struct {
	Index int
	A, B  *Iface
	Delay time.Duration
	Down  bool
	// MTU is the largest frame the link carries, labels and IP packet
	// (the Ethernet header aside); 0 for no limit.
	MTU int
}

// Up reports whether the link and both its nodes are up.
func (l *Link) Up() bool { return !l.Down && !l.A.Node.Down && !l.B.Node.Down }

// Network is the set of nodes and links and the event queue.
type Network struct {
	Nodes []*Node
	Links []*Link
	now   time.Duration
	q     eventQueue
	seq   uint64
	// Observer, when set, sees every transmission, decision, drop and local
	// delivery (packet walks, captures, probes).
	Observer Observer
	// Notes asks nodes to describe their decisions to the Observer (packet
	// walks); off, they skip the formatting.
	Notes bool
	// MaxEvents bounds one Run (a safety net; TTLs end every loop first).
	MaxEvents int
}

// Observer watches the network. Every method is called on the network's
// goroutine; the byte slices are only valid during the call.
type Observer interface {
	// Transmitted: a frame (Ethernet and all) left interface from.
	Transmitted(at time.Duration, from *Iface, wire []byte)
	// Received: a frame arrived on in, as it came off the wire (Ethernet
	// header first).
	Received(at time.Duration, in *Iface, f *packet.Frame)
	// Decided: what a node did with the frame it is handling, in one line.
	Decided(at time.Duration, n *Node, note string)
	// Dropped: a node dropped a frame.
	Dropped(at time.Duration, n *Node, reason DropReason, f *packet.Frame)
	// Delivered: a packet reached the IP stack of the node it was for.
	Delivered(at time.Duration, n *Node, f *packet.Frame)
}

// New returns an empty network.
func New() *Network { return &Network{MaxEvents: 1 << 20} }

// AddNode adds a node with no interfaces; set its Handler before Run.
func (w *Network) AddNode(name string) *Node {
	n := &Node{ID: len(w.Nodes), Name: name, net: w}
	w.Nodes = append(w.Nodes, n)
	return n
}

// AddIface adds an interface to n.
func (n *Node) AddIface(name string) *Iface {
	i := &Iface{Node: n, Index: len(n.Ifaces), Name: name, MAC: packet.NodeMAC(n.ID, len(n.Ifaces))}
	n.Ifaces = append(n.Ifaces, i)
	return i
}

// Connect joins two interfaces with a link.
func (w *Network) Connect(a, b *Iface, delay time.Duration) *Link {
	l := &Link{Index: len(w.Links), A: a, B: b, Delay: delay}
	a.Link, b.Link = l, l
	w.Links = append(w.Links, l)
	return l
}

// Now is the simulated time.
func (w *Network) Now() time.Duration { return w.now }

// Now is the simulated time.
func (n *Node) Now() time.Duration { return n.net.now }

// Tracing reports whether an observer is watching, so that nodes format
// their decisions only when someone reads them.
func (n *Node) Tracing() bool { return n.net.Notes && n.net.Observer != nil }

// Note reports a node's decision to the observer.
func (n *Node) Note(format string, a ...any) {
	if n.Tracing() {
		n.net.Observer.Decided(n.net.now, n, fmt.Sprintf(format, a...))
	}
}

// Drop counts a dropped frame and tells the observer.
func (n *Node) Drop(f *packet.Frame, r DropReason) {
	n.drops[r]++
	if o := n.net.Observer; o != nil {
		o.Dropped(n.net.now, n, r, f)
	}
}

// Drops returns how many frames the node dropped for reason r.
func (n *Node) Drops(r DropReason) uint64 { return n.drops[r] }

// Deliver hands a packet to the node's own IP stack's observer (probes).
func (n *Node) Deliver(f *packet.Frame) {
	if o := n.net.Observer; o != nil {
		o.Delivered(n.net.now, n, f)
	}
}

// Send transmits f (labels or IPv4 at its front) out of interface ifIndex.
// A link or neighbour that is down drops it; a frame over the link's MTU
// goes to the node's TooBigHandler. The frame is addressed to its next
// hop's MAC from the interface's ARP cache, after an ARP exchange when the
// cache does not have it (arp.go).
func (n *Node) Send(f *packet.Frame, ifIndex int) {
	out := n.Ifaces[ifIndex]
	l := out.Link
	if l == nil || !l.Up() {
		n.Drop(f, DropLinkDown)
		return
	}
	if l.MTU > 0 && len(f.Data()) > l.MTU {
		if h, ok := n.Handler.(TooBigHandler); ok {
			h.TooBig(f, ifIndex, l.MTU)
		} else {
			n.Drop(f, DropTooBig)
		}
		return
	}
	dst := out.Peer().MAC
	if out.Addr.IsValid() {
		target, broadcast := out.nextHop(f)
		switch mac, ok := out.lookup(target); {
		case broadcast:
			dst = packet.BroadcastMAC
		case ok:
			dst = mac
		default:
			out.resolve(target, f)
			return
		}
	}
	f.PutEthernet(dst, out.MAC)
	out.Tag(f)
	out.transmit(f)
}

// SendFrame transmits a whole Ethernet frame (header at its front) out of
// interface ifIndex as it is: a bridge's output.
func (n *Node) SendFrame(f *packet.Frame, ifIndex int) {
	out := n.Ifaces[ifIndex]
	if out.Link == nil || !out.Link.Up() {
		n.Drop(f, DropLinkDown)
		return
	}
	out.transmit(f)
}

// Tag adds the interface's 802.1Q tag to a frame leaving it.
func (i *Iface) Tag(f *packet.Frame) {
	if i.VLAN != 0 {
		f.InsertVLAN(i.VLAN)
	}
}

// transmit puts a frame whose Ethernet header is written on the wire.
func (i *Iface) transmit(f *packet.Frame) {
	w := i.Node.net
	if w.Observer != nil {
		w.Observer.Transmitted(w.now, i, f.Data())
	}
	w.seq++
	w.q.push(event{at: w.now + i.Link.Delay, seq: w.seq, to: i.Peer(), f: f})
}

// Run delivers frames until none is in flight. It returns an error only when
// MaxEvents is exceeded.
func (w *Network) Run() error {
	for n := 0; len(w.q) > 0; n++ {
		if n >= w.MaxEvents {
			w.q = w.q[:0]
			return fmt.Errorf("sim: more than %d frame deliveries in one run; stopped", w.MaxEvents)
		}
		ev := w.q.pop()
		w.now = ev.at
		if ev.f == nil {
			ev.to.arpTimer(ev.arp, ev.meta)
			continue
		}
		w.deliver(ev.to, ev.f)
	}
	return nil
}

func (w *Network) deliver(in *Iface, f *packet.Frame) {
	n := in.Node
	if n.Down {
		return // its link is down too; a frame in flight is lost with the node
	}
	if w.Observer != nil {
		w.Observer.Received(w.now, in, f)
	}
	if in.Bridge {
		n.Handler.(BridgeHandler).ReceiveFrame(f, in.Index)
		return
	}
	if len(f.Data()) < packet.EthLen {
		n.Drop(f, DropMalformed)
		return
	}
	if vlan, tagged := f.PopVLAN(); vlan != in.VLAN || tagged != (in.VLAN != 0) {
		n.Note("a frame tagged %d on %s, which takes %s: dropped", vlan, in.Name, vlanName(in.VLAN))
		n.Drop(f, DropVLANMismatch)
		return
	}
	if packet.WireARP(f.Data()) != nil {
		in.receiveARP(f)
		return
	}
	if d := packet.WireDst(f.Data()); d != in.MAC && d != packet.BroadcastMAC {
		n.Drop(f, DropNotForMe) // an Ethernet port takes only its own and broadcast frames
		return
	}
	if t, _ := packet.WireEtherType(f.Data()); t != packet.EtherTypeIPv4 && t != packet.EtherTypeMPLS {
		if h, ok := n.Handler.(RawHandler); ok {
			h.ReceiveRaw(f, in.Index)
			return
		}
		n.Note("ethertype %#04x on %s: an IP interface takes IPv4, MPLS and ARP only", t, in.Name)
		n.Drop(f, DropNotIP)
		return
	}
	if !f.StripEthernet() {
		n.Drop(f, DropMalformed)
		return
	}
	n.Handler.Receive(f, in.Index)
}

func vlanName(v uint16) string {
	if v == 0 {
		return "untagged frames"
	}
	return fmt.Sprintf("VLAN %d", v)
}

// event is a frame arriving at an interface, or (f nil) an ARP timer of
// that interface for an address.
type event struct {
	at   time.Duration
	seq  uint64
	to   *Iface
	f    *packet.Frame
	arp  netip.Addr
	meta packet.Meta
}

// eventQueue is a binary min-heap of events ordered by (at, seq); typed, so
// pushing a frame in flight allocates nothing once the slice has grown.
type eventQueue []event

func (q eventQueue) less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}

func (q *eventQueue) push(e event) {
	*q = append(*q, e)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *eventQueue) pop() event {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = event{}
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, m) {
			m = l
		}
		if r < len(h) && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}

// DropReason says why a frame went nowhere.
type DropReason uint8

// Drop reasons.
const (
	DropNoRoute           DropReason = iota // no route to the destination
	DropNoLabel                             // an incoming label with no LFIB entry
	DropTTLExpired                          // TTL reached zero (after any ICMP error was sent)
	DropLinkDown                            // the outgoing link or the neighbour is down
	DropMalformed                           // bytes the node cannot parse
	DropNoVRF                               // a packet for a VRF the node does not hold
	DropNotForwarded                        // an ICMP error about an ICMP error, or a packet for a host the node cannot answer
	DropDiscard                             // a route to null0 (a static discard route)
	DropDirectedBroadcast                   // for the broadcast address of a connected subnet: not forwarded (IOS no ip directed-broadcast, RFC 2644)
	DropTooBig                              // larger than the next link's MTU with DF set (after the fragmentation needed was sent)
	DropARPUnresolved                       // its next hop never answered ARP (host unreachable was sent)
	DropNotForMe                            // an Ethernet frame for another MAC
	DropVLANMismatch                        // an 802.1Q tag the interface does not take
	DropNotIP                               // an ethertype other than IPv4, MPLS or ARP on an IP interface (an IP-VPN carries IP only)
	DropSplitHorizon                        // a bridge sends no frame back where it came from
	DropNoEVPN                              // an EVPN frame with nowhere to go (no attachment, no remote PE)
	numReasons
)

var reasonNames = [...]string{
	DropNoRoute:           "no-route",
	DropNoLabel:           "no-label-binding",
	DropTTLExpired:        "ttl-expired",
	DropLinkDown:          "link-down",
	DropMalformed:         "malformed",
	DropNoVRF:             "vrf-mismatch",
	DropNotForwarded:      "not-forwarded",
	DropDiscard:           "null0",
	DropDirectedBroadcast: "directed-broadcast",
	DropTooBig:            "fragmentation-needed",
	DropARPUnresolved:     "arp-unresolved",
	DropNotForMe:          "not-for-me",
	DropVLANMismatch:      "vlan-mismatch",
	DropNotIP:             "not-ip",
	DropSplitHorizon:      "split-horizon",
	DropNoEVPN:            "no-evpn-destination",
}

func (r DropReason) String() string { return reasonNames[r] }

// ParseDropReason is the reason String names.
func ParseDropReason(s string) (DropReason, bool) {
	for i, n := range reasonNames {
		if n == s {
			return DropReason(i), true
		}
	}
	return 0, false
}

// Reasons lists every drop reason in order.
func Reasons() []DropReason {
	r := make([]DropReason, numReasons)
	for i := range r {
		r[i] = DropReason(i)
	}
	return r
}
