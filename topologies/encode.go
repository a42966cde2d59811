package topologies

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	EVPNs         []DocEVPN // in file order
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
	LANAddress  netip.Prefix // a host on an EVPN
	ASN         uint32
	LabelRange  [2]uint32 // zero: none
	Position    *Point    // nil: none
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
	ImportMap   PrefixMap
	ExportMap   PrefixMap
	Static      []StaticRoute
	Description string
}

// DocEVPN is one entry of the evpns map. RDAuto writes rd: auto; an empty
// Type leaves the default (elan).
type DocEVPN struct {
	Name        string
	RD          vrf.RD
	RDAuto      bool
	RouteTarget []vrf.RouteTarget
	Import      []vrf.RouteTarget
	Export      []vrf.RouteTarget
	Type        EVPNType
	Description string
}

// DocLink is one entry of the links list. An endpoint is a node name,
// optionally with ":INTERFACE".
type DocLink struct {
	A, B    string
	Metric  uint32
	Delay   time.Duration
	MTU     int // 0: the default
	NoLDP   bool
	Subnet  netip.Prefix
	VRF     string
	EVPN    string
	VLAN    uint16
	Routing Routing
	BGP     AttachmentBGP
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
// one flow-style line per node, VRF and link (however many LANs a node
// has), every string quoted where YAML would read it as something else,
// RDs and route targets always quoted (the spec asks for it: 65000:1 is a
// number in YAML 1.1). It appends bytes directly, without a YAML node
// tree: a generated network of 100 000 prefixes encodes in milliseconds.
func (d *Doc) Encode() []byte {
	lans := 0
	for _, n := range d.Nodes {
		lans += len(n.LANs)
	}
	e := encoder{b: make([]byte, 0, 1024+80*(len(d.Nodes)+len(d.Links)+len(d.VRFs))+20*lans)}
	for _, h := range d.Header {
		e.b = append(e.b, strings.TrimRight("# "+h, " ")...)
		e.b = append(e.b, '\n')
	}
	if len(d.Header) > 0 {
		e.b = append(e.b, '\n')
	}
	e.b = append(e.b, "name: "...)
	e.str(d.Name)
	if d.Description != "" {
		e.b = append(e.b, "\ndescription: "...)
		e.str(d.Description)
	}
	e.b = append(e.b, "\n\nprovider:\n  asn: "...)
	e.b = strconv.AppendUint(e.b, uint64(d.Provider.ASN), 10)
	if d.Provider.PHP != nil {
		e.b = append(e.b, "\n  php: "...)
		e.b = strconv.AppendBool(e.b, *d.Provider.PHP)
	}
	if d.Provider.TTLPropagation != "" {
		e.b = append(e.b, "\n  ttl-propagation: "...)
		e.str(string(d.Provider.TTLPropagation))
	}
	if d.Provider.VPNLabelAllocation != "" {
		e.b = append(e.b, "\n  vpn-label-allocation: "...)
		e.str(string(d.Provider.VPNLabelAllocation))
	}

	e.b = append(e.b, "\n\nnodes:"...)
	if len(d.Nodes) == 0 {
		e.b = append(e.b, " {}"...)
	}
	e.b = append(e.b, '\n')
	for _, n := range d.Nodes {
		e.comment(n.Comment)
		e.b = append(e.b, "  "...)
		e.str(n.Name)
		e.b = append(e.b, ": {role: "...)
		e.str(string(n.Role))
		if n.Loopback.IsValid() {
			e.b = append(e.b, ", loopback: "...)
			e.b = n.Loopback.AppendTo(e.b)
		}
		if n.ASN != 0 {
			e.b = append(e.b, ", asn: "...)
			e.b = strconv.AppendUint(e.b, uint64(n.ASN), 10)
		}
		if n.LabelRange != [2]uint32{} {
			e.b = append(e.b, ", label-range: ["...)
			e.b = strconv.AppendUint(e.b, uint64(n.LabelRange[0]), 10)
			e.b = append(e.b, ", "...)
			e.b = strconv.AppendUint(e.b, uint64(n.LabelRange[1]), 10)
			e.b = append(e.b, ']')
		}
		if n.Position != nil {
			e.b = append(e.b, ", position: ["...)
			e.b = strconv.AppendFloat(e.b, n.Position.X, 'f', -1, 64)
			e.b = append(e.b, ", "...)
			e.b = strconv.AppendFloat(e.b, n.Position.Y, 'f', -1, 64)
			e.b = append(e.b, ']')
		}
		if n.LANAddress.IsValid() {
			e.b = append(e.b, ", lan-address: "...)
			e.b = n.LANAddress.AppendTo(e.b)
		} else if n.Role == RoleCE || len(n.LANs) > 0 {
			e.b = append(e.b, ", lans: ["...)
			for i, p := range n.LANs {
				if i > 0 {
					e.b = append(e.b, ", "...)
				}
				e.b = p.AppendTo(e.b)
			}
			e.b = append(e.b, ']')
		}
		if n.Description != "" {
			e.b = append(e.b, ", description: "...)
			e.str(n.Description)
		}
		e.b = append(e.b, "}\n"...)
	}

	if len(d.VRFs) > 0 {
		e.b = append(e.b, "\nvrfs:\n"...)
		for _, v := range d.VRFs {
			e.b = append(e.b, "  "...)
			e.str(v.Name)
			e.b = append(e.b, ": {rd: "...)
			if v.RDAuto {
				e.b = append(e.b, "auto"...)
			} else {
				e.quoted(v.RD.String())
			}
			e.rts(", route-target: ", v.RouteTarget)
			e.rts(", import: ", v.Import)
			e.rts(", export: ", v.Export)
			e.prefixMap(", import-map: ", v.ImportMap)
			e.prefixMap(", export-map: ", v.ExportMap)
			if len(v.Static) > 0 {
				e.b = append(e.b, ", static: ["...)
				for i, r := range v.Static {
					if i > 0 {
						e.b = append(e.b, ", "...)
					}
					e.b = append(e.b, "{prefix: "...)
					e.b = r.Prefix.AppendTo(e.b)
					e.b = append(e.b, ", next-hop: "...)
					if r.Null0 {
						e.b = append(e.b, "null0"...)
					} else {
						e.b = r.NextHop.AppendTo(e.b)
					}
					if r.PE != "" {
						e.b = append(e.b, ", pe: "...)
						e.str(r.PE)
					}
					e.b = append(e.b, '}')
				}
				e.b = append(e.b, ']')
			}
			if v.Description != "" {
				e.b = append(e.b, ", description: "...)
				e.str(v.Description)
			}
			e.b = append(e.b, "}\n"...)
		}
	}

	if len(d.EVPNs) > 0 {
		e.b = append(e.b, "\nevpns:\n"...)
		for _, x := range d.EVPNs {
			e.b = append(e.b, "  "...)
			e.str(x.Name)
			e.b = append(e.b, ": {rd: "...)
			if x.RDAuto {
				e.b = append(e.b, "auto"...)
			} else {
				e.quoted(x.RD.String())
			}
			e.rts(", route-target: ", x.RouteTarget)
			e.rts(", import: ", x.Import)
			e.rts(", export: ", x.Export)
			if x.Type != "" {
				e.b = append(e.b, ", type: "...)
				e.str(string(x.Type))
			}
			if x.Description != "" {
				e.b = append(e.b, ", description: "...)
				e.str(x.Description)
			}
			e.b = append(e.b, "}\n"...)
		}
	}

	e.b = append(e.b, "\nlinks:"...)
	if len(d.Links) == 0 {
		e.b = append(e.b, " []"...)
	}
	e.b = append(e.b, '\n')
	for _, l := range d.Links {
		e.comment(l.Comment)
		e.b = append(e.b, "  - {endpoints: ["...)
		e.str(l.A)
		e.b = append(e.b, ", "...)
		e.str(l.B)
		e.b = append(e.b, ']')
		if l.Metric != 0 {
			e.b = append(e.b, ", metric: "...)
			e.b = strconv.AppendUint(e.b, uint64(l.Metric), 10)
		}
		if l.Delay != 0 {
			e.b = append(e.b, ", delay: "...)
			e.str(l.Delay.String())
		}
		if l.MTU != 0 {
			e.b = append(e.b, ", mtu: "...)
			e.b = strconv.AppendInt(e.b, int64(l.MTU), 10)
		}
		if l.NoLDP {
			e.b = append(e.b, ", ldp: false"...)
		}
		if l.VRF != "" {
			e.b = append(e.b, ", vrf: "...)
			e.str(l.VRF)
		}
		if l.EVPN != "" {
			e.b = append(e.b, ", evpn: "...)
			e.str(l.EVPN)
		}
		if l.VLAN != 0 {
			e.b = append(e.b, ", vlan: "...)
			e.b = strconv.AppendUint(e.b, uint64(l.VLAN), 10)
		}
		if l.Routing != "" {
			e.b = append(e.b, ", routing: "...)
			e.str(string(l.Routing))
		}
		e.attachmentBGP(l.BGP)
		if l.Subnet.IsValid() {
			e.b = append(e.b, ", subnet: "...)
			e.b = l.Subnet.AppendTo(e.b)
		}
		e.b = append(e.b, "}\n"...)
	}

	if len(d.ExternalPeers) > 0 {
		e.b = append(e.b, "\nexternal-peers:\n"...)
		for _, p := range d.ExternalPeers {
			e.b = append(e.b, "  - {name: "...)
			e.str(p.Name)
			e.b = append(e.b, ", address: "...)
			e.b = p.Address.AppendTo(e.b)
			if p.ASN != 0 {
				e.b = append(e.b, ", asn: "...)
				e.b = strconv.AppendUint(e.b, uint64(p.ASN), 10)
			}
			e.b = append(e.b, ", peer-of: "...)
			e.str(p.PeerOf)
			e.b = append(e.b, ", listen: "...)
			e.str(p.Listen.String())
			e.b = append(e.b, "}\n"...)
		}
	}
	return e.b
}

// encoder appends a topology file's text.
type encoder struct{ b []byte }

// str appends a string scalar: plain where YAML reads it back as the same
// string, double-quoted otherwise (a name such as "yes" or "10").
func (e *encoder) str(s string) {
	if needsQuotes(s) {
		e.quoted(s)
		return
	}
	e.b = append(e.b, s...)
}

// quoted appends s as a YAML double-quoted scalar: backslash and double
// quote escaped, control characters as YAML escapes (\n, \t, \xHH),
// everything else as it is (YAML is UTF-8).
func (e *encoder) quoted(s string) {
	e.b = append(e.b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			e.b = append(e.b, '\\', byte(r))
		case r == '\n':
			e.b = append(e.b, `\n`...)
		case r == '\t':
			e.b = append(e.b, `\t`...)
		case r < 0x20 || r == 0x7f:
			e.b = append(e.b, fmt.Sprintf(`\x%02x`, r)...)
		case r > 0xffff && !unicode.IsPrint(r):
			e.b = append(e.b, fmt.Sprintf(`\U%08x`, r)...)
		case r != ' ' && !unicode.IsPrint(r):
			// C1 controls, a byte-order mark, the line breaks YAML 1.1
			// knows, and the like
			e.b = append(e.b, fmt.Sprintf(`\u%04x`, r)...)
		default:
			e.b = utf8.AppendRune(e.b, r)
		}
	}
	e.b = append(e.b, '"')
}

