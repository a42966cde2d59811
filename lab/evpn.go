package lab

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/pe"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// EVPN's control plane (RFC 7432, RFC 8214) over the same PE and RR
// speakers as VPNv4 (the sessions carry l2vpn-evpn beside it): each PE
// advertises, per EVPN instance with an attachment up, an inclusive
// multicast route (E-LAN: its flooding label, ingress replication), a
// MAC/IP route per MAC learned on its attachments (its MAC label), or per
// E-Line attachment an Ethernet A-D per EVI route carrying its VPWS service
// ID and label; and installs from the others' routes, matched to its
// instances by route target, the PEs to flood to, the MACs behind them and
// an E-Line's far end.
//
// MACs are learned by the data plane, in simulated time, while BGP runs in
// real time: a MAC learned during a probe is advertised when the probe is
// over (Lab.afterProbe converges once more), so the answer to a first ARP
// request crosses as unknown unicast, flooded, and the next packet finds
// the MAC known. Every outcome stays the same from run to run.

type evpnKey struct {
	typ uint8
	rd  vrf.RD
	tag uint32
	mac [6]byte
}

// evpnWant is what PE n advertises for its EVPN instances now.
func (c *control) evpnWant(n *topologies.Node, x *pe.PE) map[evpnKey]bgp.EVPNRoute {
	want := map[evpnKey]bgp.EVPNRoute{}
	if c.l.state.NodeDown[n.Name] {
		return want
	}
	for _, e := range x.EVIs {
		var up []*p.EVIAC
		for _, ac := range e.ACs {
			if x.Node.Ifaces[ac.IfIndex].Link.Up() {
				up = append(up, ac)
			}
		}
		if len(up) == 0 {
			continue
		}
		base := bgp.EVPNRoute{RD: e.RD, NextHop: n.Loopback, RouteTargets: e.Export}
		if e.Type == topologies.ELine {
			for _, ac := range up {
				r := base
				r.Type, r.EthernetTag, r.Label = bgp.EVPNEthernetAD, ac.ServiceID, e.Label
				r.L2Attrs = &bgp.L2Attributes{Primary: true, ControlWord: true}
				want[evpnKey{r.Type, r.RD, r.EthernetTag, r.MAC}] = r
			}
			continue
		}
		r := base
		r.Type, r.Label = bgp.EVPNInclusiveMulticast, e.BUMLabel
		want[evpnKey{r.Type, r.RD, 0, r.MAC}] = r
		for _, m := range e.SortedMACs() {
			if !m.Local {
				continue
			}
			r := base
			r.Type, r.MAC, r.Label = bgp.EVPNMACIP, m.MAC, e.Label
			want[evpnKey{r.Type, r.RD, 0, r.MAC}] = r
		}
	}
	return want
}

func sortedEVPNKeys(m map[evpnKey]bgp.EVPNRoute) []evpnKey {
	keys := make([]evpnKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b evpnKey) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), a.rd.Compare(b.rd), cmp.Compare(a.tag, b.tag), bytes.Compare(a.mac[:], b.mac[:]))
	})
	return keys
}

// evpn runs one EVPN round on every PE, once the speakers have settled:
// install what they hold, then advertise what changed. It reports whether
// any advertisement changed (another round is needed).
func (c *control) evpn() (bool, error) {
	l := c.l
	if len(l.Topo.EVPNs) == 0 {
		return false, nil
	}
	byLoopback := map[netip.Addr]string{}
	for _, n := range l.Topo.Nodes {
		if n.Loopback.IsValid() {
			byLoopback[n.Loopback] = n.Name
		}
	}
	changed := false
	for _, n := range l.Topo.Nodes {
		x := l.pes[n.Name]
		if x == nil || len(x.EVIs) == 0 {
			continue
		}
		for _, e := range x.EVIs {
			for _, ac := range e.ACs {
				if !x.Node.Ifaces[ac.IfIndex].Link.Up() {
					e.FlushAC(ac.IfIndex)
				}
			}
		}
		if err := c.installEVPN(n, x, byLoopback); err != nil {
			return false, err
		}
		want := c.evpnWant(n, x)
		have := c.advEVPN[n.Name]
		sp := c.vpn[n.Name]
		var add, del []bgp.EVPNRoute
		for _, k := range sortedEVPNKeys(have) {
			if _, ok := want[k]; !ok {
				del = append(del, have[k])
			}
		}
		for _, k := range sortedEVPNKeys(want) {
			if old, ok := have[k]; !ok || old.Label != want[k].Label {
				add = append(add, want[k])
			}
		}
		if len(del) > 0 {
			if err := sp.DeleteEVPN(del...); err != nil {
				return false, err
			}
		}
		if len(add) > 0 {
			if err := sp.AddEVPN(add...); err != nil {
				return false, err
			}
		}
		c.advEVPN[n.Name] = want
		changed = changed || len(add) > 0 || len(del) > 0
		for _, e := range x.EVIs {
			e.Learned = false
		}
	}
	return changed, nil
}

