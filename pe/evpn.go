package pe

import (
	"cmp"
	"slices"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/topologies"
)

// EVIsOf returns the EVPN instances PE n has attachments in, sorted by
// name, each with its attachment circuits (bridge ports) in interface
// order; labels come with the label plan (PlanLabels).
func EVIsOf(t *topologies.Topology, n *topologies.Node) []*p.EVI {
	byName := map[string]*p.EVI{}
	var out []*p.EVI
	for i, ifc := range n.Interfaces {
		l := ifc.Link
		if !l.IsEVPN() {
			continue
		}
		x := t.EVPN(l.EVPN)
		e := byName[x.Name]
		if e == nil {
			e = &p.EVI{Name: x.Name, Type: x.Type, RD: x.RDOn(n, t), Import: x.Import, Export: x.Export}
			byName[x.Name] = e
			out = append(out, e)
		}
		ac := &p.EVIAC{IfIndex: i, VLAN: l.VLAN, CE: ifc.Peer().Node.Name}
		if x.Type == topologies.ELine {
			ac.ServiceID = ServiceID(t, l)
		}
		e.ACs = append(e.ACs, ac)
	}
	slices.SortFunc(out, func(a, b *p.EVI) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// ServiceID is an E-Line attachment's VPWS service instance ID (RFC 8214
// section 3, the Ethernet Tag of its Ethernet A-D per EVI route): 1 for the
// first of the E-Line's two links in the file, 2 for the second. Each end
// advertises its own and sends to the route carrying the other.
func ServiceID(t *topologies.Topology, l *topologies.Link) uint32 {
	for _, x := range t.Links {
		if x.EVPN == l.EVPN {
			if x == l {
				return 1
			}
			return 2
		}
	}
	return 0
}

// InstallEVPN replaces the PE's EVPN entries in its LFIB: each EVI's label
// pops and bridges in the EVI, its flooding label the same as flooded
// traffic (never sent back to the core).
func (pe *PE) InstallEVPN() {
	lfib := pe.Tables.LFIB()
	for _, e := range lfib.Entries() {
		if e.Owner == "EVPN" {
			lfib.Delete(e.In)
		}
	}
	for _, e := range pe.EVIs {
		if e.Label != 0 {
			lfib.Insert(&mpls.Entry{In: e.Label, Op: mpls.OpPopBridge, EVPN: e.Name, Owner: "EVPN"})
		}
		if e.BUMLabel != 0 {
			lfib.Insert(&mpls.Entry{In: e.BUMLabel, Op: mpls.OpPopBridge, EVPN: e.Name, BUM: true, Owner: "EVPN"})
		}
	}
}