func (e *encoder) rts(key string, rts []vrf.RouteTarget) {
	if len(rts) == 0 {
		return
	}
	e.b = append(e.b, key...)
	e.b = append(e.b, '[')
	for i, rt := range rts {
		if i > 0 {
			e.b = append(e.b, ", "...)
		}
		e.quoted(rt.String())
	}
	e.b = append(e.b, ']')
}

// comment appends "  # c" on a line of its own, unless c is empty.
func (e *encoder) comment(c string) {
	if c == "" {
		return
	}
	for _, line := range strings.Split(c, "\n") {
		e.b = append(e.b, strings.TrimRight("  # "+line, " ")...)
		e.b = append(e.b, '\n')
	}
}

// needsQuotes reports whether s must be double-quoted to read back as the
// string s. Plain is kept for the conservative set every YAML reader takes
// as text in block and flow context alike: letters, digits, spaces inside,
// and _ . / - ( ) + =, starting with a letter, a digit, _, / or (, and not
// a YAML 1.1 or 1.2 null, boolean or number. Everything else (a colon, as
// in RDs and "PE1:eth1", a question mark, a control character, ...) is
// quoted: a reader never has to know YAML's corner cases.
func needsQuotes(s string) bool {
	if s == "" || yamlWord[strings.ToLower(s)] || strings.HasSuffix(s, " ") {
		return true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseInt(s, 0, 64); err == nil {
		return true // 0x1F, 0o17, 0b101
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '/' || r == '(':
		case i > 0 && strings.ContainsRune(" .-)+=", r):
		default:
			return true
		}
	}
	return false
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
		dn := DocNode{Name: n.Name, Role: n.Role, Loopback: n.Loopback, LANs: n.LANs, LANAddress: n.LANAddress, ASN: n.ASN, LabelRange: n.LabelRange,
			Description: n.Description}
		if n.HasPosition {
			p := n.Position
			dn.Position = &p
		}
		d.Nodes = append(d.Nodes, dn)
	}
	for _, v := range t.VRFs {
		dv := DocVRF{Name: v.Name, RD: v.RD, RDAuto: v.RDAuto, Description: v.Description, ImportMap: v.ImportMap, ExportMap: v.ExportMap}
		for _, r := range v.Static {
			r.Pos = Pos{} // where it stood in the file read, not part of the document
			dv.Static = append(dv.Static, r)
		}
		if slices.Equal(v.Import, v.Export) {
			dv.RouteTarget = v.Import
		} else {
			dv.Import, dv.Export = v.Import, v.Export
		}
		d.VRFs = append(d.VRFs, dv)
	}
	for _, x := range t.EVPNs {
		dx := DocEVPN{Name: x.Name, RD: x.RD, RDAuto: x.RDAuto, Description: x.Description}
		if x.Type != ELAN {
			dx.Type = x.Type
		}
		if slices.Equal(x.Import, x.Export) {
			dx.RouteTarget = x.Import
		} else {
			dx.Import, dx.Export = x.Import, x.Export
		}
		d.EVPNs = append(d.EVPNs, dx)
	}
	end := func(i *Interface) string {
		if named[i.Node] {
			return i.Node.Name + ":" + i.Name
		}
		return i.Node.Name
	}
	for _, l := range t.Links {
		dl := DocLink{A: end(l.A), B: end(l.B), Subnet: l.Subnet, VRF: l.VRF, EVPN: l.EVPN, VLAN: l.VLAN}
		if l.IsProviderLink() && l.Metric != DefaultMetric {
			dl.Metric = l.Metric
		}
		if l.Delay != DefaultDelay {
			dl.Delay = l.Delay
		}
		if l.MTU != DefaultMTU {
			dl.MTU = l.MTU
		}
		dl.NoLDP = l.NoLDP
		if l.Routing != "" && l.Routing != RoutingStatic {
			dl.Routing = l.Routing
		}
		dl.BGP = l.BGP
		d.Links = append(d.Links, dl)
	}
	for _, p := range t.ExternalPeers {
		d.ExternalPeers = append(d.ExternalPeers, DocPeer{Name: p.Name, Address: p.Address, PeerOf: p.PeerOf, Listen: p.Listen})
	}
	return d
}