// installEVPN gives PE n's instances what its speaker holds from the other
// PEs, matched by route target (an instance takes a route carrying one of
// its import targets), and its EVPN labels' LFIB entries.
func (c *control) installEVPN(n *topologies.Node, x *pe.PE, byLoopback map[netip.Addr]string) error {
	x.InstallEVPN()
	var paths []bgp.EVPNPath
	if !c.l.state.NodeDown[n.Name] {
		var err error
		if paths, err = c.vpn[n.Name].EVPNPaths(); err != nil {
			return err
		}
	}
	for _, e := range x.EVIs {
		var macs []p.MACEntry
		var remotes []p.RemotePE
		var peer *p.RemotePE
		own := map[uint32]bool{}
		for _, ac := range e.ACs {
			own[ac.ServiceID] = true
		}
		seenPE := map[netip.Addr]bool{}
		seenMAC := map[packet.MAC]bool{}
		for _, path := range paths {
			if !path.Best || path.From == "" || path.NextHop == n.Loopback || !vrf.Matches(e.Import, path.RouteTargets) {
				continue
			}
			rp := p.RemotePE{Addr: path.NextHop, Name: byLoopback[path.NextHop], Label: path.Label}
			switch path.Type {
			case bgp.EVPNInclusiveMulticast:
				if e.Type == topologies.ELAN && !seenPE[rp.Addr] {
					seenPE[rp.Addr] = true
					remotes = append(remotes, rp)
				}
			case bgp.EVPNMACIP:
				// paths are sorted by MAC, then next hop: the lowest
				// next hop wins when two PEs claim one MAC
				if e.Type == topologies.ELAN && !seenMAC[path.MAC] {
					seenMAC[path.MAC] = true
					macs = append(macs, p.MACEntry{MAC: path.MAC, PE: rp.Addr, PEName: rp.Name, Label: rp.Label})
				}
			case bgp.EVPNEthernetAD:
				// the far end of an E-Line advertises the service ID this
				// end does not own (RFC 8214: local and remote IDs)
				if e.Type == topologies.ELine && !own[path.EthernetTag] && peer == nil {
					peer = &rp
				}
			}
		}
		e.InstallRemote(macs, remotes, peer)
	}
	return nil
}

// afterProbe runs the control plane once more when a probe taught a PE a
// MAC on an attachment: the MAC/IP routes go out and every PE installs
// them, as BGP would while the next packet is on its way.
func (l *Lab) afterProbe() error {
	learned := false
	for _, x := range l.pes {
		for _, e := range x.EVIs {
			learned = learned || e.Learned
		}
	}
	if !learned {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := l.ctl.converge(ctx); err != nil {
		return fmt.Errorf("advertising the MACs learned: %w", err)
	}
	return nil
}

// evpnTable lists the PE's EVPN instances.
func (l *Lab) evpnTable(n *topologies.Node) ([]network.EVPNRow, string) {
	x := l.pes[n.Name]
	if x == nil || len(x.EVIs) == 0 {
		return nil, fmt.Sprintf("%s has no EVPN instance", n.Name)
	}
	var rows []network.EVPNRow
	for _, e := range x.EVIs {
		row := network.EVPNRow{Name: e.Name, Type: string(e.Type), RD: e.RD, Import: e.Import, Export: e.Export, Label: e.Label, BUMLabel: e.BUMLabel, MACs: len(e.MACs)}
		for _, ac := range e.ACs {
			s := x.Node.Ifaces[ac.IfIndex].Name + " ("
			if ac.VLAN != 0 {
				s += fmt.Sprintf("VLAN %d, ", ac.VLAN)
			}
			row.Interfaces = append(row.Interfaces, s+ac.CE+")")
		}
		for _, r := range e.Remotes {
			row.Remotes = append(row.Remotes, fmt.Sprintf("%s %s label %d", r.Name, r.Addr, r.Label))
		}
		if e.Peer != nil {
			row.Remotes = append(row.Remotes, fmt.Sprintf("%s %s label %d", e.Peer.Name, e.Peer.Addr, e.Peer.Label))
		}
		rows = append(rows, row)
	}
	return rows, ""
}

// macTable lists the MAC tables of the PE's E-LAN instances (or only
// evpnName's).
func (l *Lab) macTable(n *topologies.Node, evpnName string) ([]network.MACRow, string, error) {
	x := l.pes[n.Name]
	if x == nil || len(x.EVIs) == 0 {
		return nil, fmt.Sprintf("%s has no EVPN instance", n.Name), nil
	}
	if evpnName != "" && x.EVI(evpnName) == nil {
		return nil, "", fmt.Errorf("%s has no EVPN instance %s", n.Name, evpnName)
	}
	rows := []network.MACRow{}
	for _, e := range x.EVIs {
		if evpnName != "" && e.Name != evpnName {
			continue
		}
		for _, m := range e.SortedMACs() {
			r := network.MACRow{EVPN: e.Name, MAC: m.MAC.String(), Local: m.Local}
			if m.Local {
				r.Interface = x.Node.Ifaces[m.IfIndex].Name
				for _, ac := range e.ACs {
					if ac.IfIndex == m.IfIndex {
						r.VLAN = ac.VLAN
					}
				}
			} else {
				r.PE, r.NextHop, r.Label = m.PEName, m.PE, m.Label
			}
			rows = append(rows, r)
		}
	}
	return rows, "", nil
}

// bgpEVPNTable lists the EVPN paths the node's BGP holds.
func (l *Lab) bgpEVPNTable(n *topologies.Node) ([]network.BGPEVPNRow, string, error) {
	sp := l.ctl.vpn[n.Name]
	if sp == nil || len(l.Topo.EVPNs) == 0 {
		return nil, fmt.Sprintf("%s carries no EVPN routes", n.Name), nil
	}
	if l.state.NodeDown[n.Name] {
		return []network.BGPEVPNRow{}, "", nil
	}
	paths, err := sp.EVPNPaths()
	if err != nil {
		return nil, "", err
	}
	rows := []network.BGPEVPNRow{}
	for _, p := range paths {
		r := network.BGPEVPNRow{Type: p.Type, RD: p.RD, EthernetTag: p.EthernetTag, NextHop: p.NextHop, Label: p.Label,
			RouteTargets: p.RouteTargets, From: p.From, Best: p.Best}
		if p.Type == bgp.EVPNMACIP {
			r.MAC = packet.MAC(p.MAC).String()
		}
		rows = append(rows, r)
	}
	return rows, "", nil
}
