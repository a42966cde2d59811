package pe

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// VRFsOf returns a new VRF for every VRF of t with an attachment on PE n,
// sorted by name; rd: auto becomes LOOPBACK:n, n the VRF's position in the
// file.
func VRFsOf(t *topologies.Topology, n *topologies.Node) []*vrf.VRF {
	var out []*vrf.VRF
	for _, v := range t.VRFs {
		used := slices.ContainsFunc(n.Interfaces, func(i *topologies.Interface) bool { return i.Link.VRF == v.Name })
		if !used {
			continue
		}
		out = append(out, vrf.New(v.Name, v.RDOn(n), v.Import, v.Export))
	}
	slices.SortFunc(out, func(a, b *vrf.VRF) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Exportable lists, sorted, every prefix VRF v may export from this PE: the
// subnets of its attachments and the LANs of the CEs behind them. Per-prefix
// labels are allocated over this list, so they never depend on what is up.
func (pe *PE) Exportable(v *vrf.VRF) []netip.Prefix {
	var ps []netip.Prefix
	for _, a := range pe.Attach {
		if a.VRF != v {
			continue
		}
		ps = append(ps, a.Link.Subnet)
		ps = append(ps, a.LANs...)
	}
	slices.SortFunc(ps, vrf.ComparePrefix)
	return slices.Compact(ps)
}

// LabelPlan is a PE's VPN label allocation (topology contract, "Labels"):
// from 100000 upward, per VRF in VRF-name order, or per prefix in (VRF name,
// prefix) order over the prefixes it exports.
type LabelPlan struct {
	PerPrefix bool
	vrf       map[string]mpls.Label
	prefix    map[string]map[netip.Prefix]mpls.Label
}

// PlanLabels allocates the PE's VPN labels.
func (pe *PE) PlanLabels(perPrefix bool) *LabelPlan {
	lp := &LabelPlan{PerPrefix: perPrefix, vrf: map[string]mpls.Label{}, prefix: map[string]map[netip.Prefix]mpls.Label{}}
	next := mpls.FirstVPN
	for _, v := range pe.VRFs { // sorted by name
		if !perPrefix {
			lp.vrf[v.Name] = next
			next++
			continue
		}
		m := map[netip.Prefix]mpls.Label{}
		for _, p := range pe.Exportable(v) {
			m[p] = next
			next++
		}
		lp.prefix[v.Name] = m
	}
	return lp
}

// Label is the VPN label for prefix p exported from VRF v.
func (lp *LabelPlan) Label(v string, p netip.Prefix) mpls.Label {
	if lp.PerPrefix {
		return lp.prefix[v][p]
	}
	return lp.vrf[v]
}

// InstallVPN installs each VRF's routes and replaces the PE's VPN entries in
// its LFIB: one pop-and-lookup entry per VRF, or per exported prefix one
// entry that pops and goes straight to the CE (pop and look up for the
// attachment subnets themselves, whose owner may be the PE).
func (pe *PE) InstallVPN(routes map[string][]*vrf.Route, lp *LabelPlan) {
	for _, v := range pe.VRFs {
		v.Install(routes[v.Name])
	}
	lfib := pe.Tables.LFIB
	for _, e := range lfib.Entries() {
		if e.Owner == "BGP" {
			lfib.Delete(e.In)
		}
	}
	for _, v := range pe.VRFs {
		if !lp.PerPrefix {
			lfib.Insert(&mpls.Entry{In: lp.vrf[v.Name], Op: mpls.OpPopLookup, VRF: v.Name, Owner: "BGP"})
			continue
		}
		for _, r := range v.Routes() {
			if !r.Exported {
				continue
			}
			l, ok := lp.prefix[v.Name][r.Prefix]
			if !ok {
				continue
			}
			e := &mpls.Entry{In: l, Op: mpls.OpPopLookup, FEC: r.Prefix, VRF: v.Name, Owner: "BGP"}
			if r.CE != "" {
				e.Op = mpls.OpPopDeliver
				e.NextHops = []mpls.NHLFE{{NextHop: mpls.NextHop{Neighbor: r.CE, Interface: pe.Node.Ifaces[r.IfIndex].Name, IfIndex: r.IfIndex, Addr: r.NextHop}}}
			}
			lfib.Insert(e)
		}
	}
}
