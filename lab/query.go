package lab

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/vrf"
)

// Route looks prefix up exactly in node's global table, or in its VRF
// vrfName. It returns nil when the route is absent, and
// network.ErrNoSuchVRF when the node has no such VRF.
func (l *Lab) Route(node, vrfName string, prefix netip.Prefix) (*network.RouteAnswer, error) {
	if vrfName != "" {
		v, ok := l.VRF(node, vrfName)
		if !ok {
			return nil, network.ErrNoSuchVRF
		}
		r := v.Exact(prefix)
		if r == nil {
			return nil, nil
		}
		a := &network.RouteAnswer{Proto: r.Proto.String(), NextHop: r.NextHop, Labels: []mpls.Label{}}
		if r.Proto == vrf.IBGP {
			for _, nh := range l.lsrs[node].Tables.FTN(r.NextHop) {
				a.Via = append(a.Via, nh.Neighbor)
			}
			for _, x := range l.PushedLabels(node, r) {
				a.Labels = append(a.Labels, x)
			}
		} else if r.Discard {
			a.Via = []string{"null0"}
		} else {
			a.Via = []string{l.nodes[node].Ifaces[r.IfIndex].Peer().Node.Name}
		}
		slices.Sort(a.Via)
		a.Via = slices.Compact(a.Via)
		return a, nil
	}
	if c := l.ces[node]; c != nil {
		for _, r := range c.Routes() {
			if r.Prefix != prefix {
				continue
			}
			a := &network.RouteAnswer{Proto: r.Proto, Labels: []mpls.Label{}}
			for _, nh := range r.NextHops {
				a.Via = append(a.Via, l.nodes[node].Ifaces[nh.IfIndex].Peer().Node.Name)
				if !a.NextHop.IsValid() {
					a.NextHop = nh.Addr
				}
			}
			slices.Sort(a.Via)
			return a, nil
		}
		return nil, nil
	}
	rt := l.Core.Router(node)
	if rt == nil {
		return nil, nil
	}
	r := rt.Route(prefix)
	if r == nil {
		return nil, nil
	}
	a := &network.RouteAnswer{Proto: r.Proto, Labels: []mpls.Label{}}
	for _, nh := range r.NextHops {
		if nh.Neighbor != "" {
			a.Via = append(a.Via, nh.Neighbor)
		}
		if !a.NextHop.IsValid() {
			a.NextHop = nh.Addr
		}
	}
	if prefix.Bits() == 32 {
		if ch := rt.FTN(prefix.Addr()); len(ch) > 0 {
			for _, x := range ch[0].Out {
				a.Labels = append(a.Labels, x)
			}
		}
	}
	slices.Sort(a.Via)
	return a, nil
}

// LFIBEntry looks an incoming label up in node's LFIB; nil when absent.
func (l *Lab) LFIBEntry(node string, label mpls.Label) (*network.LFIBAnswer, error) {
	x := l.lsrs[node]
	if x == nil {
		return nil, nil
	}
	e := x.Tables.LFIB().Lookup(label)
	if e == nil {
		return nil, nil
	}
	a := &network.LFIBAnswer{Op: e.Op.String(), Out: []mpls.Label{}, VRF: e.VRF}
	for i, nh := range e.NextHops {
		if i == 0 {
			a.Out = append(a.Out, nh.Out...)
		}
		a.Via = append(a.Via, nh.Neighbor)
	}
	if e.Op == mpls.OpSwap && len(a.Out) == 0 {
		a.Op = "pop"
	}
	slices.Sort(a.Via)
	return a, nil
}

// Count counts the entries of one of node's tables: routes (global or in
// vrfName), vpnv4 (every path its BGP holds) or lfib.
func (l *Lab) Count(node, table, vrfName string) (int, error) {
	switch table {
	case "routes":
		if vrfName != "" {
			v, ok := l.VRF(node, vrfName)
			if !ok {
				return 0, fmt.Errorf("%s has no VRF %s", node, vrfName)
			}
			return len(v.Routes()), nil
		}
		if c := l.ces[node]; c != nil {
			return len(c.Routes()), nil
		}
		if r := l.Core.Router(node); r != nil {
			return len(r.Routes()), nil
		}
		return 0, fmt.Errorf("no node %s", node)
	case "vpnv4":
		ps, _, _, err := l.VPNTable(node)
		return len(ps), err
	case "lfib":
		if x := l.lsrs[node]; x != nil {
			return x.Tables.LFIB().Len(), nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("no table %q to count: choose routes, vpnv4 or lfib", table)
}
