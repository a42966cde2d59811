package export

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// router is one node of a topology seen as a real router: the facts its
// files are written from.
type router struct {
	t *topologies.Topology
	n *topologies.Node
}

func newRouter(t *topologies.Topology, n *topologies.Node) *router { return &router{t: t, n: n} }

// isisTag is the name of the IS-IS instance on every provider router.
const isisTag = "core"

// vrfTableBase is added to a VRF's position in the file to make the number
// of its kernel routing table: clear of the kernel's own tables (253 to
// 255) however many VRFs there are.
const vrfTableBase = 1000

// platformLabels is net.mpls.platform_labels: the kernel accepts labels up
// to one less, and FRR's label manager hands out labels from 16 upward.
const platformLabels = "1048575"

// core returns the node's interfaces on provider links, in interface order.
func (r *router) core() []*topologies.Interface {
	var out []*topologies.Interface
	for _, i := range r.n.Interfaces {
		if i.Link.IsProviderLink() {
			out = append(out, i)
		}
	}
	return out
}

// exported reports whether node n is in the lab: every node but an EVPN
// host, since FRR 8.4 runs EVPN over VXLAN only, not over MPLS (the PE
// names each EVPN attachment it leaves out; docs/real-lab.md).
func exported(n *topologies.Node) bool { return !n.LANAddress.IsValid() }

// ifName is the Linux device an interface's address sits on: the
// interface itself, or for an attachment with a VLAN its 802.1Q
// subinterface, NAME.VLAN (IOS's Gi0/1.100), which setup.sh creates.
func ifName(i *topologies.Interface) string {
	if i.Link.VLAN != 0 && !i.Link.IsProviderLink() {
		return fmt.Sprintf("%s.%d", i.Name, i.Link.VLAN)
	}
	return i.Name
}

// ldpCore are the core interfaces LDP runs on (not those with ldp: false).
func (r *router) ldpCore() []*topologies.Interface {
	var out []*topologies.Interface
	for _, i := range r.core() {
		if !i.Link.NoLDP {
			out = append(out, i)
		}
	}
	return out
}

// attachments returns the node's interfaces on CE–PE links, in interface
// order.
func (r *router) attachments() []*topologies.Interface {
	var out []*topologies.Interface
	for _, i := range r.n.Interfaces {
		if i.Link.IsAttachment() {
			out = append(out, i)
		}
	}
	return out
}

// vrfs returns a PE's VRFs sorted by name; other routers have none.
func (r *router) vrfs() []*topologies.VRF {
	if r.n.Role != topologies.RolePE {
		return nil
	}
	var out []*topologies.VRF
	for _, name := range r.n.VRFs() {
		out = append(out, r.t.VRF(name))
	}
	slices.SortFunc(out, func(a, b *topologies.VRF) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// rd returns the route distinguisher the PE uses for v, as the simulator
// does (topologies.VRF.RDOn).
func (r *router) rd(v *topologies.VRF) vrf.RD { return v.RDOn(r.n) }

// table returns the kernel routing table of VRF v.
func table(v *topologies.VRF) int { return vrfTableBase + v.Index }

// peer is one iBGP neighbour.
type peer struct {
	n      *topologies.Node
	client bool // a route-reflector client of this router
}

// ibgpPeers returns the router's iBGP VPNv4 neighbours, the simulator's
// session plan (topologies.Topology.IBGPSessions), sorted by loopback.
func (r *router) ibgpPeers() []peer {
	var out []peer
	for _, p := range r.t.IBGPPeers(r.n) {
		out = append(out, peer{n: p.Node, client: p.Client})
	}
	slices.SortFunc(out, func(a, b peer) int { return a.n.Loopback.Compare(b.n.Loopback) })
	return out
}

// net returns the router's IS-IS NET: area 49.0001 and a system ID made of
// the loopback's four octets, each written with three digits (10.0.0.1
// becomes 0100.0000.0001), so it is unique wherever loopbacks are.
func net(lo netip.Addr) string {
	b := lo.As4()
	d := fmt.Sprintf("%03d%03d%03d%03d", b[0], b[1], b[2], b[3])
	return "49.0001." + d[0:4] + "." + d[4:8] + "." + d[8:12] + ".00"
}

// ceSource is a CE's router ID, as in the simulator: the first host of its
// first LAN, or its address on its first link.
func ceSource(n *topologies.Node) netip.Addr {
	if len(n.LANs) > 0 {
		return topologies.LANSource(n.LANs[0])
	}
	if len(n.Interfaces) > 0 {
		return n.Interfaces[0].Addr.Addr()
	}
	return netip.Addr{}
}

// lanAddr is the address a CE puts on its loopback for one LAN: the LAN's
// first host (its only address for a /32) with the LAN's length. An address
// on the loopback makes its whole prefix local, so the CE answers for every
// address in the LAN, as the simulator's CE does.
func lanAddr(p netip.Prefix) netip.Prefix {
	a := p.Masked().Addr()
	if p.Bits() < 31 {
		a = a.Next()
	}
	return netip.PrefixFrom(a, p.Bits())
}
