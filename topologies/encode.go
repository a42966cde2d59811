package topologies

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/vrf"
)

// Doc is a topology file as data: the keys a file holds, before the loader
// fills in defaults and allocates addresses. A zero field is a key left
// out. Encode writes it as YAML that Load reads back; everything that
// writes a topology (gen, import, the round trip of export) builds a Doc
// instead of YAML text, so quoting and key names live in one place.
type Doc struct {
	Header        []string // comment lines at the top, without "# "
	Name          string
	Description   string
	Provider      DocProvider
	Nodes         []DocNode // in file order
	VRFs          []DocVRF  // in file order
	Links         []DocLink // in file order
	ExternalPeers []DocPeer
}

// DocProvider is the provider key. Nil or empty fields are left out.
type DocProvider struct {
	ASN                uint32
	PHP                *bool
	TTLPropagation     TTLMode
	VPNLabelAllocation LabelAllocation
}

// DocNode is one entry of the nodes map.
type DocNode struct {
	Name        string
	Role        Role
	Loopback    netip.Addr
	LANs        []netip.Prefix
	ASN         uint32
	Description string
	Comment     string // a "# ..." line written before the node
}

// DocVRF is one entry of the vrfs map. RDAuto writes rd: auto.
type DocVRF struct {
	Name        string
	RD          vrf.RD
	RDAuto      bool
	RouteTarget []vrf.RouteTarget // the route-target key (import and export)
	Import      []vrf.RouteTarget
	Export      []vrf.RouteTarget
	Description string
}

// DocLink is one entry of the links list. An endpoint is a node name,
// optionally with ":INTERFACE".
type DocLink struct {
	A, B    string
	Metric  uint32
	Delay   time.Duration
	Subnet  netip.Prefix
	VRF     string
	Routing Routing
	Comment string // a "# ..." line written before the link
}

// DocPeer is one entry of the external-peers list.
type DocPeer struct {
	Name    string
	Address netip.Addr
	ASN     uint32
	PeerOf  string
	Listen  netip.AddrPort
}

