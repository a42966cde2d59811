// Package ce is the customer edge router: plain IP, no labels. It stands in
// for the hosts behind it (it answers for every address in its LANs) and
// forwards everything else by its own routes: a default route to its PE
// (static routing) or what it learned over eBGP.
package ce

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/vpnsim/vpnsim/host"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// Route is one CE route.
type Route struct {
	Prefix   netip.Prefix
	Proto    string // "connected", "static" or "ebgp"
	NextHops []NextHop
}

// NextHop is one way out toward a PE.
type NextHop struct {
	IfIndex int
	PE      string
	Addr    netip.Addr // the PE's address on the link ("" for connected)
}

// CE is the data plane of a customer edge router.
type CE struct {
	Node   *sim.Node
	Config *topologies.Node
	table  *bart.Table[*Route]
	routes []*Route
	addrs  map[netip.Addr]bool
}

var _ sim.Handler = (*CE)(nil)

// New builds a CE on node n.
func New(n *sim.Node, cfg *topologies.Node) *CE {
	c := &CE{Node: n, Config: cfg, table: new(bart.Table[*Route]), addrs: map[netip.Addr]bool{}}
	for _, ifc := range cfg.Interfaces {
		c.addrs[ifc.Addr.Addr()] = true
	}
	return c
}

// Source is the address the CE's own pings come from: the first host of
// its first LAN, or its address on its first link.
func (c *CE) Source() netip.Addr {
	if len(c.Config.LANs) > 0 {
		return topologies.LANSource(c.Config.LANs[0])
	}
	if len(c.Config.Interfaces) > 0 {
		return c.Config.Interfaces[0].Addr.Addr()
	}
	return netip.Addr{}
}

// Install replaces the CE's routes (the connected subnets of its links are
// added here, for the links that are up).
func (c *CE) Install(routes []*Route) {
	c.table = new(bart.Table[*Route])
	c.routes = c.routes[:0]
	for i, ifc := range c.Config.Interfaces {
		if l := c.Node.Ifaces[i].Link; l != nil && l.Up() {
			c.add(&Route{Prefix: ifc.Addr.Masked(), Proto: "connected", NextHops: []NextHop{{IfIndex: i}}})
		}
	}
	for _, r := range routes {
		if _, ok := c.table.Get(r.Prefix); !ok {
			c.add(r)
		}
	}
	slices.SortFunc(c.routes, func(a, b *Route) int {
		if x := a.Prefix.Addr().Compare(b.Prefix.Addr()); x != 0 {
			return x
		}
		return cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits())
	})
}

func (c *CE) add(r *Route) {
	c.table.Insert(r.Prefix, r)
	c.routes = append(c.routes, r)
}

// Routes returns the CE's routes sorted by prefix.
func (c *CE) Routes() []*Route { return c.routes }

// Lookup is the longest-prefix match for dst.
func (c *CE) Lookup(dst netip.Addr) *Route {
	r, _ := c.table.Lookup(dst)
	return r
}

// IsLocal reports whether the CE is the destination for dst: one of its
// link addresses or any address in its LANs.
func (c *CE) IsLocal(dst netip.Addr) bool {
	if c.addrs[dst] {
		return true
	}
	for _, l := range c.Config.LANs {
		if l.Contains(dst) {
			return true
		}
	}
	return false
}

// Receive implements sim.Handler.
func (c *CE) Receive(f *packet.Frame, in int) {
	if f.Labels > 0 {
		c.Node.Note("labelled frame: a CE speaks plain IP; dropped")
		c.Node.Drop(f, sim.DropMalformed)
		return
	}
	ip := f.IP()
	if c.IsLocal(ip.Dst()) {
		c.local(f)
		return
	}
	ttl := ip.TTL()
	if ttl <= 1 {
		c.Node.Note("TTL expired: time exceeded to %s", ip.Src())
		c.Node.Drop(f, sim.DropTTLExpired)
		if te := host.Error(c.Node, f, c.Config.Interfaces[in].Addr.Addr(), packet.ICMPTimeExceeded, 0, nil); te != nil {
			c.Originate(te)
		}
		return
	}
	ip.SetTTL(ttl - 1)
	c.forward(f)
}

