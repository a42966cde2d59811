package render

import (
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/network"
)

// IOSOptions narrow what IOS prints of a table.
type IOSOptions struct {
	Detail bool // show ip vrf detail, show mpls forwarding-table detail
	// Summary: the BGP sessions of the vpnv4 table (show bgp vpnv4
	// unicast all summary); with VRF, that VRF's PE–CE sessions.
	Summary bool
	// Prefix: the paths of one prefix (show bgp vpnv4 unicast all PREFIX).
	Prefix netip.Prefix
	// AdminDown names the interfaces shut down by configuration.
	AdminDown func(iface string) bool
}

// ErrNotInTable is the answer for a prefix the BGP table lacks.
var ErrNotInTable = fmt.Errorf("Network not in table")

// IOS prints one of a node's tables as a Cisco IOS router does (`vpnsim
// show --style ios` and the console print through it): routes as show ip
// route [vrf], vpnv4 as show bgp vpnv4 unicast all (or vrf), lfib as show
// mpls forwarding-table, ldp as show mpls ldp bindings, ldp-neighbors as
// show mpls ldp neighbor, bgp as the BGP summary, vrfs as show ip vrf,
// interfaces as show ip interface brief, arp as show ip arp. It asks n for what a table needs
// besides itself (the interfaces for local routes, the VRFs for the BGP
// table). A node without the table gets IOS's "% " sentence.
func IOS(w io.Writer, n network.Network, node, name, vrf string, o IOSOptions) error {
	if name == "vpnv4" && o.Summary {
		name = "bgp-summary"
	}
	src := name
	if name == "bgp-summary" {
		src = "vpnv4"
	}
	tv := vrf
	if name != "routes" && name != "mac" { // mac: vrf names the EVPN instance
		tv = ""
	}
	t, err := n.Table(node, src, tv)
	if err != nil {
		return err
	}
	if t.Absent != "" {
		fmt.Fprintf(w, "%% %s\n", t.Absent)
		return nil
	}
	switch name {
	case "evpn", "mac", "bgp-evpn":
		// no IOS layout is modelled for EVPN: the aligned table
		return Text(w, t)
	case "routes":
		ifs, err := n.Table(node, "interfaces", "")
		if err != nil {
			return err
		}
		var mine []network.InterfaceRow
		for _, r := range ifs.Interfaces {
			// a CE's interfaces are all its own (the VRF is the PE's)
			if r.VRF == vrf || t.Routes.Kind == network.CERoutes {
				mine = append(mine, r)
			}
		}
		IOSRoutes(w, t.Routes, mine)
	case "vrfs":
		IOSVRFs(w, t.VRFs, o.Detail)
	case "arp":
		// show arp [vrf NAME]: the global table's entries, or the
		// VRF's (a CE's are all its own)
		var rows []network.ARPRow
		for _, r := range t.ARP {
			if r.VRF == vrf || isCE(n, node) {
				rows = append(rows, r)
			}
		}
		IOSARP(w, rows)
	case "interfaces":
		IOSInterfaceBrief(w, t.Interfaces, o.AdminDown)
	case "lfib":
		IOSLFIB(w, t.LFIB, o.Detail)
	case "ldp":
		IOSLDPBindings(w, t.LDP)
	case "ldp-neighbors":
		IOSLDPNeighbors(w, t.LDPPeers)
	case "bgp":
		IOSBGPSummary(w, netip.Addr{}, 0, -1, t.BGP)
	case "bgp-summary":
		s, err := n.Table(node, "bgp", "")
		if err != nil {
			return err
		}
		var rows []network.BGPSession
		asn := uint32(0)
		for _, r := range s.BGP {
			asn = r.LocalAS
			if vrf == "" && r.VRF == "" && r.Family == "l3vpn-ipv4-unicast" || vrf != "" && r.VRF == vrf {
				rows = append(rows, r)
			}
		}
		IOSBGPSummary(w, t.VPNv4.RouterID, asn, len(t.VPNv4.Rows), rows)
	case "vpnv4":
		views, names, err := vrfViews(n, node)
		if err != nil {
			return err
		}
		if vrf != "" && !slices.Contains(names, vrf) {
			return fmt.Errorf("No such VRF %s", vrf)
		}
		if o.Prefix.IsValid() {
			if !IOSBGPPrefix(w, t.VPNv4, views, o.Prefix) {
				return ErrNotInTable
			}
			return nil
		}
		IOSBGPVPNv4(w, t.VPNv4, views, vrf)
	default:
		return fmt.Errorf("no table %q", name)
	}
	return nil
}

// vrfViews are a node's VRFs with their routes, for the BGP tables.
func vrfViews(n network.Network, node string) ([]VRFView, []string, error) {
	t, err := n.Table(node, "vrfs", "")
	if err != nil {
		return nil, nil, err
	}
	var out []VRFView
	var names []string
	for _, v := range t.VRFs {
		rt, err := n.Table(node, "routes", v.Name)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, VRFView{Name: v.Name, RD: v.RD, Routes: rt.Routes.Rows})
		names = append(names, v.Name)
	}
	return out, names, nil
}
