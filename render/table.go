// Package render prints what a network answers (package network's typed
// tables, probes and walks) for people and programs: text laid out as a
// router's console prints it, JSON, and colour for a terminal. No model
// package formats a table or writes a colour code; they all end here.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/vrf"
)

// Text prints a table the way a router's console would.
func Text(w io.Writer, t *network.Table) error {
	g, err := layout(t)
	if err != nil {
		return err
	}
	g.write(w)
	return nil
}

// JSON writes the same table as JSON: one object per row, keyed by
// column, and the table's headings as notes.
func JSON(w io.Writer, t *network.Table) error {
	g, err := layout(t)
	if err != nil {
		return err
	}
	out := struct {
		Node  string              `json:"node"`
		Table string              `json:"table"`
		VRF   string              `json:"vrf,omitempty"`
		Rows  []map[string]string `json:"rows"`
		Notes []string            `json:"notes,omitempty"`
	}{t.Node, t.Name, t.VRF, g.recs, g.notes}
	if out.Rows == nil {
		out.Rows = []map[string]string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// layout lays a table out as cells, headings and records.
func layout(t *network.Table) (*grid, error) {
	g := &grid{}
	if t.Absent != "" {
		g.text(t.Absent)
		return g, nil
	}
	switch t.Name {
	case "routes":
		routes(g, t.Routes)
	case "vpnv4":
		vpnv4(g, t.Node, t.VPNv4)
	case "lfib":
		lfib(g, t.LFIB)
	case "ldp":
		ldp(g, t.LDP)
	case "ldp-neighbors":
		ldpNeighbors(g, t.LDPPeers)
	case "bgp":
		bgpSessions(g, t.Node, t.BGP)
	case "vrfs":
		vrfs(g, t.VRFs)
	case "interfaces":
		interfaces(g, t.Interfaces)
	case "arp":
		arp(g, t.ARP)
	case "evpn":
		evpns(g, t.EVPN)
	case "mac":
		macs(g, t.MAC)
	case "bgp-evpn":
		bgpEVPN(g, t.BGPEVPN)
	default:
		return nil, fmt.Errorf("no table %q: choose one of %s", t.Name, strings.Join(network.Tables, ", "))
	}
	return g, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func addr(a interface {
	IsValid() bool
	String() string
}) string {
	if !a.IsValid() {
		return "-"
	}
	return a.String()
}

// via is where a route leaves: "P1 eth1", "PE2", "Null0", "eth0".
func via(neighbor, iface string) string {
	switch {
	case neighbor == "":
		return iface
	case iface == "":
		return neighbor
	}
	return neighbor + " " + iface
}

func routes(g *grid, t *network.RouteTable) {
	switch t.Kind {
	case network.VRFRoutes:
		g.text(fmt.Sprintf("Routing Table: %s (RD %s)", t.VRF, t.RD))
		if !t.Unresolved {
			g.text("Codes: C - connected, S - static, B - BGP")
		} else {
			g.text("Codes: C - connected, S - static, B - BGP, u - BGP from outside the model, unresolved: never used for forwarding")
		}
		g.text("")
		g.head("", "Prefix", "Next hop", "Via", "Labels", "From")
		g.columns("code", "prefix", "next_hop", "via", "labels", "from")
		for _, r := range t.Rows {
			if r.Code == "u" {
				g.row("u", r.Prefix.String(), r.NextHop.String(), "-", "-", "RD "+r.RD.String())
				continue
			}
			labels, from := "", ""
			if len(r.Labels) > 0 { // a VPN route: its stack ends with the VPN label
				labels, from = mpls.Join(r.Labels), "RD "+r.RD.String()
			}
			if r.FromVRF != "" {
				from = "VRF " + r.FromVRF
			}
			g.row(r.Code, r.Prefix.String(), addr(r.NextHop), via(r.Neighbor, r.Interface), labels, from)
		}
	case network.CERoutes:
		g.text("Codes: C - connected, S - static, B - BGP")
		g.text("")
		g.head("", "Prefix", "Next hop", "Via")
		g.columns("code", "prefix", "next_hop", "via")
		for _, r := range t.Rows {
			g.row(r.Code, r.Prefix.String(), addr(r.NextHop), via(r.Neighbor, r.Interface))
		}
	default:
		g.text("Codes: C - connected, i - IS-IS")
		g.text("")
		g.head("", "Prefix", "Next hop", "Via", "Metric")
		g.columns("code", "prefix", "next_hop", "via", "metric")
		for _, r := range t.Rows {
			g.row(r.Code, r.Prefix.String(), addr(r.NextHop), via(r.Neighbor, r.Interface), fmt.Sprint(r.Metric))
		}
	}
}

func vpnv4(g *grid, node string, t *network.VPNv4Table) {
	g.text(fmt.Sprintf("BGP table of %s, local router ID %s", node, t.RouterID))
	codes := "Status codes: * valid, > best, i internal"
	if t.AnyOutside {
		codes += ", u unresolved: from outside the model, never used for forwarding"
	}
	if t.AnyInvalid {
		codes += "; no * : the next hop does not resolve (not a candidate)"
	}
	g.text(codes + "; From: the peer it came from")
	g.text("")
	g.head("", "Network", "Next Hop", "Metric", "LocPrf", "Label", "Route targets", "From", "Path")
	g.columns("status", "prefix", "next_hop", "med", "local_pref", "label", "route_targets", "from", "path")
	var rd vrf.RD
	for i, p := range t.Rows {
		if i == 0 || p.RD != rd {
			rd = p.RD
			g.grouped("rd", rd.String(), fmt.Sprintf("Route Distinguisher: %s", rd))
		}
		st := ""
		switch {
		case p.Outside:
			st = "u"
		case p.Valid:
			st = "*"
		}
		if p.Best {
			st += ">"
		}
		from := p.From
		if from == "" {
			from = "local"
		} else {
			st += "i"
		}
		lp := ""
		if p.LocalPref != 0 {
			lp = fmt.Sprint(p.LocalPref)
		}
		g.row(st, p.Prefix.String(), p.NextHop.String(), fmt.Sprint(p.MED), lp, p.Label.String(), joinRTs(p.RouteTargets), from,
			ASPath(p.ASPath, p.Origin))
	}
	g.text("")
	g.text(fmt.Sprintf("%d paths", len(t.Rows)))
}

func joinRTs(rts []vrf.RouteTarget) string {
	s := make([]string, len(rts))
	for i, rt := range rts {
		s[i] = rt.String()
	}
	return strings.Join(s, " ")
}

func lfib(g *grid, rows []network.LFIBRow) {
	g.head("Local", "Outgoing", "Prefix", "Outgoing", "Next Hop")
	g.head("Label", "Label", "or FEC", "interface", "")
	g.columns("local_label", "outgoing_label", "fec", "interface", "next_hop")
	for _, e := range rows {
		fec := e.FEC.String()
		if !e.FEC.IsValid() {
			fec = "VRF " + e.VRF
		} else if e.VRF != "" {
			fec = e.VRF + ":" + fec
		}
		if e.Op == mpls.OpPopLookup {
			g.row(e.In.String(), "Aggregate", fec, "-", "-")
			continue
		}
		out := "Pop Label"
		if len(e.Out) > 0 {
			out = mpls.Join(e.Out)
		}
		if e.Op == mpls.OpPopDeliver || e.Untagged {
			out = "No Label"
		}
		in := e.In.String()
		if e.Continued {
			in = ""
		}
		g.row(in, out, fec, e.Interface, fmt.Sprintf("%s (%s)", e.NextHop, e.Neighbor))
	}
}

func ldp(g *grid, rows []network.LDPRow) {
	g.head("FEC", "Local", "Remote bindings")
	g.columns("fec", "local_label", "remote_bindings")
	for _, b := range rows {
		var rs []string
		for _, rb := range b.Remote {
			rs = append(rs, fmt.Sprintf("%s:%s", rb.Neighbor, LabelName(rb.Label)))
		}
		g.row(b.FEC.String(), LabelName(b.Local), strings.Join(rs, "  "))
	}
}

func ldpNeighbors(g *grid, rows []network.LDPNeighbor) {
	g.head("Neighbor", "LDP ID", "Local LDP ID", "Discovered over", "Addresses")
	g.columns("neighbor", "ldp_id", "local_ldp_id", "discovered_over", "addresses")
	for _, n := range rows {
		var src, addrs []string
		for _, s := range n.Sources {
			src = append(src, s.Interface+" "+s.Src.String())
		}
		for _, a := range n.Addresses {
			addrs = append(addrs, a.String())
		}
		g.row(n.Neighbor, n.PeerID.String()+":0", n.LocalID.String()+":0", strings.Join(src, ", "), strings.Join(addrs, " "))
	}
}

// LabelName prints a label as LDP bindings do: imp-null, exp-null or the value.
func LabelName(l mpls.Label) string {
	switch l {
	case mpls.ImplicitNull:
		return "imp-null"
	case mpls.ExplicitNullV4:
		return "exp-null"
	}
	return l.String()
}

func bgpSessions(g *grid, node string, rows []network.BGPSession) {
	g.head("Speaker", "Neighbor", "Family", "State", "Paths received")
	g.columns("speaker", "neighbor", "family", "state", "paths_received")
	for _, s := range rows {
		g.row(s.Speaker, s.Neighbor, s.Family, s.State, fmt.Sprint(s.Paths))
	}
	if len(rows) == 0 {
		g.text(fmt.Sprintf("%s runs no BGP", node))
	}
}

func vrfs(g *grid, rows []network.VRFRow) {
	g.head("Name", "RD", "Import", "Export", "Interfaces", "Routes")
	g.columns("name", "rd", "import", "export", "interfaces", "routes")
	for _, v := range rows {
		g.row(v.Name, v.RD.String(), joinRTs(v.Import), joinRTs(v.Export), strings.Join(v.Interfaces, ","), fmt.Sprintf("%d", v.Routes))
	}
}

func interfaces(g *grid, rows []network.InterfaceRow) {
	g.head("Interface", "Address", "Neighbor", "Status", "Metric", "VRF")
	g.columns("interface", "address", "neighbor", "status", "metric", "vrf")
	for _, r := range rows {
		status := "down"
		if r.Up {
			status = "up"
		}
		metric := "-"
		if r.HasMetric {
			metric = fmt.Sprint(r.Metric)
		}
		v := r.VRF
		if r.EVPN != "" {
			v = "EVPN " + r.EVPN
		}
		if r.VLAN != 0 {
			v = fmt.Sprintf("%s, VLAN %d", v, r.VLAN)
		}
		g.row(r.Interface, addr(r.Address), orDash(r.Neighbor), status, metric, orDash(v))
	}
}

func evpns(g *grid, rows []network.EVPNRow) {
	g.head("Name", "Type", "RD", "Import", "Export", "Label", "BUM label", "Interfaces", "Remote PEs", "MACs")
	g.columns("name", "type", "rd", "import", "export", "label", "bum_label", "interfaces", "remotes", "macs")
	for _, e := range rows {
		bum := "-"
		if e.BUMLabel != 0 {
			bum = e.BUMLabel.String()
		}
		g.row(e.Name, e.Type, e.RD.String(), joinRTs(e.Import), joinRTs(e.Export), e.Label.String(), bum,
			orDash(strings.Join(e.Interfaces, ", ")), orDash(strings.Join(e.Remotes, ", ")), fmt.Sprint(e.MACs))
	}
}

func macs(g *grid, rows []network.MACRow) {
	g.head("EVPN", "MAC", "Where", "Interface", "VLAN", "Next hop", "Label")
	g.columns("evpn", "mac", "where", "interface", "vlan", "next_hop", "label")
	for _, m := range rows {
		if m.Local {
			vlan := "-"
			if m.VLAN != 0 {
				vlan = fmt.Sprint(m.VLAN)
			}
			g.row(m.EVPN, m.MAC, "local", m.Interface, vlan, "-", "-")
			continue
		}
		g.row(m.EVPN, m.MAC, "remote", "-", "-", m.PE+" "+m.NextHop.String(), m.Label.String())
	}
}

func bgpEVPN(g *grid, rows []network.BGPEVPNRow) {
	g.head("Best", "Type", "RD", "Route", "Next hop", "Label", "Route targets", "From")
	g.columns("best", "type", "rd", "route", "next_hop", "label", "route_targets", "from")
	for _, r := range rows {
		best := ""
		if r.Best {
			best = ">"
		}
		var route string
		switch r.Type {
		case 1:
			route = fmt.Sprintf("[1] A-D per EVI, tag %d", r.EthernetTag)
		case 2:
			route = fmt.Sprintf("[2] MAC %s", r.MAC)
		case 3:
			route = fmt.Sprintf("[3] inclusive multicast, tag %d", r.EthernetTag)
		default:
			route = fmt.Sprintf("[%d]", r.Type)
		}
		g.row(best, fmt.Sprint(r.Type), r.RD.String(), route, r.NextHop.String(), r.Label.String(), joinRTs(r.RouteTargets), orDash(r.From))
	}
}

func arp(g *grid, rows []network.ARPRow) {
	g.head("Address", "MAC", "Interface", "VRF", "Entry")
	g.columns("address", "mac", "interface", "vrf", "entry")
	for _, r := range rows {
		entry := fmt.Sprintf("learned at %.1f ms", ms(r.Learned))
		if r.Own {
			entry = "own"
		}
		g.row(r.Address.String(), r.MAC, r.Interface, orDash(r.VRF), entry)
	}
}

// ASPath prints an AS path and its origin code as IOS does:
// "65001 i", "?" for an empty path of ORIGIN incomplete.
func ASPath(path []uint32, origin uint8) string {
	var b strings.Builder
	for _, as := range path {
		fmt.Fprintf(&b, "%d ", as)
	}
	b.WriteString([...]string{"i", "e", "?"}[min(origin, 2)])
	return b.String()
}
