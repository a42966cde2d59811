package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/render"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// names maps provider loopbacks (router IDs, LDP LSR IDs, BGP next hops,
// originator and cluster IDs) to node names, as both sides are compared by
// name.
type names map[netip.Addr]string

func namesOf(t *topologies.Topology) names {
	m := names{}
	for _, n := range t.Nodes {
		if n.Loopback.IsValid() {
			m[n.Loopback] = n.Name
		}
	}
	return m
}

// name is the node whose loopback s is, or s itself.
func (m names) name(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	if n, ok := m[a]; ok {
		return n
	}
	return s
}

// provider reports whether n runs IS-IS and LDP (every role but ce).
func provider(n *topologies.Node) bool { return n.Role != topologies.RoleCE }

// speaker reports whether n runs MP-BGP (pe and rr).
func speaker(n *topologies.Node) bool {
	return n.Role == topologies.RolePE || n.Role == topologies.RoleRR
}

// labelKind is what the comparison sees of a label: its values differ by
// design (FRR's label manager and vpnsim's allocation hand out different
// numbers), its kind does not.
func labelKind(s string) string {
	switch s {
	case "imp-null", "exp-null":
		return s
	case "":
		return ""
	}
	return "label"
}

var originName = [...]string{"IGP", "EGP", "incomplete"}

