package lab

import (
	"net/netip"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/topologies"
)

// An eBGP CE is a BGP router: it passes what it learned from one PE on to
// its other eBGP neighbours, with its own AS prepended (RFC 4271 section
// 9.2), so a hub CE carries spoke-to-spoke traffic in a hub-and-spoke VPN.
// GoBGP would hold back every such path toward a PE, since the PE's AS
// (the provider's) is already in the AS path; a real CE sends it and the
// receiving PE drops it unless its attachment says pe-allowas-in. So the
// CE's best learned paths are originated on its speaker by the model,
// each with the AS path and origin it arrived with and, as next hop, the
// CE's address on the link it came over: an export policy per link
// (bgp.Speaker.NoEcho) keeps each from going back where it came from.
// A CE with a single eBGP link has nothing to pass on.

// ceBest is a CE's best path per prefix among those learned from PEs: the
// shortest AS path, then the lowest neighbour name (a CE's decision; local
// preference and MED are equal on its side), with the prefixes in RIB order.
func (c *control) ceBest(paths []bgp.IPv4Path) (map[netip.Prefix]bgp.IPv4Path, []netip.Prefix) {
	best := map[netip.Prefix]bgp.IPv4Path{}
	var order []netip.Prefix
	for _, p := range paths {
		if _, ok := c.peerOf[p.FromPeer]; !ok {
			continue
		}
		cur, ok := best[p.Prefix]
		if !ok {
			order = append(order, p.Prefix)
		}
		if !ok || len(p.ASPath) < len(cur.ASPath) || (len(p.ASPath) == len(cur.ASPath) && p.FromPeer < cur.FromPeer) {
			best[p.Prefix] = p
		}
	}
	return best, order
}

// transit brings what each multi-homed eBGP CE passes on to its best
// learned paths; it reports whether anything changed.
func (c *control) transit() (bool, error) {
	l := c.l
	changed := false
	for _, n := range l.Topo.Nodes {
		sp := c.ceSp[n.Name]
		if sp == nil || c.ebgpLinks(n) < 2 {
			continue
		}
		want := map[netip.Prefix]bgp.IPv4Route{}
		if !l.state.NodeDown[n.Name] {
			paths, err := sp.IPv4Paths()
			if err != nil {
				return changed, err
			}
			best, order := c.ceBest(paths)
			own := map[netip.Prefix]bool{}
			for _, lan := range n.LANs {
				own[lan] = true
			}
			for _, pfx := range order {
				if own[pfx] {
					continue
				}
				p := best[pfx]
				want[pfx] = bgp.IPv4Route{Prefix: pfx, NextHop: c.peerOf[p.FromPeer].att.CEAddr, ASPath: p.ASPath, Origin: p.Origin}
			}
		}
		ch, err := syncIPv4(sp, c.advCE[n.Name], want)
		changed = changed || ch
		if err != nil {
			return changed, err
		}
		c.advCE[n.Name] = want
	}
	return changed, nil
}

// ebgpLinks counts a CE's eBGP attachments.
func (c *control) ebgpLinks(n *topologies.Node) int {
	k := 0
	for _, ifc := range n.Interfaces {
		if ifc.Link.Routing == topologies.RoutingEBGP {
			k++
		}
	}
	return k
}
