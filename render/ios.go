package render

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/vrf"
)

// The IOS layouts: what `show ...` prints on a Cisco IOS router, column by
// column, from the same typed tables as the vpnsim layout. Where IOS
// prints a counter or a timer the model does not keep (uptimes, message
// counts, table versions), the layout leaves the field out rather than
// invent a value; docs/console.md lists each.

// IOSRoutes prints `show ip route [vrf NAME]`: codes, the gateway of last
// resort, and routes grouped under their classful network as IOS does,
// with the local (L) /32 of every connected interface. ifs are the node's
// interfaces (for the local routes); a VRF table takes those in the VRF.
func IOSRoutes(w io.Writer, t *network.RouteTable, ifs []network.InterfaceRow) {
	var b strings.Builder
	if t.Kind == network.VRFRoutes {
		fmt.Fprintf(&b, "\nRouting Table: %s\n", t.VRF)
	}
	b.WriteString(`Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area 
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
`)
	if t.Unresolved {
		b.WriteString("       u - BGP from outside the model, never used for forwarding (vpnsim)\n")
	}
	b.WriteString("\n")
	// the entries, one per prefix with its next hops
	type entry struct {
		code   string
		prefix netip.Prefix
		lines  []string // after the prefix: "[1/0] via 10.1.1.2", "is directly connected, eth1"
	}
	var es []*entry
	byPrefix := map[netip.Prefix]*entry{}
	add := func(code string, p netip.Prefix, line string) {
		e := byPrefix[p]
		if e == nil {
			e = &entry{code: code, prefix: p}
			byPrefix[p] = e
			es = append(es, e)
		}
		e.lines = append(e.lines, line)
	}
	gateway := "Gateway of last resort is not set"
	for _, r := range t.Rows {
		code := r.Code
		switch {
		case code == "i":
			code = "i L2"
		case code == "B" && r.FromVRF != "":
			code = "B" // leaked from another VRF: a BGP import, as IOS shows it
		}
		if r.Prefix.Bits() == 0 && code != "u" {
			code += "*"
			if r.NextHop.IsValid() && gateway == "Gateway of last resort is not set" {
				gateway = fmt.Sprintf("Gateway of last resort is %s to network 0.0.0.0", r.NextHop)
			}
		}
		var line string
		switch {
		case r.Interface == "Null0":
			line = fmt.Sprintf("is directly connected, Null0")
		case r.Code == "C":
			line = "is directly connected, " + ifName(r.Interface)
		case r.Code == "u":
			line = fmt.Sprintf("[200/0] via %s (unresolved: from outside the model)", r.NextHop)
		case len(r.Labels) > 0: // a VPN route: via the remote PE's loopback, in the global table
			line = fmt.Sprintf("[%d/%d] via %s", r.Distance, r.Metric, r.NextHop)
		case r.NextHop.IsValid() && r.Interface != "" && r.Code != "S" && r.Code != "B":
			line = fmt.Sprintf("[%d/%d] via %s, %s", r.Distance, r.Metric, r.NextHop, ifName(r.Interface))
		case r.NextHop.IsValid():
			line = fmt.Sprintf("[%d/%d] via %s", r.Distance, r.Metric, r.NextHop)
		default:
			line = "is directly connected, " + ifName(r.Interface)
		}
		add(code, r.Prefix, line)
	}
	// local routes: the interface addresses of connected subnets
	for _, r := range t.Rows {
		if r.Code != "C" || r.Interface == "" {
			continue
		}
		for _, ifc := range ifs {
			if ifc.Interface == r.Interface && ifc.Address.IsValid() && ifc.Address.Bits() < 32 && ifc.Address.Masked() == r.Prefix {
				add("L", netip.PrefixFrom(ifc.Address.Addr(), 32), "is directly connected, "+ifName(r.Interface))
			}
		}
	}
	slices.SortStableFunc(es, func(a, b *entry) int { return vrf.ComparePrefix(a.prefix, b.prefix) })
	b.WriteString(gateway + "\n\n")
	// group by classful network
	for i := 0; i < len(es); {
		major := classful(es[i].prefix)
		j := i
		masks := map[int]bool{}
		for j < len(es) && classful(es[j].prefix) == major {
			masks[es[j].prefix.Bits()] = true
			j++
		}
		group := es[i:j]
		subnetted := len(group) > 1 || group[0].prefix.Bits() > major.Bits()
		indent := "    "
		if subnetted && major.Bits() > 0 {
			indent = "       "
			if len(masks) == 1 {
				fmt.Fprintf(&b, "      %s/%d is subnetted, %d subnets\n", major.Addr(), group[0].prefix.Bits(), len(group))
			} else {
				fmt.Fprintf(&b, "      %s is variably subnetted, %d subnets, %d masks\n", major, len(group), len(masks))
			}
		}
		for _, e := range group {
			head := fmt.Sprintf("%-*s%s", len(indent)+2, e.code, e.prefix)
			for k, line := range e.lines {
				if k == 0 {
					fmt.Fprintf(&b, "%s %s\n", head, line)
				} else {
					fmt.Fprintf(&b, "%s %s\n", strings.Repeat(" ", len(head)), line)
				}
			}
		}
		i = j
	}
	io.WriteString(w, b.String())
}

