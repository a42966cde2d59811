package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Table answers one of node's tables as typed rows (package render prints
// them the way a router's console would).
func (l *Lab) Table(node, name, vrfName string) (*network.Table, error) {
	n := l.Topo.Node(node)
	if n == nil {
		return nil, fmt.Errorf("no node %s", node)
	}
	t := &network.Table{Node: node, Name: name, VRF: vrfName}
	var err error
	switch name {
	case "routes":
		t.Routes, err = l.routeTable(n, vrfName)
	case "vpnv4":
		t.VPNv4, t.Absent, err = l.vpnv4Table(n)
	case "lfib":
		t.LFIB, t.Absent = l.lfibTable(n)
	case "ldp":
		t.LDP, t.Absent = l.ldpTable(n)
	case "ldp-neighbors":
		t.LDPPeers, t.Absent = l.ldpNeighbors(n)
	case "bgp":
		t.BGP = l.bgpTable(n)
	case "vrfs":
		t.VRFs, t.Absent = l.vrfTable(n)
	case "interfaces":
		t.Interfaces = l.interfaceTable(n)
	case "arp":
		t.ARP = l.arpTable(n)
	case "evpn":
		t.EVPN, t.Absent = l.evpnTable(n)
	case "mac":
		t.MAC, t.Absent, err = l.macTable(n, vrfName)
	case "bgp-evpn":
		t.BGPEVPN, t.Absent, err = l.bgpEVPNTable(n)
	default:
		err = fmt.Errorf("no table %q: choose one of %s", name, strings.Join(network.Tables, ", "))
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (l *Lab) routeTable(n *topologies.Node, vrfName string) (*network.RouteTable, error) {
	if vrfName != "" {
		v, ok := l.VRF(n.Name, vrfName)
		if !ok {
			return nil, fmt.Errorf("%s has no VRF %s", n.Name, vrfName)
		}
		unres := l.Unresolved(n.Name, v.Name)
		t := &network.RouteTable{Kind: network.VRFRoutes, VRF: v.Name, RD: v.RD, Unresolved: len(unres) > 0}
		routes := v.Routes()
		for len(routes) > 0 || len(unres) > 0 {
			if len(routes) > 0 && (len(unres) == 0 || vrf.ComparePrefix(routes[0].Prefix, unres[0].Prefix) <= 0) {
				t.Rows = append(t.Rows, l.vrfRouteRow(n, routes[0]))
				routes = routes[1:]
				continue
			}
			r := unres[0]
			unres = unres[1:]
			t.Rows = append(t.Rows, network.RouteRow{Code: "u", Prefix: r.Prefix, NextHop: r.NextHop, RD: r.RD})
		}
		return t, nil
	}
	if c := l.ces[n.Name]; c != nil {
		t := &network.RouteTable{Kind: network.CERoutes}
		for _, r := range c.Routes() {
			for _, nh := range r.NextHops {
				t.Rows = append(t.Rows, network.RouteRow{Code: ceCode(r.Proto), Prefix: r.Prefix, NextHop: nh.Addr,
					Neighbor: nh.PE, Interface: l.nodes[n.Name].Ifaces[nh.IfIndex].Name, Distance: ceDistance(r.Proto)})
			}
		}
		return t, nil
	}
	t := &network.RouteTable{Kind: network.CoreRoutes}
	for _, rt := range l.Core.Router(n.Name).Routes() {
		code, ad := "C", uint8(0)
		if rt.Proto != "connected" {
			code, ad = "i", 115 // IS-IS
		}
		for _, nh := range rt.NextHops {
			t.Rows = append(t.Rows, network.RouteRow{Code: code, Prefix: rt.Prefix, NextHop: nh.Addr, Neighbor: nh.Neighbor,
				Interface: nh.Interface, Metric: rt.Metric, Distance: ad})
		}
	}
	return t, nil
}

// vrfRouteRow is one installed route of a VRF.
func (l *Lab) vrfRouteRow(n *topologies.Node, r *vrf.Route) network.RouteRow {
	row := network.RouteRow{Code: r.Proto.Code(), Prefix: r.Prefix, Distance: uint8(r.Proto.Distance())}
	if r.Proto == vrf.IBGP || r.Proto == vrf.EBGP {
		row.Metric = r.MED
	}
	if r.Proto == vrf.IBGP {
		row.NextHop, row.Neighbor, row.Labels, row.RD = r.NextHop, r.PE, l.PushedLabels(n.Name, r), r.RD
		return row
	}
	row.NextHop, row.Neighbor, row.FromVRF = r.NextHop, r.CE, r.FromVRF
	if r.Discard {
		row.Interface = "Null0"
	} else {
		row.Interface = l.nodes[n.Name].Ifaces[r.IfIndex].Name
	}
	return row
}

// PushedLabels is the label stack node pushes for VPN route r, outermost
// first: the transport label of the first equal-cost next hop (none with
// PHP) over the VPN label.
func (l *Lab) PushedLabels(node string, r *vrf.Route) []mpls.Label {
	if r.Proto != vrf.IBGP {
		return []mpls.Label{}
	}
	out := []mpls.Label{}
	if ch := l.lsrs[node].Tables.FTN(r.NextHop); len(ch) > 0 {
		out = append(out, ch[0].Out...)
	}
	return append(out, r.Label)
}

func (l *Lab) vpnv4Table(n *topologies.Node) (*network.VPNv4Table, string, error) {
	if l.ctl.vpn[n.Name] == nil {
		return nil, fmt.Sprintf("%s runs no MP-BGP (a %s router): no VPNv4 table", n.Name, n.Role), nil
	}
	paths, valid, best, err := l.VPNTable(n.Name)
	if err != nil {
		return nil, "", err
	}
	t := &network.VPNv4Table{RouterID: n.Loopback, Rows: make([]network.VPNv4Row, len(paths))}
	reasons, metric := l.ctl.bestReasons(n, paths, valid, best)
	for i, p := range paths {
		outside := len(l.Topo.ExternalPeers) > 0 && p.FromPeer != "" && !l.ctl.fromModel(p)
		t.AnyOutside = t.AnyOutside || outside
		t.AnyInvalid = t.AnyInvalid || !valid[i]
		t.Rows[i] = network.VPNv4Row{RD: p.RD, Prefix: p.Prefix, NextHop: p.NextHop, Valid: valid[i], Best: best[i], Outside: outside,
			From: p.FromPeer, MED: p.MED, LocalPref: p.LocalPref, Label: p.Label, RouteTargets: p.RouteTargets,
			ASPath: p.ASPath, Origin: p.Origin, PeerID: p.PeerRouterID, OriginatorID: p.OriginatorID, ClusterList: p.ClusterList,
			BestReason: reasons[i], IGPMetric: metric[i]}
	}
	return t, "", nil
}

func (l *Lab) lfibTable(n *topologies.Node) ([]network.LFIBRow, string) {
	x := l.lsrs[n.Name]
	if x == nil {
		return nil, fmt.Sprintf("%s is a CE: it switches no labels", n.Name)
	}
	var rows []network.LFIBRow
	for _, e := range x.Tables.LFIB().Entries() {
		if e.Op == mpls.OpPopLookup {
			rows = append(rows, network.LFIBRow{In: e.In, Op: e.Op, FEC: e.FEC, VRF: e.VRF, Bytes: x.Switched.Get(e.In)})
			continue
		}
		for i, nh := range e.NextHops {
			row := network.LFIBRow{In: e.In, Continued: i > 0, Op: e.Op, Out: nh.Out, FEC: e.FEC, VRF: e.VRF,
				Interface: nh.Interface, NextHop: nh.Addr, Neighbor: nh.Neighbor, Untagged: nh.Untagged}
			if i == 0 {
				row.Bytes = x.Switched.Get(e.In)
			}
			rows = append(rows, row)
		}
	}
	return rows, ""
}

func (l *Lab) ldpTable(n *topologies.Node) ([]network.LDPRow, string) {
	r := l.Core.Router(n.Name)
	if r == nil {
		return nil, fmt.Sprintf("%s is a CE: it runs no LDP", n.Name)
	}
	var rows []network.LDPRow
	for _, b := range r.Bindings() {
		row := network.LDPRow{FEC: b.FEC, Local: b.Local}
		for _, rb := range b.Remote {
			row.Remote = append(row.Remote, network.LDPBinding{Neighbor: rb.Neighbor, LSR: l.Topo.Node(rb.Neighbor).Loopback, Label: rb.Label})
		}
		rows = append(rows, row)
	}
	return rows, ""
}

func (l *Lab) bgpTable(n *topologies.Node) []network.BGPSession {
	var rows []network.BGPSession
	counts := pathCounts{l: l}
	for _, s := range l.ctl.fabric.Sessions() {
		st := s.State()
		for _, side := range [][2]string{{st.A, st.B}, {st.B, st.A}} {
			if side[0] != n.Name && !strings.HasPrefix(side[0], n.Name+"/") {
				continue
			}
			state := network.Idle
			if st.Established {
				state = network.Established
			} else if !st.Desired {
				state = network.DownNoPath
			}
			row := network.BGPSession{Speaker: side[0], Neighbor: side[1], Family: st.Family.String(), State: state,
				Paths: counts.from(side[0], side[1], st.Family), LocalAS: l.Topo.Provider.ASN, AS: l.Topo.Provider.ASN}
			switch ap, ok := l.ctl.peerOf[side[0]]; {
			case ok: // a PE's session with a CE, in the attachment's VRF
				row.NeighborAddr, row.VRF, row.AS = ap.att.CEAddr, ap.att.VRF.Name, l.Topo.Node(side[1]).ASN
			default:
				if ap, ok := l.ctl.peerOf[side[1]]; ok { // a CE's session with its PE
					row.NeighborAddr, row.LocalAS = ap.att.Addr, l.Topo.Node(side[0]).ASN
				} else {
					row.NeighborAddr = l.Topo.Node(side[1]).Loopback
				}
			}
			rows = append(rows, row)
		}
	}
	for _, e := range l.ctl.fabric.ExternalPeers() {
		st := e.State()
		if st.Speaker != n.Name {
			continue
		}
		state := network.ExternalWaiting
		if st.Established {
			state = network.ExternalEstablished
		} else if !st.Desired {
			state = network.ExternalNodeDown
		}
		rows = append(rows, network.BGPSession{Speaker: st.Speaker, Neighbor: st.Name, Family: bgp.VPNv4.String(), State: state,
			Paths: counts.from(st.Speaker, st.Name, bgp.VPNv4)})
	}
	return rows
}

// pathCounts counts the paths a speaker holds from each peer (never the
// number of UPDATE messages, which depends on how the sender packed them),
// reading each speaker's VPNv4 table once however many sessions it has.
type pathCounts struct {
	l   *Lab
	vpn map[string]map[string]int // speaker, peer
}

func (c *pathCounts) from(speaker, peer string, fam bgp.Family) int {
	sp := c.l.ctl.fabric.Speaker(speaker)
	if sp == nil {
		return 0
	}
	if fam == bgp.VPNv4 {
		// What it received: a reflector's Adj-RIB-In (its Loc-RIB holds
		// only its choices), a PE's RIB. No decision is needed to count.
		m, ok := c.vpn[speaker]
		if !ok {
			m, _ = sp.VPNv4PathCounts()
			if c.vpn == nil {
				c.vpn = map[string]map[string]int{}
			}
			c.vpn[speaker] = m
		}
		return m[peer]
	}
	n := 0
	ps, _ := sp.IPv4Paths()
	for _, p := range ps {
		if p.FromPeer == peer {
			n++
		}
	}
	return n
}

func (l *Lab) vrfTable(n *topologies.Node) ([]network.VRFRow, string) {
	x := l.pes[n.Name]
	if x == nil {
		return nil, fmt.Sprintf("%s holds no VRF (a %s router)", n.Name, n.Role)
	}
	var rows []network.VRFRow
	for _, v := range x.VRFs {
		var ifs []string
		for _, a := range x.Attach {
			if a.VRF == v {
				ifs = append(ifs, x.Node.Ifaces[a.IfIndex].Name)
			}
		}
		tv := l.Topo.VRF(v.Name)
		rows = append(rows, network.VRFRow{Name: v.Name, RD: v.RD, Import: v.Import, Export: v.Export, Interfaces: ifs, Routes: len(v.Routes()),
			ImportMap: tv.ImportMap != nil, ExportMap: tv.ExportMap != nil, LabelMode: string(l.Topo.Provider.VPNLabelAllocation)})
	}
	return rows, ""
}

func (l *Lab) interfaceTable(n *topologies.Node) []network.InterfaceRow {
	var rows []network.InterfaceRow
	if n.Loopback.IsValid() {
		rows = append(rows, network.InterfaceRow{Interface: "lo", Address: netip.PrefixFrom(n.Loopback, 32), Up: true})
	}
	sn := l.nodes[n.Name]
	for i, ifc := range n.Interfaces {
		si := sn.Ifaces[i]
		row := network.InterfaceRow{Interface: ifc.Name, Address: ifc.Addr, Neighbor: ifc.Peer().String(), Up: si.Link.Up(),
			MAC: si.MAC.String()}
		row.VLAN = ifc.Link.VLAN
		switch {
		case ifc.Link.IsAttachment():
			row.VRF = ifc.Link.VRF
		case ifc.Link.IsEVPN():
			row.EVPN = ifc.Link.EVPN
		case ifc.Link.IsProviderLink():
			m := ifc.Link.Metric
			if o, ok := l.state.Metric[ifc.Link.Index]; ok {
				m = o
			}
			row.HasMetric, row.Metric = true, m
		}
		rows = append(rows, row)
	}
	return rows
}

// ldpNeighbors are the node's LDP sessions: one with each provider
// router adjacent over an up link (LDP runs on every provider link).
func (l *Lab) ldpNeighbors(n *topologies.Node) ([]network.LDPNeighbor, string) {
	r := l.Core.Router(n.Name)
	if r == nil {
		return nil, fmt.Sprintf("%s is a CE: it runs no LDP", n.Name)
	}
	var out []network.LDPNeighbor
	for _, hop := range r.LDPNeighbors() {
		if len(out) == 0 || out[len(out)-1].Neighbor != hop.Neighbor {
			nb := l.Topo.Node(hop.Neighbor)
			addrs := []netip.Addr{nb.Loopback}
			for _, ifc := range nb.Interfaces {
				if ifc.Link.IsProviderLink() { // VRF and EVPN interfaces are not bound to LDP
					addrs = append(addrs, ifc.Addr.Addr())
				}
			}
			slices.SortFunc(addrs, netip.Addr.Compare)
			out = append(out, network.LDPNeighbor{Neighbor: hop.Neighbor, PeerID: nb.Loopback, LocalID: n.Loopback, Addresses: addrs})
		}
		last := &out[len(out)-1]
		last.Sources = append(last.Sources, network.LDPSource{Interface: hop.Interface, Src: hop.Addr})
	}
	return out, ""
}

// ceDistance is the administrative distance of a CE's route.
func ceDistance(proto string) uint8 {
	switch proto {
	case "connected":
		return 0
	case "static":
		return 1
	}
	return 20
}

func ceCode(proto string) string {
	switch proto {
	case "connected":
		return "C"
	case "static":
		return "S"
	}
	return "B"
}

// arpTable is the node's ARP cache: each up interface's own address, and
// the neighbours its interfaces have learned (sim's ARP), by address as
// IOS sorts show ip arp.
func (l *Lab) arpTable(n *topologies.Node) []network.ARPRow {
	var rows []network.ARPRow
	sn := l.nodes[n.Name]
	for i, ifc := range n.Interfaces {
		si := sn.Ifaces[i]
		if si.Link == nil || !si.Link.Up() || !ifc.Addr.IsValid() {
			continue
		}
		v := ""
		if ifc.Link.IsAttachment() && n.Role == topologies.RolePE {
			v = ifc.Link.VRF
		}
		rows = append(rows, network.ARPRow{Interface: ifc.Name, VRF: v, Address: ifc.Addr.Addr(), MAC: si.MAC.String(), Own: true})
		for _, e := range si.ARP() {
			rows = append(rows, network.ARPRow{Interface: ifc.Name, VRF: v, Address: e.Addr, MAC: e.MAC.String(), Learned: e.Learned})
		}
	}
	slices.SortStableFunc(rows, func(a, b network.ARPRow) int { return a.Address.Compare(b.Address) })
	return rows
}
