package pe

import (
	"cmp"
	"fmt"
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
// subnets of its attachments, the LANs of the CEs behind them and the
// prefixes of extra (the VRF's static routes on this PE). Per-prefix
// labels are allocated over this list, so they never depend on what is up.
func (pe *PE) Exportable(v *vrf.VRF, extra []netip.Prefix) []netip.Prefix {
	var ps []netip.Prefix
	for _, a := range pe.Attach {
		if a.VRF != v {
			continue
		}
		ps = append(ps, a.Link.Subnet)
		ps = append(ps, a.LANs...)
	}
	ps = append(ps, extra...)
	slices.SortFunc(ps, vrf.ComparePrefix)
	return slices.Compact(ps)
}

// CEs lists, by name, the CEs attached to this PE in VRF v.
func (pe *PE) CEs(v *vrf.VRF) []string {
	var out []string
	for _, a := range pe.Attach {
		if a.VRF == v {
			out = append(out, a.CE)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// LabelPlan is a PE's VPN label allocation (topology contract, "Labels"),
// from 100000 upward, VRF by VRF in name order:
//   - per-vrf: one label per VRF, popped and looked up in the VRF;
//   - per-ce: the VRF's aggregate label (for routes with no CE behind them:
//     attachment subnets, null0 routes), then one label per attached CE in
//     CE-name order, popped and sent straight to that CE (IOS "label mode
//     per-ce");
//   - per-prefix: one label per prefix the VRF may export (Exportable), in
//     prefix order; after those of every VRF, one per eBGP CE (VRF by VRF,
//     CE-name order) for the prefixes a CE advertises beyond its LANs,
//     delivered to it as per-ce.
type LabelPlan struct {
	Mode   topologies.LabelAllocation
	vrf    map[string]mpls.Label
	ce     map[string]map[string]mpls.Label
	prefix map[string]map[netip.Prefix]mpls.Label
}

// PlanLabels allocates the PE's VPN labels (and after them its EVPN
// instances' labels, set on each EVI) from first (100000, or right
// after its LDP labels in its label-range) to at most last; extra gives
// each VRF's static route prefixes on this PE. It fails when the range is
// too small.
func (pe *PE) PlanLabels(mode topologies.LabelAllocation, first, last mpls.Label, extra func(v *vrf.VRF) []netip.Prefix) (*LabelPlan, error) {
	lp := &LabelPlan{Mode: mode, vrf: map[string]mpls.Label{}, ce: map[string]map[string]mpls.Label{},
		prefix: map[string]map[netip.Prefix]mpls.Label{}}
	next := first
	ceLabels := func(v *vrf.VRF, ebgpOnly bool) {
		m := map[string]mpls.Label{}
		for _, ce := range pe.CEs(v) {
			if ebgpOnly && !pe.speaksEBGP(v, ce) {
				continue
			}
			m[ce] = next
			next++
		}
		lp.ce[v.Name] = m
	}
	for _, v := range pe.VRFs { // sorted by name
		switch mode {
		case topologies.PerPrefix:
			m := map[netip.Prefix]mpls.Label{}
			for _, p := range pe.Exportable(v, extra(v)) {
				m[p] = next
				next++
			}
			lp.prefix[v.Name] = m
		case topologies.PerCE:
			lp.vrf[v.Name] = next
			next++
			ceLabels(v, false)
		default:
			lp.vrf[v.Name] = next
			next++
		}
	}
	if mode == topologies.PerPrefix {
		// After every prefix label, so that they do not move: a label
		// for what an eBGP CE advertises beyond its LANs.
		for _, v := range pe.VRFs {
			ceLabels(v, true)
		}
	}
	// Then each EVPN instance's, after every VPN label so that those do
	// not move: its MAC (or E-Line) label, and an E-LAN's flooding label.
	for _, e := range pe.EVIs {
		e.Label = next
		next++
		if e.Type == topologies.ELAN {
			e.BUMLabel = next
			next++
		}
	}
	if next-1 > last {
		return nil, fmt.Errorf("%s needs VPN labels %d to %d with vpn-label-allocation %s, but its label-range ends at %d; widen it", pe.Node.Name, first, next-1, mode, last)
	}
	return lp, nil
}

func (pe *PE) speaksEBGP(v *vrf.VRF, ce string) bool {
	for _, a := range pe.Attach {
		if a.VRF == v && a.CE == ce && a.Routing == topologies.RoutingEBGP {
			return true
		}
	}
	return false
}

// Label is the VPN label of route r exported from VRF v.
func (lp *LabelPlan) Label(v string, r *vrf.Route) mpls.Label {
	if lp.Mode == topologies.PerPrefix {
		if l, ok := lp.prefix[v][r.Prefix]; ok {
			return l
		}
	}
	if l, ok := lp.ce[v][r.CE]; ok && r.CE != "" {
		return l
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
	lfib := pe.Tables.LFIB()
	for _, e := range lfib.Entries() {
		if e.Owner == "BGP" {
			lfib.Delete(e.In)
		}
	}
	for _, v := range pe.VRFs {
		if l, ok := lp.vrf[v.Name]; ok {
			lfib.Insert(&mpls.Entry{In: l, Op: mpls.OpPopLookup, VRF: v.Name, Owner: "BGP"})
		}
		// A CE's label pops and delivers to the CE, whatever the prefix.
		for _, ce := range pe.CEs(v) {
			l, ok := lp.ce[v.Name][ce]
			if !ok {
				continue
			}
			for _, a := range pe.Attach {
				if a.VRF == v && a.CE == ce {
					lfib.Insert(&mpls.Entry{In: l, Op: mpls.OpPopDeliver, VRF: v.Name, Owner: "BGP",
						NextHops: []mpls.NHLFE{{NextHop: mpls.NextHop{Neighbor: ce, Interface: pe.Node.Ifaces[a.IfIndex].Name, IfIndex: a.IfIndex, Addr: a.CEAddr}}}})
					break
				}
			}
		}
		if lp.Mode != topologies.PerPrefix {
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