func showRows(l *lab.Lab, node, table, vrfName string) ([]map[string]string, error) {
	t, err := l.Table(node, table, vrfName)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := render.JSON(&b, t); err != nil {
		return nil, err
	}
	var out struct {
		Rows []map[string]string `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		return nil, err
	}
	return out.Rows, nil
}

var lfibNeighbor = regexp.MustCompile(`\(([^)]*)\)$`)

// SimFacts reads the tables of a converged lab as facts: the same entries
// and fields FRRFacts reads from FRR, from vpnsim's printed tables (the JSON
// of `vpnsim show`) and its VPNv4 table.
func SimFacts(l *lab.Lab) (Facts, error) {
	t := l.Topo
	nm := namesOf(t)
	f := Facts{}
	for _, n := range t.Nodes {
		if !provider(n) {
			continue
		}
		// IGP: the route to every other provider loopback.
		rows, err := showRows(l, n.Name, "routes", "")
		if err != nil {
			return nil, err
		}
		nhs := map[string][]string{}
		for _, r := range rows {
			p, err := netip.ParsePrefix(r["prefix"])
			if err != nil || r["code"] != "i" || p.Bits() != 32 {
				continue
			}
			if _, ok := nm[p.Addr()]; !ok {
				continue
			}
			key := p.String()
			f.Set(n.Name, TableIGP, key, "metric", r["metric"])
			via := strings.Fields(r["via"])
			nhs[key] = append(nhs[key], r["next_hop"]+"%"+via[len(via)-1])
		}
		for key, v := range nhs {
			slices.Sort(v)
			f.Set(n.Name, TableIGP, key, "nexthops", strings.Join(v, " "))
		}

		// LDP: bindings, and the neighbours whose binding the LFIB uses.
		rows, err = showRows(l, n.Name, "ldp", "")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			key := r["fec"]
			f.Set(n.Name, TableLDP, key, "local", labelKind(r["local_label"]))
			var remote []string
			for _, rb := range strings.Fields(r["remote_bindings"]) {
				nb, lab, _ := strings.Cut(rb, ":")
				remote = append(remote, nb+":"+labelKind(lab))
			}
			slices.Sort(remote)
			f.Set(n.Name, TableLDP, key, "remote", strings.Join(remote, " "))
			f.Set(n.Name, TableLDP, key, "in-use", "")
		}
		rows, err = showRows(l, n.Name, "lfib", "")
		if err != nil {
			return nil, err
		}
		inUse := map[string][]string{}
		for _, r := range rows {
			m := lfibNeighbor.FindStringSubmatch(r["next_hop"])
			if m == nil || f[Entry{n.Name, TableLDP, r["fec"]}] == nil {
				continue
			}
			inUse[r["fec"]] = append(inUse[r["fec"]], m[1])
		}
		for key, v := range inUse {
			slices.Sort(v)
			f.Set(n.Name, TableLDP, key, "in-use", strings.Join(slices.Compact(v), " "))
		}
	}

	for _, n := range t.Nodes {
		if !speaker(n) {
			continue
		}
		paths, valid, best, err := l.VPNTable(n.Name)
		if err != nil {
			return nil, err
		}
		for i, p := range paths {
			from := p.FromPeer
			if from == "" {
				from = "local"
			}
			key := fmt.Sprintf("%s %s from %s", p.RD, p.Prefix, from)
			set := func(field, v string) { f.Set(n.Name, TableVPNv4, key, field, v) }
			set("valid", yesNo(valid[i]))
			set("best", yesNo(best[i]))
			nh := p.NextHop.String()
			if from == "local" {
				nh = "self"
			}
			set("nexthop", nm.name(nh))
			var as []string
			for _, a := range p.ASPath {
				as = append(as, fmt.Sprint(a))
			}
			set("aspath", strings.Join(as, " "))
			set("origin", originName[p.Origin])
			set("med", fmt.Sprint(p.MED))
			lp := ""
			if p.LocalPref != 0 {
				lp = fmt.Sprint(p.LocalPref)
			}
			set("localpref", lp)
			var rts []string
			for _, rt := range p.RouteTargets {
				rts = append(rts, rt.String())
			}
			slices.Sort(rts)
			set("rts", strings.Join(rts, " "))
			if n.Role == topologies.RolePE && from != "local" {
				set("import", importers(t, n, rts))
			}
			soo := ""
			if p.SiteOfOrigin != (vrf.RouteTarget{}) {
				soo = p.SiteOfOrigin.String()
			}
			set("soo", soo)
			orig := ""
			if p.OriginatorID.IsValid() && from != "local" {
				orig = nm.name(p.OriginatorID.String())
			}
			set("originator", orig)
			var cl []string
			for _, c := range p.ClusterList {
				cl = append(cl, nm.name(c.String()))
			}
			set("clusters", strings.Join(cl, " "))
		}
	}

	// The PEs' own VRF routes: connected, static and from their CEs (not
	// those imported from the VPN, which FRR cannot install here).
	for _, n := range t.Nodes {
		if n.Role != topologies.RolePE {
			continue
		}
		for _, v := range t.VRFs {
			if _, ok := l.VRF(n.Name, v.Name); !ok {
				continue
			}
			rows, err := showRows(l, n.Name, "routes", v.Name)
			if err != nil {
				return nil, err
			}
			nhs := map[string][]string{}
			for _, r := range rows {
				code := r["code"]
				switch {
				case code == "u" || strings.HasPrefix(r["from"], "RD "):
					continue // from the VPN: FRR cannot import these here
				case strings.HasPrefix(r["from"], "VRF "):
					code += " from " + r["from"] // leaked from another VRF of the PE
				case r["from"] != "":
					continue
				}
				key := v.Name + " " + r["prefix"]
				f.Set(n.Name, TableVRF, key, "code", code)
				via := strings.Fields(r["via"])
				nhs[key] = append(nhs[key], r["next_hop"]+"%"+via[len(via)-1])
			}
			for key, v := range nhs {
				slices.Sort(v)
				f.Set(n.Name, TableVRF, key, "nexthops", strings.Join(v, " "))
			}
		}
	}
	return f, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// importers says which of PE n's VRFs import a path with these route
// targets ("A B"), or "none": what a PE holds that none of its VRFs
// imports is what a reflector that filters by route target (vpnsim's,
// with RFC 4684's effect) never sends it. Both sides compute it from the
// topology, so it never differs itself; it lets the allow-list name such
// paths.
func importers(t *topologies.Topology, n *topologies.Node, rts []string) string {
	var out []string
	for _, v := range t.VRFs {
		attached := false
		for _, i := range n.Interfaces {
			attached = attached || i.Link.VRF == v.Name
		}
		if !attached {
			continue
		}
		for _, rt := range v.Import {
			if slices.Contains(rts, rt.String()) {
				out = append(out, v.Name)
				break
			}
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, " ")
}