// classful is the classful network a prefix falls in (A /8, B /16, C /24;
// the default route its own).
func classful(p netip.Prefix) netip.Prefix {
	if p.Bits() == 0 {
		return p
	}
	a := p.Addr().As4()
	bits := 24
	switch {
	case a[0] < 128:
		bits = 8
	case a[0] < 192:
		bits = 16
	}
	return netip.PrefixFrom(p.Addr(), bits).Masked()
}

// ifName is the interface's name as tables print it: the loopback as
// IOS names it.
func ifName(s string) string {
	if s == "lo" {
		return "Loopback0"
	}
	return s
}

// IOSInterfaceBrief prints `show ip interface brief`; adminDown names the
// interfaces shut down by configuration (status "administratively down").
func IOSInterfaceBrief(w io.Writer, rows []network.InterfaceRow, adminDown func(iface string) bool) {
	fmt.Fprintf(w, "%-26s %-15s %-3s %-6s %-21s %s\n", "Interface", "IP-Address", "OK?", "Method", "Status", "Protocol")
	for _, r := range rows {
		status, proto := "up", "up"
		switch {
		case adminDown != nil && adminDown(r.Interface):
			status, proto = "administratively down", "down"
		case !r.Up:
			status, proto = "down", "down"
		}
		a := "unassigned"
		if r.Address.IsValid() {
			a = r.Address.Addr().String()
		}
		fmt.Fprintf(w, "%-26s %-15s %-3s %-6s %-21s %s\n", ifName(r.Interface), a, "YES", "manual", status, proto)
	}
}

// IOSVRFs prints `show ip vrf` (with detail, `show ip vrf detail`).
func IOSVRFs(w io.Writer, rows []network.VRFRow, detail bool) {
	if !detail {
		fmt.Fprintf(w, "  %-32s %-21s %s\n", "Name", "Default RD", "Interfaces")
		for _, v := range rows {
			ifs := v.Interfaces
			if len(ifs) == 0 {
				ifs = []string{""}
			}
			for i, ifc := range ifs {
				if i == 0 {
					fmt.Fprintf(w, "  %-32s %-21s %s\n", v.Name, v.RD, ifc)
				} else {
					fmt.Fprintf(w, "  %-32s %-21s %s\n", "", "", ifc)
				}
			}
		}
		return
	}
	for i, v := range rows {
		fmt.Fprintf(w, "VRF %s (VRF Id = %d); default RD %s; default VPNID <not set>\n", v.Name, i+1, v.RD)
		fmt.Fprintf(w, "  Interfaces:\n")
		fmt.Fprintf(w, "    %s\n", strings.Join(v.Interfaces, " "))
		fmt.Fprintf(w, "  VRF Table ID = %d\n", i+1)
		fmt.Fprintf(w, "  Export VPN route-target communities\n")
		rtLines(w, v.Export)
		fmt.Fprintf(w, "  Import VPN route-target communities\n")
		rtLines(w, v.Import)
		if v.ImportMap {
			fmt.Fprintf(w, "  Import route-map: %s-import\n", v.Name)
		} else {
			fmt.Fprintf(w, "  No import route-map\n")
		}
		if v.ExportMap {
			fmt.Fprintf(w, "  Export route-map: %s-export\n", v.Name)
		} else {
			fmt.Fprintf(w, "  No export route-map\n")
		}
		fmt.Fprintf(w, "  VRF label distribution protocol: not configured\n")
		fmt.Fprintf(w, "  VRF label allocation mode: %s\n", labelMode(v.LabelMode))
	}
}

func labelMode(m string) string {
	switch m {
	case "per-vrf":
		return "per-vrf (Label 0)"
	case "per-ce":
		return "per-ce"
	}
	return "per-prefix"
}

// rtLines prints route targets three to a line, as IOS does.
func rtLines(w io.Writer, rts []vrf.RouteTarget) {
	for i := 0; i < len(rts); i += 3 {
		var s []string
		for _, rt := range rts[i:min(i+3, len(rts))] {
			s = append(s, fmt.Sprintf("%-20s", "RT:"+rt.String()))
		}
		fmt.Fprintf(w, "    %s\n", strings.TrimRight(strings.Join(s, " "), " "))
	}
}