// Originate sends a packet the CE built itself.
func (c *CE) Originate(f *packet.Frame) {
	if c.IsLocal(f.IP().Dst()) {
		c.local(f)
		return
	}
	c.forward(f)
}

func (c *CE) local(f *packet.Frame) {
	if reply := host.Answer(c.Node, f); reply != nil {
		c.Originate(reply)
	}
}

func (c *CE) forward(f *packet.Frame) {
	ip := f.IP()
	r := c.Lookup(ip.Dst())
	if r == nil || len(r.NextHops) == 0 {
		c.Node.Note("no route to %s", ip.Dst())
		c.Node.Drop(f, sim.DropNoRoute)
		return
	}
	nh := r.NextHops[ip.Choose(len(r.NextHops))]
	if c.Node.Tracing() {
		to := nh.PE
		if to == "" {
			to = "directly connected"
		}
		c.Node.Note("route %s (%s) -> %s on %s", r.Prefix, r.Proto, to, c.Node.Ifaces[nh.IfIndex].Name)
	}
	c.Node.Send(f, nh.IfIndex)
}

var _ sim.TooBigHandler = (*CE)(nil)

// TooBig handles a packet larger than the MTU of the link it leaves on:
// with DF set it is dropped and its source told with a fragmentation
// needed (RFC 1191; a packet the CE built itself gets it at once, as a
// host's stack reports it); without DF it leaves in fragments that fit.
func (c *CE) TooBig(f *packet.Frame, out, mtu int) {
	ip := f.IP()
	if !ip.DF() {
		frags := packet.Fragment(ip, mtu)
		if len(frags) == 0 {
			c.Node.Drop(f, sim.DropTooBig) // not a packet that can be cut
			return
		}
		c.Node.Note("%d bytes do not fit %s (MTU %d): fragmented into %d", ip.TotalLen(), c.Node.Ifaces[out].Name, mtu, len(frags))
		for _, p := range frags {
			c.Node.Send(packet.NewFrame(p, f.Meta), out)
		}
		return
	}
	c.Node.Note("%d bytes do not fit %s (MTU %d): DF set, fragmentation needed", ip.TotalLen(), c.Node.Ifaces[out].Name, mtu)
	c.Node.Drop(f, sim.DropTooBig)
	if e := host.FragNeeded(c.Node, f, c.Config.Interfaces[out].Addr.Addr(), mtu, nil); e != nil {
		c.Originate(e)
	}
}

var _ sim.UnresolvedHandler = (*CE)(nil)

// Unresolved: the next hop of a packet out of interface out never answered
// ARP; its source, the CE itself for its own pings, gets host unreachable
// from the CE's address on that interface (RFC 1122 section 3.2.2.1; a
// Linux host's "Destination Host Unreachable").
func (c *CE) Unresolved(f *packet.Frame, out int) {
	if e := host.Error(c.Node, f, c.Config.Interfaces[out].Addr.Addr(), packet.ICMPUnreachable, packet.UnreachHost, nil); e != nil {
		c.Originate(e)
	}
}

var _ sim.RawHandler = (*CE)(nil)

// ReceiveRaw takes an Ethernet frame of another protocol than IPv4 (a
// customer's own ethertype, which wide-area Ethernet carries and an IP-VPN
// does not): the host takes it.
func (c *CE) ReceiveRaw(f *packet.Frame, in int) {
	t, _ := packet.WireEtherType(f.Data())
	c.Node.Note("frame of ethertype %#04x from %s delivered to %s", t, packet.WireSrc(f.Data()), c.Node.Name)
	c.Node.Deliver(f)
}
