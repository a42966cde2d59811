package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
)

// FRR prints one of a node's tables in the layout of the FRR 8.4 vtysh
// command that shows it (`vpnsim show --style frr`): routes as show ip
// route [vrf], vpnv4 as show bgp ipv4 vpn, lfib as show mpls table, ldp as
// show mpls ldp binding, bgp as the neighbour lines of show bgp summary,
// vrfs as show vrf, interfaces as show interface brief, arp as the Linux
// kernel's ip neigh show (FRR's data plane). Ages, versions and
// message counters the model does not keep are left out, as in IOS.
func FRR(w io.Writer, n network.Network, node, name, vrfName string) error {
	tv := ""
	if name == "routes" || name == "mac" { // mac: the EVPN instance
		tv = vrfName
	}
	t, err := n.Table(node, name, tv)
	if err != nil {
		return err
	}
	if t.Absent != "" {
		fmt.Fprintf(w, "%% %s\n", t.Absent)
		return nil
	}
	var b strings.Builder
	switch name {
	case "evpn", "mac", "bgp-evpn":
		// FRR 8.4 runs EVPN over VXLAN only: the aligned table
		return Text(w, t)
	case "routes":
		frrRoutes(&b, t.Routes)
	case "vpnv4":
		frrVPN(&b, t.VPNv4)
	case "lfib":
		fmt.Fprintf(&b, " %-14s %-5s %-11s %s\n", "Inbound Label", "Type", "Nexthop", "Outbound Label")
		b.WriteString(" " + strings.Repeat("-", 48) + "\n")
		for _, e := range t.LFIB {
			typ, nh, out := "LDP", e.NextHop.String(), "implicit-null"
			if e.VRF != "" {
				typ = "BGP"
			}
			switch {
			case e.Op == mpls.OpPopLookup:
				nh, out = e.VRF, "-"
			case e.Op == mpls.OpPopDeliver || e.Untagged:
				out = "-"
			case len(e.Out) == 1 && e.Out[0] == mpls.ExplicitNullV4:
				out = "explicit-null"
			case len(e.Out) > 0:
				out = mpls.Join(e.Out)
			}
			fmt.Fprintf(&b, " %-14s %-5s %-11s %s\n", e.In, typ, nh, out)
		}
	case "ldp":
		// In use: the neighbour is a next hop of the FEC's LFIB entry.
		lf, err := n.Table(node, "lfib", "")
		if err != nil {
			return err
		}
		used := map[string]bool{}
		for _, e := range lf.LFIB {
			if e.VRF == "" {
				used[e.FEC.String()+" "+e.Neighbor] = true
			}
		}
		fmt.Fprintf(&b, "%-4s %-20s %-15s %-11s %-13s %s\n", "AF", "Destination", "Nexthop", "Local Label", "Remote Label", "In Use")
		for _, r := range t.LDP {
			for _, rb := range r.Remote {
				in := "no"
				if used[r.FEC.String()+" "+rb.Neighbor] {
					in = "yes"
				}
				fmt.Fprintf(&b, "%-4s %-20s %-15s %-11s %-13s %s\n", "ipv4", r.FEC, rb.LSR, frrLabel(r.Local), frrLabel(rb.Label), in)
			}
		}
	case "bgp":
		fmt.Fprintf(&b, "%-15s %1s %10s %9s %9s %8s %4s %4s %8s %12s\n", "Neighbor", "V", "AS", "MsgRcvd", "MsgSent", "TblVer", "InQ", "OutQ", "Up/Down", "State/PfxRcd")
		for _, s := range t.BGP {
			state := fmt.Sprint(s.Paths)
			if s.State != network.Established && s.State != network.ExternalEstablished {
				state = "Active"
			}
			fmt.Fprintf(&b, "%-15s %1d %10d %9s %9s %8s %4d %4d %8s %12s\n", s.NeighborAddr, 4, s.AS, "-", "-", "-", 0, 0, "-", state)
		}
	case "vrfs":
		for i, v := range t.VRFs {
			fmt.Fprintf(&b, "vrf %s id %d table %d\n", v.Name, i+1, 1000+i+1)
		}
	case "arp":
		// FRR keeps no ARP table of its own: its data plane is the Linux
		// kernel's, whose neighbours `ip neigh show` prints.
		for _, r := range t.ARP {
			if !r.Own {
				fmt.Fprintf(&b, "%s dev %s lladdr %s REACHABLE\n", r.Address, r.Interface, r.MAC)
			}
		}
	case "interfaces":
		fmt.Fprintf(&b, "%-15s %-7s %-15s %s\n", "Interface", "Status", "VRF", "Addresses")
		fmt.Fprintf(&b, "%-15s %-7s %-15s %s\n", "---------", "------", "---", "---------")
		for _, r := range t.Interfaces {
			st, v := "down", r.VRF
			if r.Up {
				st = "up"
			}
			if v == "" || t.Node != "" && isCE(n, t.Node) {
				v = "default"
			}
			fmt.Fprintf(&b, "%-15s %-7s %-15s %s\n", r.Interface, st, v, r.Address)
		}
	case "ldp-neighbors":
		fmt.Fprintf(&b, "%-4s %-15s %-11s %-15s %s\n", "AF", "ID", "State", "Remote Address", "Uptime")
		for _, nb := range t.LDPPeers {
			fmt.Fprintf(&b, "%-4s %-15s %-11s %-15s %s\n", "ipv4", nb.PeerID, "OPERATIONAL", nb.PeerID, "-")
		}
	default:
		return fmt.Errorf("no table %q", name)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func isCE(n network.Network, node string) bool {
	for _, x := range n.Nodes() {
		if x.Name == node {
			return x.Role == "ce"
		}
	}
	return false
}

func frrLabel(l mpls.Label) string {
	switch l {
	case mpls.ImplicitNull:
		return "imp-null"
	case mpls.ExplicitNullV4:
		return "exp-null"
	}
	return l.String()
}

func frrRoutes(b *strings.Builder, t *network.RouteTable) {
	b.WriteString(`Codes: K - kernel route, C - connected, S - static, R - RIP,
       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,
       T - Table, v - VNC, V - VNC-Direct, A - Babel, F - PBR,
       f - OpenFabric,
       > - selected route, * - FIB route, q - queued, r - rejected, b - backup
       t - trapped, o - offload failure

`)
	if t.Kind == network.VRFRoutes {
		fmt.Fprintf(b, "VRF %s:\n", t.VRF)
	}
	for _, r := range t.Rows {
		code := r.Code
		switch code {
		case "i":
			code = "I"
		case "u":
			code = "B" // from outside the model: never selected
		}
		sel := ">*"
		if r.Code == "u" {
			sel = "  "
		}
		switch {
		case r.Interface == "Null0":
			fmt.Fprintf(b, "%s%s %s [%d/%d] unreachable (blackhole)\n", code, sel, r.Prefix, r.Distance, r.Metric)
		case r.Code == "C":
			fmt.Fprintf(b, "%s%s %s is directly connected, %s\n", code, sel, r.Prefix, r.Interface)
		case len(r.Labels) > 0:
			fmt.Fprintf(b, "%s%s %s [%d/%d] via %s (vrf default) (recursive), label %s, weight 1\n", code, sel, r.Prefix, r.Distance, r.Metric,
				r.NextHop, r.Labels[len(r.Labels)-1])
		case r.Interface != "":
			fmt.Fprintf(b, "%s%s %s [%d/%d] via %s, %s, weight 1\n", code, sel, r.Prefix, r.Distance, r.Metric, r.NextHop, r.Interface)
		default:
			fmt.Fprintf(b, "%s%s %s [%d/%d] via %s, weight 1\n", code, sel, r.Prefix, r.Distance, r.Metric, r.NextHop)
		}
	}
}

func frrVPN(b *strings.Builder, t *network.VPNv4Table) {
	fmt.Fprintf(b, "BGP table version is -, local router ID is %s, vrf id 0\n", t.RouterID)
	b.WriteString("Default local pref 100\n")
	b.WriteString("Status codes:  s suppressed, d damped, h history, * valid, > best, = multipath,\n")
	b.WriteString("               i internal, r RIB-failure, S Stale, R Removed\n")
	b.WriteString("Nexthop codes: @NNN nexthop's vrf id, < announce-nh-self\n")
	b.WriteString("Origin codes:  i - IGP, e - EGP, ? - incomplete\n")
	b.WriteString("RPKI validation codes: V valid, I invalid, N Not found\n\n")
	b.WriteString("   Network          Next Hop            Metric LocPrf Weight Path\n")
	first := true
	var rd string
	for _, r := range t.Rows {
		if first || r.RD.String() != rd {
			rd, first = r.RD.String(), false
			fmt.Fprintf(b, "Route Distinguisher: %s\n", rd)
		}
		st := " "
		if r.Valid {
			st += "*"
		} else {
			st += " "
		}
		if r.Best {
			st += ">"
		} else {
			st += " "
		}
		weight, lp := "32768", ""
		if r.From != "" {
			st += "i"
			weight, lp = "0", "100"
			if r.LocalPref != 0 {
				lp = fmt.Sprint(r.LocalPref)
			}
		} else {
			st += " "
		}
		fmt.Fprintf(b, "%s%-17s%-20s%6d %6s %6s %s\n", st, r.Prefix, r.NextHop, r.MED, lp, weight, ASPath(r.ASPath, r.Origin))
		var ec []string
		for _, x := range r.RouteTargets {
			ec = append(ec, x.String())
		}
		fmt.Fprintf(b, "    UN=%s EC{%s} label=%d type=bgp, subtype=0\n", r.NextHop, strings.Join(ec, " "), r.Label)
	}
	fmt.Fprintf(b, "\nDisplayed %d routes and %d total paths\n", distinct(t.Rows), len(t.Rows))
}

func distinct(rows []network.VPNv4Row) int {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.RD.String()+" "+r.Prefix.String()] = true
	}
	return len(seen)
}