// IOSLFIB prints `show mpls forwarding-table`: outgoing label "Pop Label"
// (PHP), "explicit-n" (explicit null), "No Label" (to the CE or a VRF's
// aggregate label, with outgoing interface aggregate/VRF); "[V]" marks a
// VPN prefix; Bytes Label Switched counts the run's real traffic.
func IOSLFIB(w io.Writer, rows []network.LFIBRow, detail bool) {
	const f = "%-10s %-10s %-16s %-13s %-10s %s"
	line := func(cells ...any) { io.WriteString(w, strings.TrimRight(fmt.Sprintf(f, cells...), " ")+"\n") }
	line("Local", "Outgoing", "Prefix", "Bytes Label", "Outgoing", "Next Hop")
	line("Label", "Label", "or Tunnel Id", "Switched", "interface", "")
	for _, e := range rows {
		in, n := e.In.String(), fmt.Sprint(e.Bytes)
		if e.Continued {
			in, n = "", ""
		}
		if e.Op == mpls.OpPopLookup {
			line(in, "No Label", e.VRF+"(V)", n, "aggregate/"+e.VRF, "")
			continue
		}
		fec := e.FEC.String()
		if e.VRF != "" {
			fec += "[V]"
		}
		out := "Pop Label"
		switch {
		case e.Op == mpls.OpPopDeliver || e.Untagged:
			out = "No Label"
		case len(e.Out) == 1 && e.Out[0] == mpls.ExplicitNullV4:
			out = "explicit-n"
		case len(e.Out) > 0:
			out = mpls.Join(e.Out)
		}
		line(in, out, fec, n, e.Interface, e.NextHop.String())
		if detail {
			fmt.Fprintf(w, "\tMAC/Encaps=14/%d, MRU=1500, Label Stack{%s}\n", 14+4*len(e.Out), strings.ReplaceAll(mpls.Join(e.Out), "/", " "))
			fmt.Fprintf(w, "\tNo output feature configured\n")
		}
	}
}

// IOSLDPBindings prints `show mpls ldp bindings` in IOS's lib entry layout.
func IOSLDPBindings(w io.Writer, rows []network.LDPRow) {
	for _, b := range rows {
		fmt.Fprintf(w, "  lib entry: %s\n", b.FEC)
		fmt.Fprintf(w, "        local binding:  label: %s\n", LabelName(b.Local))
		for _, r := range b.Remote {
			fmt.Fprintf(w, "        remote binding: lsr: %s:0, label: %s\n", r.LSR, LabelName(r.Label))
		}
	}
}

// IOSLDPNeighbors prints `show mpls ldp neighbor`.
func IOSLDPNeighbors(w io.Writer, rows []network.LDPNeighbor) {
	for _, n := range rows {
		fmt.Fprintf(w, "    Peer LDP Ident: %s:0; Local LDP Ident %s:0\n", n.PeerID, n.LocalID)
		fmt.Fprintf(w, "        State: Oper; Downstream\n")
		fmt.Fprintf(w, "        LDP discovery sources:\n")
		for _, s := range n.Sources {
			fmt.Fprintf(w, "          %s, Src IP addr: %s\n", s.Interface, s.Src)
		}
		fmt.Fprintf(w, "        Addresses bound to peer LDP Ident:\n")
		for i := 0; i < len(n.Addresses); i += 4 {
			var s []string
			for _, a := range n.Addresses[i:min(i+4, len(n.Addresses))] {
				s = append(s, fmt.Sprintf("%-15s", a))
			}
			fmt.Fprintf(w, "          %s\n", strings.TrimRight(strings.Join(s, " "), " "))
		}
	}
}

// IOSARP prints `show ip arp`: each up interface's own address (age "-",
// as IOS prints its own entries) and each neighbour the interface has
// learned, with its age in minutes of simulated time.
func IOSARP(w io.Writer, rows []network.ARPRow) {
	fmt.Fprintf(w, "%-9s %-16s %-10s %-15s %-6s %s\n", "Protocol", "Address", "Age (min)", "Hardware Addr", "Type", "Interface")
	for _, r := range rows {
		age := "-"
		if !r.Own {
			age = fmt.Sprint(int(r.Learned / time.Minute))
		}
		fmt.Fprintf(w, "%-9s %-16s %9s  %-15s %-6s %s\n", "Internet", r.Address, age, ciscoMAC(r.MAC), "ARPA", r.Interface)
	}
}

// ciscoMAC writes 02:00:00:01:00:02 as IOS does: 0200.0001.0002.
func ciscoMAC(m string) string {
	h := strings.ReplaceAll(m, ":", "")
	if len(h) != 12 {
		return m
	}
	return h[0:4] + "." + h[4:8] + "." + h[8:12]
}