// attachmentBGP appends a CE–PE link's BGP keys that are set.
func (e *encoder) attachmentBGP(b AttachmentBGP) {
	if b.ASOverride {
		e.b = append(e.b, ", as-override: true"...)
	}
	for _, k := range []struct {
		key string
		n   uint8
	}{{"allowas-in", b.AllowASIn}, {"pe-allowas-in", b.PEAllowASIn}} {
		if k.n > 0 {
			e.b = append(e.b, ", "+k.key+": "...)
			e.b = strconv.AppendUint(e.b, uint64(k.n), 10)
		}
	}
	if b.SoO != (vrf.RouteTarget{}) {
		e.b = append(e.b, ", soo: "...)
		e.str(b.SoO.String())
	}
	if b.HasLocalPref {
		e.b = append(e.b, ", local-preference: "...)
		e.b = strconv.AppendUint(e.b, uint64(b.LocalPref), 10)
	}
	if b.MED != 0 {
		e.b = append(e.b, ", med: "...)
		e.b = strconv.AppendUint(e.b, uint64(b.MED), 10)
	}
}

// prefixMap appends an import or export map that is set.
func (e *encoder) prefixMap(key string, m PrefixMap) {
	if m == nil {
		return
	}
	e.b = append(e.b, key...)
	e.b = append(e.b, '[')
	for i, x := range m {
		if i > 0 {
			e.b = append(e.b, ", "...)
		}
		e.b = append(e.b, "{prefix: "...)
		e.b = x.Prefix.AppendTo(e.b)
		if x.GE > 0 {
			e.b = append(e.b, ", ge: "...)
			e.b = strconv.AppendInt(e.b, int64(x.GE), 10)
		}
		if x.LE > 0 {
			e.b = append(e.b, ", le: "...)
			e.b = strconv.AppendInt(e.b, int64(x.LE), 10)
		}
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ']')
}