// Encode writes the document as a topology file: block style at the top,
// one flow-style line per node, VRF and link, every string quoted where
// YAML would read it as something else, RDs and route targets always
// quoted (the spec asks for it: 65000:1 is a number in YAML 1.1).
func (d *Doc) Encode() []byte {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, str(key), v)
	}
	add(root, "name", str(d.Name))
	if d.Description != "" {
		add(root, "description", str(d.Description))
	}
	prov := flow()
	add(prov, "asn", num(uint64(d.Provider.ASN)))
	if d.Provider.PHP != nil {
		add(prov, "php", boolean(*d.Provider.PHP))
	}
	if d.Provider.TTLPropagation != "" {
		add(prov, "ttl-propagation", str(string(d.Provider.TTLPropagation)))
	}
	if d.Provider.VPNLabelAllocation != "" {
		add(prov, "vpn-label-allocation", str(string(d.Provider.VPNLabelAllocation)))
	}
	prov.Style = 0
	add(root, "provider", prov)

	nodes := &yaml.Node{Kind: yaml.MappingNode}
	for _, n := range d.Nodes {
		m := flow()
		add(m, "role", str(string(n.Role)))
		if n.Loopback.IsValid() {
			add(m, "loopback", str(n.Loopback.String()))
		}
		if n.ASN != 0 {
			add(m, "asn", num(uint64(n.ASN)))
		}
		if n.Role == RoleCE || len(n.LANs) > 0 {
			lans := flowSeq()
			for _, p := range n.LANs {
				lans.Content = append(lans.Content, str(p.String()))
			}
			add(m, "lans", lans)
		}
		if n.Description != "" {
			add(m, "description", str(n.Description))
		}
		k := str(n.Name)
		k.HeadComment = yamlComment(n.Comment)
		nodes.Content = append(nodes.Content, k, m)
	}
	add(root, "nodes", nodes)

	if len(d.VRFs) > 0 {
		vrfs := &yaml.Node{Kind: yaml.MappingNode}
		for _, v := range d.VRFs {
			m := flow()
			switch {
			case v.RDAuto:
				add(m, "rd", str("auto"))
			default:
				add(m, "rd", quoted(v.RD.String()))
			}
			if len(v.RouteTarget) > 0 {
				add(m, "route-target", rtSeq(v.RouteTarget))
			}
			if len(v.Import) > 0 {
				add(m, "import", rtSeq(v.Import))
			}
			if len(v.Export) > 0 {
				add(m, "export", rtSeq(v.Export))
			}
			if v.Description != "" {
				add(m, "description", str(v.Description))
			}
			vrfs.Content = append(vrfs.Content, str(v.Name), m)
		}
		add(root, "vrfs", vrfs)
	}

	links := &yaml.Node{Kind: yaml.SequenceNode}
	for _, l := range d.Links {
		m := flow()
		ends := flowSeq()
		ends.Content = append(ends.Content, str(l.A), str(l.B))
		add(m, "endpoints", ends)
		if l.Metric != 0 {
			add(m, "metric", num(uint64(l.Metric)))
		}
		if l.Delay != 0 {
			add(m, "delay", str(l.Delay.String()))
		}
		if l.VRF != "" {
			add(m, "vrf", str(l.VRF))
		}
		if l.Routing != "" {
			add(m, "routing", str(string(l.Routing)))
		}
		if l.Subnet.IsValid() {
			add(m, "subnet", str(l.Subnet.String()))
		}
		m.HeadComment = yamlComment(l.Comment)
		links.Content = append(links.Content, m)
	}
	add(root, "links", links)

	if len(d.ExternalPeers) > 0 {
		peers := &yaml.Node{Kind: yaml.SequenceNode}
		for _, p := range d.ExternalPeers {
			m := flow()
			add(m, "name", str(p.Name))
			add(m, "address", str(p.Address.String()))
			if p.ASN != 0 {
				add(m, "asn", num(uint64(p.ASN)))
			}
			add(m, "peer-of", str(p.PeerOf))
			add(m, "listen", str(p.Listen.String()))
			peers.Content = append(peers.Content, m)
		}
		add(root, "external-peers", peers)
	}

	var b bytes.Buffer
	for _, h := range d.Header {
		b.WriteString(strings.TrimRight("# "+h, " "))
		b.WriteByte('\n')
	}
	if len(d.Header) > 0 {
		b.WriteByte('\n')
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	if err := enc.Encode(doc); err != nil {
		// Every node above is a plain scalar, sequence or map built here:
		// the encoder has nothing it could refuse.
		panic(fmt.Sprintf("topologies: encoding a Doc: %v", err))
	}
	enc.Close()
	return spaceSections(b.Bytes())
}

// spaceSections puts an empty line before each top-level key after the
// first, as people write topology files.
func spaceSections(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	seenKey := false
	for _, ln := range lines {
		top := len(ln) > 0 && ln[0] != ' ' && ln[0] != '#' && ln[0] != '\n' && ln[0] != '-'
		if top && seenKey && (bytes.HasPrefix(ln, []byte("nodes:")) || bytes.HasPrefix(ln, []byte("vrfs:")) ||
			bytes.HasPrefix(ln, []byte("links:")) || bytes.HasPrefix(ln, []byte("provider:")) || bytes.HasPrefix(ln, []byte("external-peers:"))) {
			out.WriteByte('\n')
		}
		if top {
			seenKey = true
		}
		out.Write(ln)
	}
	return out.Bytes()
}

func flow() *yaml.Node    { return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle} }
func flowSeq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle} }

