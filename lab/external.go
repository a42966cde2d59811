package lab

import (
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/vpnpolicy"
	"github.com/vpnsim/vpnsim/vrf"
)

// External peers (the topology's external-peers) are real routers that
// peer with a route reflector or PE. What they advertise reaches the VRFs
// whose import targets match, but only as unresolved routes: shown in the
// tables, never installed, so never used for forwarding. No LSP of the
// model reaches a next hop outside it, and a route that only claims a
// model PE as its next hop must not steer traffic either (RFC 4364 section
// 4.3.2).
//
// A VPN path counts as the model's own when it is exactly a route a
// simulated PE advertises: same RD, prefix, label and route targets, with
// that PE's loopback as next hop. Every other path came from outside.

// addExternalPeers opens each external peer's listener on its speaker. The
// peers start down; converge sets them up with their speaker's node.
func (c *control) addExternalPeers() error {
	for _, p := range c.l.Topo.ExternalPeers {
		_, err := c.fabric.AddExternalPeer(bgp.ExternalPeerConfig{
			Name: p.Name, Speaker: c.vpn[p.PeerOf], Address: p.Address, ASN: p.ASN, Listen: p.Listen,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// setExternalPeers accepts an external peer exactly while the node it
// peers with is up.
func (c *control) setExternalPeers() {
	for _, e := range c.fabric.ExternalPeers() {
		e.SetUp(!c.l.state.NodeDown[e.Config().Speaker.Name()])
	}
}

// fromModel reports whether p is exactly a route a simulated PE advertises.
func (c *control) fromModel(p bgp.VPNPath) bool {
	r, ok := c.advVPN[c.l.NodeByLoopback(p.NextHop)][vpnKey{p.RD, p.Prefix}]
	return ok && r.NextHop == p.NextHop && r.Label == p.Label && slices.Equal(r.RouteTargets, p.RouteTargets)
}

// unresolvedRoute records p in into (one PE's unresolved routes by VRF)
// when it is a path from outside the model that VRF v imports, keeping the
// best such path per prefix, and reports whether it was.
func (c *control) unresolvedRoute(into map[string]map[netip.Prefix]*vrf.Route, v *vrf.VRF, p bgp.VPNPath) bool {
	if len(c.l.Topo.ExternalPeers) == 0 || p.FromPeer == "" || !v.Imports(p.RouteTargets) || c.fromModel(p) {
		return false
	}
	r := vpnpolicy.Received(p, "", 0) // no PE of the model, no IGP cost
	m := into[v.Name]
	if m == nil {
		m = map[netip.Prefix]*vrf.Route{}
		into[v.Name] = m
	}
	if cur := m[p.Prefix]; cur == nil || vrf.Better(r, cur) {
		m[p.Prefix] = r
	}
	return true
}

// Unresolved returns the VPN routes from outside the model that node's VRF
// imports, the best one per prefix (package vrf's decision), sorted by
// prefix: shown in its tables, never installed and never used for
// forwarding.
func (l *Lab) Unresolved(node, vrfName string) []*vrf.Route {
	var out []*vrf.Route
	for _, r := range l.ctl.unresolved[node][vrfName] {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *vrf.Route) int { return vrf.ComparePrefix(a.Prefix, b.Prefix) })
	return out
}
