package lab

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Tables is every table name Show knows, in the order help lists them.
var Tables = []string{"routes", "vpnv4", "lfib", "ldp", "bgp", "vrfs", "interfaces"}

// Show prints one of node's tables the way a router's console would.
func (l *Lab) Show(w io.Writer, node, name, vrfName string) error {
	t, err := l.buildTable(node, name, vrfName)
	if err != nil {
		return err
	}
	t.write(w)
	return nil
}

// ShowJSON writes the same table as JSON: one object per row, keyed by
// column, and the table's headings as notes.
func (l *Lab) ShowJSON(w io.Writer, node, name, vrfName string) error {
	t, err := l.buildTable(node, name, vrfName)
	if err != nil {
		return err
	}
	out := struct {
		Node  string              `json:"node"`
		Table string              `json:"table"`
		VRF   string              `json:"vrf,omitempty"`
		Rows  []map[string]string `json:"rows"`
		Notes []string            `json:"notes,omitempty"`
	}{node, name, vrfName, t.recs, t.notes}
	if out.Rows == nil {
		out.Rows = []map[string]string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (l *Lab) buildTable(node, name, vrfName string) (*table, error) {
	n := l.Topo.Node(node)
	if n == nil {
		return nil, fmt.Errorf("no node %s", node)
	}
	tw := &table{}
	var err error
	switch name {
	case "routes":
		err = l.showRoutes(tw, n, vrfName)
	case "vpnv4":
		err = l.showVPNv4(tw, n)
	case "lfib":
		l.showLFIB(tw, n)
	case "ldp":
		l.showLDP(tw, n)
	case "bgp":
		l.showBGP(tw, n)
	case "vrfs":
		l.showVRFs(tw, n)
	case "interfaces":
		l.showInterfaces(tw, n)
	default:
		err = fmt.Errorf("no table %q: choose one of %s", name, strings.Join(Tables, ", "))
	}
	return tw, err
}

func (l *Lab) showRoutes(w *table, n *topologies.Node, vrfName string) error {
	if vrfName != "" {
		v, ok := l.VRF(n.Name, vrfName)
		if !ok {
			return fmt.Errorf("%s has no VRF %s", n.Name, vrfName)
		}
		w.text(fmt.Sprintf("Routing Table: %s (RD %s)", v.Name, v.RD))
		unres := l.Unresolved(n.Name, v.Name)
		if len(unres) == 0 {
			w.text("Codes: C - connected, S - static, B - BGP")
		} else {
			w.text("Codes: C - connected, S - static, B - BGP, u - BGP from outside the model, unresolved: never used for forwarding")
		}
		w.text("")
		w.head("", "Prefix", "Next hop", "Via", "Labels", "From")
		w.columns("code", "prefix", "next_hop", "via", "labels", "from")
		routes := v.Routes()
		for len(routes) > 0 || len(unres) > 0 {
			if len(routes) > 0 && (len(unres) == 0 || vrf.ComparePrefix(routes[0].Prefix, unres[0].Prefix) <= 0) {
				l.vrfRouteRow(w, n, routes[0])
				routes = routes[1:]
				continue
			}
			r := unres[0]
			unres = unres[1:]
			w.row("u", fmt.Sprint(r.Prefix), fmt.Sprint(r.NextHop), "-", "-", "RD "+r.RD.String())
		}
		return nil
	}
	if c := l.ces[n.Name]; c != nil {
		w.text("Codes: C - connected, S - static, B - BGP")
		w.text("")
		w.head("", "Prefix", "Next hop", "Via")
		w.columns("code", "prefix", "next_hop", "via")
		for _, r := range c.Routes() {
			for _, nh := range r.NextHops {
				addr, via := "-", l.nodes[n.Name].Ifaces[nh.IfIndex].Name
				if nh.Addr.IsValid() {
					addr = nh.Addr.String()
				}
				if nh.PE != "" {
					via = nh.PE + " " + via
				}
				w.row(ceCode(r.Proto), fmt.Sprint(r.Prefix), fmt.Sprint(addr), fmt.Sprint(via))
			}
		}
		return nil
	}
	r := l.Core.Router(n.Name)
	w.text("Codes: C - connected, i - IS-IS")
	w.text("")
	w.head("", "Prefix", "Next hop", "Via", "Metric")
	w.columns("code", "prefix", "next_hop", "via", "metric")
	for _, rt := range r.Routes {
		code := "C"
		if rt.Proto != "connected" {
			code = "i"
		}
		for _, nh := range rt.NextHops {
			addr, via := "-", nh.Interface
			if nh.Addr.IsValid() {
				addr = nh.Addr.String()
			}
			if nh.Neighbor != "" {
				via = nh.Neighbor + " " + via
			}
			w.row(fmt.Sprint(code), fmt.Sprint(rt.Prefix), fmt.Sprint(addr), fmt.Sprint(via), fmt.Sprint(rt.Metric))
		}
	}
	return nil
}

// vrfRouteRow writes one installed route of a VRF.
func (l *Lab) vrfRouteRow(w *table, n *topologies.Node, r *vrf.Route) {
	nh, via, labels, from := "-", "", "", ""
	if r.Proto == vrf.IBGP {
		nh, via, labels = r.NextHop.String(), r.PE, l.pushed(n.Name, r)
		from = "RD " + r.RD.String()
	} else {
		if r.NextHop.IsValid() {
			nh = r.NextHop.String()
		}
		if r.Discard {
			via = "Null0"
		} else {
			via = l.nodes[n.Name].Ifaces[r.IfIndex].Name
		}
		if r.CE != "" {
			via = r.CE + " " + via
		}
		if r.FromVRF != "" {
			from = "VRF " + r.FromVRF
		}
	}
	w.row(fmt.Sprint(r.Proto.Code()), fmt.Sprint(r.Prefix), fmt.Sprint(nh), fmt.Sprint(via), fmt.Sprint(labels), fmt.Sprint(from))
}

// pushed is the label stack node pushes for VPN route r, outermost first.
func (l *Lab) pushed(node string, r *vrf.Route) string {
	return mpls.Join(l.PushedLabels(node, r))
}

// PushedLabels is the label stack node pushes for VPN route r, outermost
// first: the transport label of the first equal-cost next hop (none with
// PHP) over the VPN label.
func (l *Lab) PushedLabels(node string, r *vrf.Route) []mpls.Label {
	if r.Proto != vrf.IBGP {
		return []mpls.Label{}
	}
	out := []mpls.Label{}
	if ch := l.lsrs[node].Tables.FTN[r.NextHop]; len(ch) > 0 {
		out = append(out, ch[0].Out...)
	}
	return append(out, r.Label)
}

func (l *Lab) showVPNv4(w *table, n *topologies.Node) error {
	if l.ctl.vpn[n.Name] == nil {
		w.text(fmt.Sprintf("%s runs no MP-BGP (a %s router): no VPNv4 table", n.Name, n.Role))
		return nil
	}
	paths, valid, best, err := l.VPNTable(n.Name)
	if err != nil {
		return err
	}
	w.text(fmt.Sprintf("BGP table of %s, local router ID %s", n.Name, n.Loopback))
	outside := make([]bool, len(paths))
	anyOutside, anyInvalid := false, false
	for i, p := range paths {
		outside[i] = len(l.Topo.ExternalPeers) > 0 && p.FromPeer != "" && !l.ctl.fromModel(p)
		anyOutside = anyOutside || outside[i]
		anyInvalid = anyInvalid || !valid[i]
	}
	codes := "Status codes: * valid, > best, i internal"
	if anyOutside {
		codes += ", u unresolved: from outside the model, never used for forwarding"
	}
	if anyInvalid {
		codes += "; no * : the next hop does not resolve (not a candidate)"
	}
	w.text(codes + "; From: the peer it came from")
	w.text("")
	w.head("", "Network", "Next Hop", "Metric", "LocPrf", "Label", "Route targets", "From", "Path")
	w.columns("status", "prefix", "next_hop", "med", "local_pref", "label", "route_targets", "from", "path")
	var rd vrf.RD
	for i, p := range paths {
		if i == 0 || p.RD != rd {
			rd = p.RD
			w.grouped("rd", rd.String(), fmt.Sprintf("Route Distinguisher: %s", rd))
		}
		st := ""
		switch {
		case outside[i]:
			st = "u"
		case valid[i]:
			st = "*"
		}
		if best[i] {
			st += ">"
		}
		from := p.FromPeer
		if from == "" {
			from = "local"
		} else {
			st += "i"
		}
		lp := ""
		if p.LocalPref != 0 {
			lp = fmt.Sprint(p.LocalPref)
		}
		w.row(st, fmt.Sprint(p.Prefix), fmt.Sprint(p.NextHop), fmt.Sprint(p.MED), lp, fmt.Sprint(p.Label), joinRTs(p.RouteTargets), from,
			asPathString(p.ASPath, p.Origin))
	}
	w.text("")
	w.text(fmt.Sprintf("%d paths", len(paths)))
	return nil
}

func joinRTs(rts []vrf.RouteTarget) string {
	s := make([]string, len(rts))
	for i, rt := range rts {
		s[i] = rt.String()
	}
	return strings.Join(s, " ")
}

func (l *Lab) showLFIB(w *table, n *topologies.Node) {
	x := l.lsrs[n.Name]
	if x == nil {
		w.text(fmt.Sprintf("%s is a CE: it switches no labels", n.Name))
		return
	}
	w.head("Local", "Outgoing", "Prefix", "Outgoing", "Next Hop")
	w.head("Label", "Label", "or FEC", "interface", "")
	w.columns("local_label", "outgoing_label", "fec", "interface", "next_hop")
	for _, e := range x.Tables.LFIB.Entries() {
		fec := e.FEC.String()
		if !e.FEC.IsValid() {
			fec = "VRF " + e.VRF
		} else if e.VRF != "" {
			fec = e.VRF + ":" + fec
		}
		if e.Op == mpls.OpPopLookup {
			w.row(fmt.Sprint(e.In), "Aggregate", fmt.Sprint(fec), "-", "-")
			continue
		}
		for i, nh := range e.NextHops {
			out := "Pop Label"
			if len(nh.Out) > 0 {
				out = mpls.Join(nh.Out)
			}
			if e.Op == mpls.OpPopDeliver {
				out = "No Label"
			}
			in := fmt.Sprint(e.In)
			if i > 0 {
				in = ""
			}
			w.row(in, out, fec, nh.Interface, fmt.Sprintf("%s (%s)", nh.Addr, nh.Neighbor))
		}
	}
}

func (l *Lab) showLDP(w *table, n *topologies.Node) {
	r := l.Core.Router(n.Name)
	if r == nil {
		w.text(fmt.Sprintf("%s is a CE: it runs no LDP", n.Name))
		return
	}
	w.head("FEC", "Local", "Remote bindings")
	w.columns("fec", "local_label", "remote_bindings")
	for _, b := range r.Bindings() {
		var rs []string
		for _, rb := range b.Remote {
			rs = append(rs, fmt.Sprintf("%s:%s", rb.Neighbor, labelName(rb.Label)))
		}
		w.row(fmt.Sprint(b.FEC), fmt.Sprint(labelName(b.Local)), fmt.Sprint(strings.Join(rs, "  ")))
	}
}

func labelName(l mpls.Label) string {
	switch l {
	case mpls.ImplicitNull:
		return "imp-null"
	case mpls.ExplicitNullV4:
		return "exp-null"
	}
	return l.String()
}

func (l *Lab) showBGP(w *table, n *topologies.Node) {
	w.head("Speaker", "Neighbor", "Family", "State", "Paths received")
	w.columns("speaker", "neighbor", "family", "state", "paths_received")
	any := false
	for _, s := range l.ctl.fabric.Sessions() {
		st := s.State()
		for _, side := range [][2]string{{st.A, st.B}, {st.B, st.A}} {
			if side[0] != n.Name && !strings.HasPrefix(side[0], n.Name+"/") {
				continue
			}
			any = true
			state := "Idle"
			if st.Established {
				state = "Established"
			} else if !st.Desired {
				state = "Down (no path)"
			}
			w.row(side[0], side[1], st.Family.String(), state, fmt.Sprint(l.pathsFrom(side[0], side[1], st.Family)))
		}
	}
	for _, e := range l.ctl.fabric.ExternalPeers() {
		st := e.State()
		if st.Speaker != n.Name {
			continue
		}
		any = true
		state := "Idle (external: waiting for a connection)"
		if st.Established {
			state = "Established (external)"
		} else if !st.Desired {
			state = "Down (node down)"
		}
		w.row(st.Speaker, st.Name, bgp.VPNv4.String(), state, fmt.Sprint(l.pathsFrom(st.Speaker, st.Name, bgp.VPNv4)))
	}
	if !any {
		w.text(fmt.Sprintf("%s runs no BGP", n.Name))
	}
}

// pathsFrom counts the paths speaker holds from peer (never the number of
// UPDATE messages, which depends on how the sender packed them).
func (l *Lab) pathsFrom(speaker, peer string, fam bgp.Family) int {
	sp := l.ctl.fabric.Speaker(speaker)
	if sp == nil {
		return 0
	}
	n := 0
	if fam == bgp.VPNv4 {
		// What it received: a reflector's Adj-RIB-In (its Loc-RIB holds
		// only its choices), a PE's RIB. No decision is needed to count.
		list := sp.VPNv4Paths
		if sp.Config().Decides {
			list = sp.AdjRIBInVPNv4
		}
		ps, _ := list()
		for _, p := range ps {
			if p.FromPeer == peer {
				n++
			}
		}
		return n
	}
	ps, _ := sp.IPv4Paths()
	for _, p := range ps {
		if p.FromPeer == peer {
			n++
		}
	}
	return n
}

func (l *Lab) showVRFs(w *table, n *topologies.Node) {
	x := l.pes[n.Name]
	if x == nil {
		w.text(fmt.Sprintf("%s holds no VRF (a %s router)", n.Name, n.Role))
		return
	}
	w.head("Name", "RD", "Import", "Export", "Interfaces", "Routes")
	w.columns("name", "rd", "import", "export", "interfaces", "routes")
	for _, v := range x.VRFs {
		var ifs []string
		for _, a := range x.Attach {
			if a.VRF == v {
				ifs = append(ifs, x.Node.Ifaces[a.IfIndex].Name)
			}
		}
		w.row(fmt.Sprint(v.Name), fmt.Sprint(v.RD), fmt.Sprint(joinRTs(v.Import)), fmt.Sprint(joinRTs(v.Export)), fmt.Sprint(strings.Join(ifs, ",")), fmt.Sprintf("%d", len(v.Routes())))
	}
}

func (l *Lab) showInterfaces(w *table, n *topologies.Node) {
	w.head("Interface", "Address", "Neighbor", "Status", "Metric", "VRF")
	w.columns("interface", "address", "neighbor", "status", "metric", "vrf")
	if n.Loopback.IsValid() {
		w.row("lo", fmt.Sprintf("%s/32", n.Loopback), "-", "up", "-", "-")
	}
	sn := l.nodes[n.Name]
	for i, ifc := range n.Interfaces {
		status := "up"
		if !sn.Ifaces[i].Link.Up() {
			status = "down"
		}
		metric, v := "-", "-"
		if ifc.Link.IsAttachment() {
			v = ifc.Link.VRF
		} else if ifc.Node.IsProvider() {
			m := ifc.Link.Metric
			if o, ok := l.state.Metric[ifc.Link.Index]; ok {
				m = o
			}
			metric = fmt.Sprint(m)
		}
		peer := ifc.Peer()
		w.row(fmt.Sprint(ifc.Name), fmt.Sprint(ifc.Addr), fmt.Sprint(peer), fmt.Sprint(status), fmt.Sprint(metric), fmt.Sprint(v))
	}
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

// asPathString prints an AS path and its origin code as IOS does:
// "65001 i", "?" for an empty path of ORIGIN incomplete.
func asPathString(path []uint32, origin uint8) string {
	var b strings.Builder
	for _, as := range path {
		fmt.Fprintf(&b, "%d ", as)
	}
	b.WriteString([...]string{"i", "e", "?"}[min(origin, 2)])
	return b.String()
}
