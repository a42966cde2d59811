package p

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// tnode and tlink describe a topology for tests; build resolves it the way
// the topology contract says the loader does, without the YAML (interfaces eth1, eth2, … in
// link order; provider links take consecutive /31s from 100.64.0.0/16, the
// first endpoint the lower address; CE links consecutive /30s from
// 100.96.0.0/11, the PE the first usable address).
type tnode struct {
	name string
	role topologies.Role
	lo   string // provider routers only
}

type tlink struct {
	a, b   string
	metric uint32 // 0: the default 10
	vrf    string // CE links only
}

func build(php bool, nodes []tnode, links []tlink) *topologies.Topology {
	t := &topologies.Topology{Name: "test", Provider: topologies.Provider{ASN: 65000, PHP: php}}
	byName := map[string]*topologies.Node{}
	for _, n := range nodes {
		node := &topologies.Node{Name: n.name, Role: n.role}
		if n.lo != "" {
			node.Loopback = netip.MustParseAddr(n.lo)
		}
		t.Nodes = append(t.Nodes, node)
		byName[n.name] = node
	}
	core := netip.MustParseAddr("100.64.0.0")
	edge := netip.MustParseAddr("100.96.0.0")
	for i, l := range links {
		a, b := byName[l.a], byName[l.b]
		if a == nil || b == nil {
			panic(fmt.Sprintf("test topology: link %d names an unknown node", i))
		}
		link := &topologies.Link{Index: i, Metric: l.metric, Delay: time.Millisecond, VRF: l.vrf}
		if link.Metric == 0 {
			link.Metric = 10
		}
		var aAddr, bAddr netip.Addr
		if l.vrf == "" {
			link.Subnet = netip.PrefixFrom(core, 31)
			aAddr, bAddr = core, core.Next()
			core = bAddr.Next()
		} else {
			link.Routing = topologies.RoutingStatic
			link.Subnet = netip.PrefixFrom(edge, 30)
			pe, ce := edge.Next(), edge.Next().Next()
			aAddr, bAddr = pe, ce
			if a.Role == topologies.RoleCE {
				aAddr, bAddr = ce, pe
			}
			edge = ce.Next().Next()
		}
		link.A = &topologies.Interface{Node: a, Name: fmt.Sprintf("eth%d", len(a.Interfaces)+1), Addr: netip.PrefixFrom(aAddr, link.Subnet.Bits()), Link: link}
		link.B = &topologies.Interface{Node: b, Name: fmt.Sprintf("eth%d", len(b.Interfaces)+1), Addr: netip.PrefixFrom(bAddr, link.Subnet.Bits()), Link: link}
		a.Interfaces = append(a.Interfaces, link.A)
		b.Interfaces = append(b.Interfaces, link.B)
		t.Links = append(t.Links, link)
	}
	return t
}

// classic is the built-in topology of the contract's example network, with
// php as given and without its label ranges: p's tests pin the default
// allocation (LDP from 16; TestLabelRange in lab covers label-range).
func classic(tb testing.TB, php bool) *topologies.Topology {
	tb.Helper()
	t, _, err := topologies.Builtin("classic")
	if err != nil {
		tb.Fatal(err)
	}
	t.Provider.PHP = php
	defaultLabels(t)
	return t
}

// defaultLabels removes every label-range, so that labels follow the
// default rule.
func defaultLabels(t *topologies.Topology) {
	for _, n := range t.Nodes {
		n.LabelRange = [2]uint32{}
	}
}

// ftnOf is router r's FTN as a map: every provider loopback with a
// non-empty FTN.
func ftnOf(r *Router) map[netip.Addr][]mpls.NHLFE {
	out := map[netip.Addr][]mpls.NHLFE{}
	for _, o := range r.core.routers {
		if nh := r.FTN(o.Node.Loopback); len(nh) > 0 {
			out[o.Node.Loopback] = nh
		}
	}
	return out
}
