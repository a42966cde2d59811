package topologies

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Drawing a topology: the provider's routers inside a box, the customer
// sites around it. Roles are told apart by shape (PE box, P ellipse, RR
// hexagon, CE rounded box) and VRFs by colour, from a fixed palette taken in
// VRF file order, on the attachment links and the CEs. Provider links carry
// their IGP metric; node labels show loopbacks, AS numbers and LANs.

// colour is one VRF's colour: a strong one for lines, a light one for fills.
type colour struct{ line, fill string }

// palette is the fixed list of VRF colours; the first VRF in the file takes
// the first colour, and past the end the list starts over.
var palette = []colour{
	{"#1f77b4", "#c6dbef"}, // blue
	{"#d62728", "#fcbba1"}, // red
	{"#2ca02c", "#c7e9c0"}, // green
	{"#ff7f0e", "#fdd0a2"}, // orange
	{"#9467bd", "#dadaeb"}, // purple
	{"#8c564b", "#e7d4c9"}, // brown
	{"#e377c2", "#fbd5ec"}, // pink
	{"#17becf", "#c5eff3"}, // cyan
}

// vrfColour returns the named VRF's colour, or an EVPN instance's (the
// palette goes on after the VRFs).
func (t *Topology) vrfColour(name string) colour {
	for i, v := range t.VRFs {
		if v.Name == name {
			return palette[i%len(palette)]
		}
	}
	for i, e := range t.EVPNs {
		if e.Name == name {
			return palette[(len(t.VRFs)+i)%len(palette)]
		}
	}
	return colour{"#000000", "#ffffff"}
}

// ceColour is the colour of the VRF (or EVPN) of a CE's first link.
func (t *Topology) ceColour(n *Node) colour {
	if vs := n.VRFs(); len(vs) > 0 {
		return t.vrfColour(vs[0])
	}
	if len(n.Interfaces) > 0 && n.Interfaces[0].Link.IsEVPN() {
		return t.vrfColour(n.Interfaces[0].Link.EVPN)
	}
	return colour{"#000000", "#ffffff"}
}

// service is the VRF or EVPN instance an attachment belongs to ("" on a
// provider link).
func (l *Link) service() string { return l.VRF + l.EVPN }

// nodeLines is what a node's label says, one item per line.
func nodeLines(n *Node) []string {
	lines := []string{n.Name}
	if n.Loopback.IsValid() {
		lines = append(lines, n.Loopback.String())
	}
	if n.ASN != 0 {
		lines = append(lines, fmt.Sprintf("AS %d", n.ASN))
	}
	for _, p := range n.LANs {
		lines = append(lines, p.String())
	}
	if n.LANAddress.IsValid() {
		lines = append(lines, n.LANAddress.String())
	}
	return lines
}

// linkLabel is a link's edge label: the metric of a provider link, the VRF
// of an attachment (and "eBGP" when it speaks eBGP), and a delay that is
// not the default.
func linkLabel(l *Link) string {
	var parts []string
	switch {
	case l.IsEVPN():
		parts = append(parts, "EVPN "+l.EVPN)
	case l.IsAttachment():
		parts = append(parts, l.VRF)
		if l.Routing == RoutingEBGP {
			parts = append(parts, "eBGP")
		}
	default:
		parts = append(parts, fmt.Sprint(l.Metric))
	}
	if l.VLAN != 0 {
		parts = append(parts, fmt.Sprintf("VLAN %d", l.VLAN))
	}
	if l.Delay != DefaultDelay {
		parts = append(parts, l.Delay.String())
	}
	return strings.Join(parts, " ")
}

// comment wraps text into lines of at most 76 characters after prefix.
func comment(w io.Writer, prefix, text string) {
	line := prefix
	for _, word := range strings.Fields(text) {
		if len(line) > len(prefix) && len(line)+1+len(word) > 76+len(prefix) {
			fmt.Fprintln(w, line)
			line = prefix
		}
		if len(line) > len(prefix) {
			line += " "
		}
		line += word
	}
	if len(line) > len(prefix) {
		fmt.Fprintln(w, line)
	}
}