// str is a string scalar: plain where YAML reads it back as the same
// string, double-quoted otherwise (a name such as "yes" or "10", an
// address the encoder would leave bare is fine either way).
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if needsQuotes(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

func num(x uint64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(x, 10)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func rtSeq(rts []vrf.RouteTarget) *yaml.Node {
	s := flowSeq()
	for _, rt := range rts {
		s.Content = append(s.Content, quoted(rt.String()))
	}
	return s
}

func yamlComment(c string) string {
	if c == "" {
		return ""
	}
	return "# " + c
}

// needsQuotes reports whether a plain scalar s would not read back as the
// string s: empty, a YAML 1.1 or 1.2 null, boolean or number, something
// with a character that starts or ends YAML syntax, or a colon (RDs,
// "PE1:eth1" is fine plain but ambiguous to a reader's eye in flow style).
func needsQuotes(s string) bool {
	if s == "" || yamlWord[strings.ToLower(s)] {
		return true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@` ") || strings.HasSuffix(s, " ") {
		return true
	}
	return strings.ContainsAny(s, ",[]{}#\"'\n\t") || strings.Contains(s, ": ") || strings.Contains(s, ":")
}

// yamlWord holds the plain scalars YAML 1.1 or 1.2 reads as null, a
// boolean or a special number.
var yamlWord = map[string]bool{"null": true, "~": true, "true": true, "false": true, "yes": true, "no": true,
	"on": true, "off": true, "y": true, "n": true, ".inf": true, "-.inf": true, ".nan": true}

// DocOf is the document of a loaded topology: Encode of it loads back as
// the same network (the same nodes, VRFs, links, interface names,
// addresses and settings). Subnets are written out, since a loaded
// topology no longer knows which ones the file gave; interface names
// only for a node whose names differ from the automatic eth1, eth2, ...
// in link order; defaults are left out.
func DocOf(t *Topology) Doc {
	d := Doc{Name: t.Name, Description: t.Description, Provider: DocProvider{ASN: t.Provider.ASN}}
	if !t.Provider.PHP {
		f := false
		d.Provider.PHP = &f
	}
	if t.Provider.TTLPropagation != "" && t.Provider.TTLPropagation != TTLUniform {
		d.Provider.TTLPropagation = t.Provider.TTLPropagation
	}
	if t.Provider.VPNLabelAllocation != "" && t.Provider.VPNLabelAllocation != PerVRF {
		d.Provider.VPNLabelAllocation = t.Provider.VPNLabelAllocation
	}
	named := map[*Node]bool{} // nodes whose interface names must be written
	for _, n := range t.Nodes {
		for i, ifc := range n.Interfaces {
			if ifc.Name != "eth"+strconv.Itoa(i+1) {
				named[n] = true
			}
		}
		d.Nodes = append(d.Nodes, DocNode{Name: n.Name, Role: n.Role, Loopback: n.Loopback, LANs: n.LANs, ASN: n.ASN, Description: n.Description})
	}
	for _, v := range t.VRFs {
		dv := DocVRF{Name: v.Name, RD: v.RD, RDAuto: v.RDAuto, Description: v.Description}
		if slices.Equal(v.Import, v.Export) {
			dv.RouteTarget = v.Import
		} else {
			dv.Import, dv.Export = v.Import, v.Export
		}
		d.VRFs = append(d.VRFs, dv)
	}
	end := func(i *Interface) string {
		if named[i.Node] {
			return i.Node.Name + ":" + i.Name
		}
		return i.Node.Name
	}
	for _, l := range t.Links {
		dl := DocLink{A: end(l.A), B: end(l.B), Subnet: l.Subnet, VRF: l.VRF}
		if !l.IsAttachment() && l.Metric != DefaultMetric {
			dl.Metric = l.Metric
		}
		if l.Delay != DefaultDelay {
			dl.Delay = l.Delay
		}
		if l.Routing != "" && l.Routing != RoutingStatic {
			dl.Routing = l.Routing
		}
		d.Links = append(d.Links, dl)
	}
	for _, p := range t.ExternalPeers {
		d.ExternalPeers = append(d.ExternalPeers, DocPeer{Name: p.Name, Address: p.Address, PeerOf: p.PeerOf, Listen: p.Listen})
	}
	return d
}