// dotString quotes s as a DOT string; newlines become \n line breaks.
func dotString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

var dotShape = map[Role]string{
	RolePE: "box",
	RoleP:  "ellipse",
	RoleRR: "hexagon",
}

// WriteDOT writes the topology as a Graphviz graph (render it with
// `dot -Tsvg`).
func WriteDOT(w io.Writer, t *Topology) error { return WriteDOTPath(w, t, nil) }

// WriteDOTPath is WriteDOT with one packet's path drawn over it: each link
// in path is drawn bold red, with its text (the label stack the packet
// carried on it) added to its label.
func WriteDOTPath(w io.Writer, t *Topology, path map[*Link]string) error {
	b := bufio.NewWriter(w)
	comment(b, "// ", t.Name+": "+t.Description)
	fmt.Fprintf(b, "graph %s {\n", dotString(t.Name))
	fmt.Fprintf(b, "\tlabel=%s;\n\tlabelloc=t;\n\tfontname=\"Helvetica\";\n", dotString(t.Name))
	fmt.Fprintln(b, "\tnode [fontname=\"Helvetica\", fontsize=10];")
	fmt.Fprintln(b, "\tedge [fontname=\"Helvetica\", fontsize=9];")
	fmt.Fprintln(b)
	fmt.Fprintln(b, "\tsubgraph cluster_provider {")
	fmt.Fprintf(b, "\t\tlabel=%s;\n", dotString(fmt.Sprintf("provider AS %d", t.Provider.ASN)))
	fmt.Fprintln(b, "\t\tstyle=\"rounded,filled\";\n\t\tfillcolor=\"#f4f4f4\";\n\t\tcolor=\"#999999\";")
	for _, n := range t.Nodes {
		if n.IsProvider() {
			fmt.Fprintf(b, "\t\t%s [shape=%s, label=%s];\n", dotString(n.Name), dotShape[n.Role], dotString(strings.Join(nodeLines(n), "\n")))
		}
	}
	fmt.Fprintln(b, "\t}")
	fmt.Fprintln(b)
	for _, n := range t.Nodes {
		if !n.IsProvider() {
			c := t.ceColour(n)
			fmt.Fprintf(b, "\t%s [shape=box, style=\"rounded,filled\", color=%q, fillcolor=%q, label=%s];\n",
				dotString(n.Name), c.line, c.fill, dotString(strings.Join(nodeLines(n), "\n")))
		}
	}
	fmt.Fprintln(b)
	for _, l := range t.Links {
		a, z := l.Ends()
		if extra, ok := path[l]; ok {
			fmt.Fprintf(b, "\t%s -- %s [color=\"#e6a800\", penwidth=5, fontcolor=\"#8a6500\", label=%s];\n",
				dotString(a), dotString(z), dotString(linkLabel(l)+"\n"+extra))
			continue
		}
		if l.service() != "" {
			c := t.vrfColour(l.service())
			fmt.Fprintf(b, "\t%s -- %s [color=%q, penwidth=2, fontcolor=%q, label=%s];\n", dotString(a), dotString(z), c.line, c.line, dotString(linkLabel(l)))
		} else {
			fmt.Fprintf(b, "\t%s -- %s [label=%s];\n", dotString(a), dotString(z), dotString(linkLabel(l)))
		}
	}
	if len(t.VRFs)+len(t.EVPNs) > 0 {
		fmt.Fprintln(b)
		fmt.Fprintln(b, "\tsubgraph cluster_vrfs {")
		fmt.Fprintln(b, "\t\tlabel=\"VRFs\";\n\t\tcolor=\"#999999\";")
		for _, v := range t.VRFs {
			c := t.vrfColour(v.Name)
			fmt.Fprintf(b, "\t\t%s [shape=note, style=filled, color=%q, fillcolor=%q, label=%s];\n",
				dotString("VRF "+v.Name), c.line, c.fill, dotString(strings.Join(vrfLines(v), "\n")))
		}
		for _, e := range t.EVPNs {
			c := t.vrfColour(e.Name)
			lines := []string{fmt.Sprintf("EVPN %s (%s)", e.Name, e.Type), "import " + rtList(e.Import), "export " + rtList(e.Export)}
			fmt.Fprintf(b, "\t\t%s [shape=note, style=filled, color=%q, fillcolor=%q, label=%s];\n",
				dotString("EVPN "+e.Name), c.line, c.fill, dotString(strings.Join(lines, "\n")))
		}
		fmt.Fprintln(b, "\t}")
	}
	fmt.Fprintln(b, "}")
	return b.Flush()
}

// vrfLines is what a VRF's legend entry says.
func vrfLines(v *VRF) []string {
	rd := "RD " + v.RD.String()
	if v.RDAuto {
		rd = fmt.Sprintf("RD auto (LOOPBACK:%d)", v.Index)
	}
	return []string{"VRF " + v.Name, rd, "import " + rtList(v.Import), "export " + rtList(v.Export)}
}

func rtList[T fmt.Stringer](rts []T) string {
	if len(rts) == 0 {
		return "(none)"
	}
	s := make([]string, len(rts))
	for i, rt := range rts {
		s[i] = rt.String()
	}
	return strings.Join(s, ", ")
}

// mermaidShape gives the brackets around a node's label in Mermaid.
var mermaidShape = map[Role][2]string{
	RolePE: {"[", "]"},
	RoleP:  {"((", "))"},
	RoleRR: {"{{", "}}"},
	RoleCE: {"(", ")"},
}

// mermaidString quotes s for a Mermaid label; newlines become <br/>.
func mermaidString(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "\n", "<br/>")
	return `"` + r.Replace(s) + `"`
}

// WriteMermaid writes the topology as a Mermaid flowchart (GitHub and many
// Markdown viewers draw it inside a ```mermaid block).
func WriteMermaid(w io.Writer, t *Topology) error {
	b := bufio.NewWriter(w)
	fmt.Fprintln(b, "flowchart LR")
	comment(b, "%% ", t.Name+": "+t.Description)
	id := map[*Node]string{}
	for i, n := range t.Nodes {
		id[n] = fmt.Sprintf("n%d", i+1)
	}
	node := func(indent string, n *Node) {
		s := mermaidShape[n.Role]
		fmt.Fprintf(b, "%s%s%s%s%s\n", indent, id[n], s[0], mermaidString(strings.Join(nodeLines(n), "\n")), s[1])
	}
	fmt.Fprintf(b, "  subgraph provider[%s]\n", mermaidString(fmt.Sprintf("provider AS %d", t.Provider.ASN)))
	for _, n := range t.Nodes {
		if n.IsProvider() {
			node("    ", n)
		}
	}
	fmt.Fprintln(b, "  end")
	for _, n := range t.Nodes {
		if !n.IsProvider() {
			node("  ", n)
		}
	}
	for _, l := range t.Links {
		fmt.Fprintf(b, "  %s ---|%s| %s\n", id[l.A.Node], mermaidString(linkLabel(l)), id[l.B.Node])
	}
	fmt.Fprintln(b, "  style provider fill:#f4f4f4,stroke:#999999")
	for i, v := range t.VRFs {
		c := palette[i%len(palette)]
		fmt.Fprintf(b, "  classDef vrf%d fill:%s,stroke:%s,color:#000000\n", i+1, c.fill, c.line)
		var ces, links []string
		for _, n := range t.Nodes {
			if vs := n.VRFs(); n.Role == RoleCE && len(vs) > 0 && vs[0] == v.Name {
				ces = append(ces, id[n])
			}
		}
		for j, l := range t.Links {
			if l.VRF == v.Name {
				links = append(links, fmt.Sprint(j))
			}
		}
		if len(ces) > 0 {
			fmt.Fprintf(b, "  class %s vrf%d\n", strings.Join(ces, ","), i+1)
		}
		if len(links) > 0 {
			fmt.Fprintf(b, "  linkStyle %s stroke:%s,stroke-width:2px\n", strings.Join(links, ","), c.line)
		}
	}
	return b.Flush()
}
