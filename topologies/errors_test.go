package topologies

import (
	"errors"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/diag"
)

// base is a small valid topology; the broken cases below change it.
const base = `name: t
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  P1:  {role: p, loopback: 10.0.0.2}
  A1:  {role: ce, lans: [10.1.1.0/24]}
vrfs:
  A: {rd: "65000:1", route-target: ["65000:1"]}
links:
  - {endpoints: [PE1, P1]}
  - {endpoints: [A1, PE1], vrf: A}
`

func TestBaseIsValid(t *testing.T) {
	if _, w, err := Parse("t.yaml", []byte(base)); err != nil || len(w) > 0 {
		t.Fatalf("base: %v %v", err, w)
	}
}

// edit returns base with each old string replaced by the new one after it.
func edit(pairs ...string) string {
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("edit: no " + pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// peers returns base with an external-peers list of the given items, one
// per line from line 13.
func peers(items ...string) string {
	s := base + "external-peers:\n"
	for _, it := range items {
		s += "  - " + it + "\n"
	}
	return s
}

// Every broken file gives exactly these lines, in this order.
var brokenTopologies = []struct {
	name string
	yaml string
	want []string
}{
	{"unknown node in a link",
		edit("[PE1, P1]", "[PE1, P9]"),
		[]string{`t.yaml:10:23: endpoints: no node named "P9" in nodes (did you mean "P1"?)`}},
	{"unknown node, no near name",
		edit("[PE1, P1]", "[PE1, core]"),
		[]string{`t.yaml:10:23: endpoints: no node named "core" in nodes (nodes: PE1, P1, A1)`}},
	{"position of one number",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [200]}"),
		[]string{`t.yaml:5:48: position: give [x, y], two numbers (x to the right, y down), e.g. [120, 40]`}},
	{"position not a number",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [200, north]}"),
		[]string{`t.yaml:5:54: position: "north" is not a number; give [x, y], e.g. [120, 40]`}},
	{"position NaN",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [1, .nan]}"),
		[]string{`t.yaml:5:52: position: .nan is not a number; give [x, y], e.g. [120, 40]`}},
	{"position far out",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [2e9, 1]}"),
		[]string{`t.yaml:5:49: position: 2e+09 is too far out; give coordinates from -1e+06 to 1e+06`}},
	{"label-range on a CE",
		edit("A1:  {role: ce, lans: [10.1.1.0/24]}", "A1:  {role: ce, lans: [10.1.1.0/24], label-range: [100, 199]}"),
		[]string{`t.yaml:6:40: label-range: a CE switches no labels (only pe, p and rr nodes allocate them); remove it from A1`}},
	{"label-range below 16",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, label-range: [3, 99]}"),
		[]string{`t.yaml:5:52: label-range: want an integer from 16 to 1048575, got 3`}},
	{"label-range upside down",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, label-range: [200, 100]}"),
		[]string{`t.yaml:5:57: label-range: the maximum 100 is below the minimum 200; give [MIN, MAX]`}},
	{"label-range of one number",
		edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, label-range: [200]}"),
		[]string{`t.yaml:5:51: label-range: give [MIN, MAX], two labels from 16 to 1048575, e.g. [100, 199]`}},
	{"label-range too small for LDP",
		strings.Replace(edit("P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, label-range: [200, 200]}"),
			"  A1:", "  P2:  {role: p, loopback: 10.0.0.3}\n  A1:", 1),
		[]string{`t.yaml:5:51: label-range: [200, 200] holds 1 labels, but P1 needs 2 for LDP alone (one per other provider router); widen it`}},
	{"ldp on a CE–PE link",
		edit("{endpoints: [A1, PE1], vrf: A}", "{endpoints: [A1, PE1], vrf: A, ldp: false}"),
		[]string{`t.yaml:11:36: ldp is only for links between provider routers; a CE–PE link carries no labels`}},
	{"duplicate loopback",
		edit("loopback: 10.0.0.2", "loopback: 10.0.0.1"),
		[]string{"t.yaml:5:28: loopback: 10.0.0.1 is already the loopback of PE1 (line 4); loopbacks must be unique"}},
	{"bad RD",
		edit(`rd: "65000:1"`, `rd: "65000:x"`),
		[]string{`t.yaml:8:11: rd: route distinguisher "65000:x": the number after a 2-byte AS number must be 0 to 4294967295`}},
	{"RD without a colon",
		edit(`rd: "65000:1"`, `rd: 65000`),
		[]string{`t.yaml:8:11: rd: route distinguisher "65000": want ASN:NUMBER or IPv4:NUMBER, e.g. 65000:1, or auto`}},
	{"bad route target",
		edit(`route-target: ["65000:1"]`, `route-target: ["65000:1", "10.0.0.300:1"]`),
		[]string{`t.yaml:8:48: route-target: route target "10.0.0.300:1": "10.0.0.300" is not an IPv4 address`}},
	{"CE linked to a P router",
		edit("[A1, PE1]", "[A1, P1]"),
		[]string{"t.yaml:11:22: endpoints: CE A1 is linked to P1, a p router; a CE links only to a PE"}},
	{"CE linked to a CE",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24]}\n  A2:  {role: ce}\n",
			"  - {endpoints: [A1, PE1], vrf: A}\n", "  - {endpoints: [A1, PE1], vrf: A}\n  - {endpoints: [A1, A2], vrf: A}\n  - {endpoints: [PE1, A2], vrf: A}\n"),
		[]string{"t.yaml:13:22: endpoints: CE A1 is linked to A2, a CE; a CE links only to a PE"}},
	{"CE link without vrf",
		edit("[A1, PE1], vrf: A}", "[A1, PE1]}"),
		[]string{"t.yaml:11:17: the link from CE A1 to PE1 needs vrf: the VRF PE1 binds it to (VRFs: A) (or evpn: for wide-area Ethernet)"}},
	{"vrf on a provider link",
		edit("[PE1, P1]}", "[PE1, P1], vrf: A}"),
		[]string{"t.yaml:10:28: vrf is only for CE–PE links; PE1 and P1 are both provider routers"}},
	{"routing on a provider link",
		edit("[PE1, P1]}", "[PE1, P1], routing: static}"),
		[]string{"t.yaml:10:28: routing is only for CE–PE links; PE1 and P1 are both provider routers"}},
	{"metric on a CE link",
		edit("vrf: A}", "vrf: A, metric: 5}"),
		[]string{"t.yaml:11:36: metric applies to provider links only; this link attaches CE A1"}},
	{"unknown key",
		edit("[PE1, P1]}", "[PE1, P1], metrik: 10}"),
		[]string{`t.yaml:10:28: unknown key "metrik" in link (did you mean "metric"?); known keys: allowas-in, as-override, delay, endpoints, evpn, ldp, local-preference, med, metric, mtu, pe-allowas-in, routing, soo, subnet, vlan, vrf`}},
	{"unknown top-level key",
		edit("vrfs:", "vrf:"),
		[]string{
			`t.yaml:7:1: unknown key "vrf" in the topology (did you mean "vrfs"?); known keys: description, evpns, external-peers, links, name, nodes, provider, vrfs`,
			`t.yaml:11:33: vrf: no VRF named "A" in vrfs (the topology defines none; add them under vrfs)`,
		}},
	{"YAML syntax error",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}", "  A1:  {role: ce, lans: [10.1.1.0/24}"),
		[]string{"t.yaml:6:1: YAML syntax error: did not find expected ',' or ']'"}},
	{"YAML syntax error on line 1",
		"name: t: u\n",
		[]string{"t.yaml:1:1: YAML syntax error: mapping values are not allowed in this context"}},
	{"tab indentation",
		edit("  P1:  {", "\tP1:  {"),
		[]string{"t.yaml:5:1: YAML syntax error: found character that cannot start any token (line 5 is indented with a tab; YAML indents with spaces only)"}},
	{"empty file",
		"",
		[]string{"t.yaml:1:1: the file is empty; a topology file is a YAML map with the keys name, provider, nodes and links"}},
	{"only comments",
		"# nothing yet\n\n",
		[]string{"t.yaml:1:1: the file is empty; a topology file is a YAML map with the keys name, provider, nodes and links"}},
	{"binary garbage",
		"\x7fELF\x02\x01\x01\x00\x00",
		[]string{"t.yaml:1:1: control character U+007F is not allowed in YAML; is this a binary file?"}},
	{"not UTF-8",
		"name: t\ndescription: caf\xe9\n",
		[]string{"t.yaml:2:17: the file is not UTF-8 text (byte 0xe9); a YAML file must be UTF-8 text"}},
	{"a list instead of a map",
		"- PE1\n- P1\n",
		[]string{"t.yaml:1:1: the top level must be a map, got a list; a topology file is a YAML map with the keys name, provider, nodes and links"}},
	{"a second document",
		base + "---\nname: u\n",
		[]string{"t.yaml:12:1: a second YAML document starts here; the file must hold exactly one"}},
	{"metric out of range",
		edit("[PE1, P1]}", "[PE1, P1], metric: 16777216}"),
		[]string{"t.yaml:10:36: metric: want an integer from 1 to 16777215, got 16777216"}},
	{"metric zero",
		edit("[PE1, P1]}", "[PE1, P1], metric: 0}"),
		[]string{"t.yaml:10:36: metric: want an integer from 1 to 16777215, got 0"}},
	{"metric wrong type",
		edit("[PE1, P1]}", "[PE1, P1], metric: ten}"),
		[]string{`t.yaml:10:36: metric: want an integer from 1 to 16777215, got "ten"`}},
	{"metric a list",
		edit("[PE1, P1]}", "[PE1, P1], metric: [10]}"),
		[]string{`t.yaml:10:36: metric: want an integer from 1 to 16777215, got a list`}},
	{"undefined VRF",
		edit("vrf: A}", "vrf: B}"),
		[]string{`t.yaml:11:33: vrf: no VRF named "B" in vrfs (VRFs: A)`}},
	{"attachment BGP keys on a provider link",
		edit("[PE1, P1]}", "[PE1, P1], local-preference: 200, soo: \"65000:1\"}"),
		[]string{"t.yaml:10:28: local-preference is only for CE–PE links; PE1 and P1 are both provider routers",
			"t.yaml:10:51: soo is only for CE–PE links; PE1 and P1 are both provider routers"}},
	{"eBGP options on a static attachment",
		edit("vrf: A}", "vrf: A, as-override: true, allowas-in: 2}"),
		[]string{"t.yaml:11:36: as-override is an eBGP option; this link from CE A1 routes statically (add routing: ebgp)",
			"t.yaml:11:55: allowas-in is an eBGP option; this link from CE A1 routes statically (add routing: ebgp)"}},
	{"a bad site of origin and a negative MED",
		edit("vrf: A}", "vrf: A, soo: \"65000\", med: -1}"),
		[]string{"t.yaml:11:41: soo: site of origin \"65000\": want ASN:NUMBER or IPv4:NUMBER, e.g. 65000:1",
			"t.yaml:11:55: med: want an integer from 0 to 4294967295, got -1"}},
	{"a comma inside a flow map's value",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24], description: one, two}\n"),
		[]string{`t.yaml:6:58: unknown key "two" in node A1 (a comma inside a {…} map ends the value before it: put that value in quotes); known keys: asn, description, label-range, lan-address, lans, loopback, position, role`}},
	{"import and export maps with bad ranges",
		edit(`route-target: ["65000:1"]}`, `route-target: ["65000:1"], import-map: [{prefix: 10.0.0.0/8, ge: 8}, {prefix: 10.0.0.0/8, le: 4}], export-map: [{prefix: 10.0.0.0/8, ge: 24, le: 16}, {prefixx: 10.0.0.0/8}]}`),
		[]string{
			"t.yaml:8:87: ge: 8 is not longer than the prefix 10.0.0.0/8; give ge from 9 to 32 (or leave it out)",
			"t.yaml:8:116: le: 4 is shorter than the prefix 10.0.0.0/8; give le from 8 to 32",
			`t.yaml:8:167: le: 16 is below ge 24; a length range runs from ge up to le`,
			`t.yaml:8:172: missing key "prefix" in export-map entry`,
			`t.yaml:8:173: unknown key "prefixx" in export-map entry (did you mean "prefix"?); known keys: ge, le, prefix`,
		}},
	{"a static route's next hop neither an address nor null0",
		edit(`route-target: ["65000:1"]}`, `route-target: ["65000:1"], static: [{prefix: 10.2.0.0/16, next-hop: drop}]}`),
		[]string{`t.yaml:8:90: next-hop: want the IPv4 address of a CE attached in this VRF, or null0 to discard; got "drop"`}},
	{"static routes: a next hop that is no CE, a PE without the VRF",
		edit(`route-target: ["65000:1"]}`, `route-target: ["65000:1"], static: [{prefix: 0.0.0.0/0, next-hop: 10.1.1.1}, {prefix: 10.3.0.0/16, next-hop: null0, pe: P1}]}`),
		[]string{
			"t.yaml:8:58: static: next-hop 10.1.1.1 is not the address of a CE attached in VRF A; its CEs: A1 100.96.0.2",
			"t.yaml:8:99: static: pe P1 has no attachment in VRF A; the VRF's PEs: PE1",
		}},
	{"eBGP CE without asn",
		edit("vrf: A}", "vrf: A, routing: ebgp}"),
		[]string{"t.yaml:11:45: routing: ebgp needs the CE's AS number; add asn to node A1"}},
	{"overlapping subnets in one VRF",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24]}\n  A2:  {role: ce, lans: [10.1.0.0/16]}\n",
			"  - {endpoints: [A1, PE1], vrf: A}\n", "  - {endpoints: [A1, PE1], vrf: A, subnet: 10.1.1.4/30}\n  - {endpoints: [A2, PE1], vrf: A}\n"),
		// Sites' LANs may overlap (A2's /16 holds A1's /24); a link
		// subnet may not overlap a LAN.
		[]string{
			"t.yaml:12:44: subnet: 10.1.1.4/30 overlaps LAN 10.1.1.0/24 of A1 (line 6) in VRF A",
		}},
	{"the same addresses in two VRFs are fine, in one a link subnet overlaps a LAN",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24]}\n  B1:  {role: ce, lans: [10.1.1.0/24]}\n  A2:  {role: ce, lans: [10.1.1.128/25]}\n",
			"  A: {rd: \"65000:1\", route-target: [\"65000:1\"]}\n", "  A: {rd: \"65000:1\", route-target: [\"65000:1\"]}\n  B: {rd: \"65000:2\"}\n",
			"  - {endpoints: [A1, PE1], vrf: A}\n", "  - {endpoints: [A1, PE1], vrf: A}\n  - {endpoints: [B1, PE1], vrf: B, subnet: 10.2.0.0/30}\n  - {endpoints: [A2, PE1], vrf: A, subnet: 10.1.1.200/30}\n"),
		[]string{"t.yaml:16:44: subnet: 10.1.1.200/30 overlaps LAN 10.1.1.128/25 of A2 (line 8) in VRF A"}},
	{"overlapping subnets in the provider network",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  P2:  {role: p, loopback: 10.0.0.3}\n  A1:  {role: ce, lans: [10.1.1.0/24]}\n",
			"  - {endpoints: [PE1, P1]}\n", "  - {endpoints: [PE1, P1], subnet: 10.10.0.0/30}\n  - {endpoints: [P1, P2], subnet: 10.10.0.2/31}\n  - {endpoints: [P2, PE1], subnet: 10.0.0.0/30}\n"),
		[]string{
			"t.yaml:12:35: subnet: 10.10.0.2/31 overlaps the subnet of the link at line 11 in the provider network",
			"t.yaml:13:36: subnet: 10.0.0.0/30 overlaps the loopback of PE1 (line 4) in the provider network",
		}},
	{"duplicate RD",
		edit(`  A: {rd: "65000:1", route-target: ["65000:1"]}`, `  A: {rd: "65000:1", route-target: ["65000:1"]}`+"\n"+`  B: {rd: "65000:1"}`),
		[]string{"t.yaml:9:11: rd: 65000:1 is already the RD of VRF A (line 8); each VRF needs its own"}},
	{"duplicate RD written differently",
		edit(`  A: {rd: "65000:1", route-target: ["65000:1"]}`, `  A: {rd: "65000:1", route-target: ["65000:1"]}`+"\n"+`  B: {rd: "065000:01"}`),
		[]string{"t.yaml:9:11: rd: 65000:1 is already the RD of VRF A (line 8); each VRF needs its own"}},
	{"repeated link",
		edit("  - {endpoints: [PE1, P1]}\n", "  - {endpoints: [PE1, P1]}\n  - {endpoints: [P1, PE1], metric: 20}\n"),
		[]string{"t.yaml:11:17: a link between P1 and PE1 is already given at line 10; two nodes are joined by one link at most"}},
	{"self link",
		edit("[PE1, P1]", "[P1, P1]"),
		[]string{"t.yaml:10:22: endpoints: a link joins two different nodes, not P1 to itself"}},
	{"a link with three ends",
		edit("[PE1, P1]", "[PE1, P1, A1]"),
		[]string{"t.yaml:10:17: endpoints: a link joins exactly two nodes, e.g. [PE1, P1]; got 3"}},
	{"duplicate interface name",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  P2:  {role: p, loopback: 10.0.0.3}\n  A1:  {role: ce, lans: [10.1.1.0/24]}\n",
			"  - {endpoints: [PE1, P1]}\n", "  - {endpoints: [\"PE1:ge-0/0/1\", P1]}\n  - {endpoints: [\"PE1:ge-0/0/1\", P2]}\n"),
		[]string{"t.yaml:12:18: endpoints: PE1 already has an interface named ge-0/0/1 (line 11); name each interface once"}},
	{"bad interface name",
		edit("[PE1, P1]", `["PE1:ge 0", P1]`),
		[]string{`t.yaml:10:18: endpoints: "PE1:ge 0": an interface name after the colon uses letters, digits and - _ / . only, e.g. "PE1:ge-0/0/1"`}},
	{"loopback on a CE",
		edit("lans: [10.1.1.0/24]}", "lans: [10.1.1.0/24], loopback: 10.0.0.9}"),
		[]string{"t.yaml:6:40: loopback: a CE has no loopback (only pe, p and rr nodes have one); remove it from A1"}},
	{"LANs and asn on a P router",
		edit("  P1:  {role: p, loopback: 10.0.0.2}", "  P1:  {role: p, loopback: 10.0.0.2, lans: [10.2.0.0/16], asn: 65001}"),
		[]string{
			"t.yaml:5:38: lans is not allowed on a p node; only a CE has LANs",
			"t.yaml:5:59: asn is not allowed on a p node; only a CE has its own AS number",
		}},
	{"CE with the provider's asn",
		edit("lans: [10.1.1.0/24]}", "lans: [10.1.1.0/24], asn: 65000}"),
		[]string{"t.yaml:6:45: asn: 65000 is the provider's AS number; give the customer its own"}},
	{"CE without a link",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24]}\n  A9:  {role: ce}\n"),
		[]string{"t.yaml:7:3: CE A9 has no link; attach it to a PE with a link that names its vrf"}},
	{"missing name",
		edit("name: t\n", ""),
		[]string{`t.yaml:1:1: missing key "name" in the topology`}},
	{"missing provider and links",
		edit("provider: {asn: 65000}\n", "", "links:\n  - {endpoints: [PE1, P1]}\n  - {endpoints: [A1, PE1], vrf: A}\n", ""),
		[]string{
			`t.yaml:1:1: missing key "provider" in the topology`,
			`t.yaml:1:1: missing key "links" in the topology`,
			"t.yaml:5:3: CE A1 has no link; attach it to a PE with a link that names its vrf",
		}},
	{"missing asn",
		edit("provider: {asn: 65000}", "provider: {php: false}"),
		[]string{`t.yaml:2:11: missing key "asn" in provider`}},
	{"missing role",
		edit("{role: p, loopback: 10.0.0.2}", "{loopback: 10.0.0.2}"),
		[]string{`t.yaml:5:8: missing key "role" in node P1`}},
	{"missing loopback",
		edit("{role: p, loopback: 10.0.0.2}", "{role: p}"),
		[]string{`t.yaml:5:3: missing key "loopback" in node P1: every p router needs a loopback address`}},
	{"missing rd",
		edit(`{rd: "65000:1", route-target: ["65000:1"]}`, `{route-target: ["65000:1"]}`),
		[]string{`t.yaml:8:6: missing key "rd" in VRF A`}},
	{"missing endpoints",
		edit("{endpoints: [PE1, P1]}", "{metric: 10}"),
		[]string{`t.yaml:10:5: missing key "endpoints" in link`}},
	{"no nodes",
		"name: t\nprovider: {asn: 65000}\nnodes: {}\nlinks: []\n",
		[]string{"t.yaml:3:8: nodes: a topology needs at least one node"}},
	{"bad name characters",
		edit("name: t", "name: my lab", "  P1:  {", "  P/1:  {", "[PE1, P1]", "[PE1, P/1]"),
		[]string{
			`t.yaml:1:7: name "my lab": use only letters, digits, - and _`,
			`t.yaml:5:3: node name "P/1": use only letters, digits, - and _`,
		}},
	{"bad VRF name",
		edit("  A: {rd", "  A.1: {rd", "vrf: A}", "vrf: A.1}"),
		[]string{`t.yaml:8:3: VRF name "A.1": use only letters, digits, - and _`}},
	{"duplicate node name",
		edit("  A1:  {role: ce, lans: [10.1.1.0/24]}\n", "  A1:  {role: ce, lans: [10.1.1.0/24]}\n  P1:  {role: p, loopback: 10.0.0.3}\n"),
		[]string{`t.yaml:7:3: key "P1" appears twice in nodes (first at line 5)`}},
	{"duplicate key",
		edit("{role: p, loopback: 10.0.0.2}", "{role: p, loopback: 10.0.0.2, role: pe}"),
		[]string{`t.yaml:5:38: key "role" appears twice in node P1 (first at line 5)`}},
	{"asn out of range",
		edit("asn: 65000", "asn: 4294967296"),
		[]string{"t.yaml:2:17: asn: want an integer from 1 to 4294967295, got 4294967296"}},
	{"asn zero",
		edit("asn: 65000", "asn: 0"),
		[]string{"t.yaml:2:17: asn: want an integer from 1 to 4294967295, got 0"}},
	{"bad delay",
		edit("[PE1, P1]}", "[PE1, P1], delay: fast}"),
		[]string{`t.yaml:10:35: delay: want a positive duration such as 1ms, 2.5ms or 30s, got "fast"`}},
	{"delay without a unit",
		edit("[PE1, P1]}", "[PE1, P1], delay: 5}"),
		[]string{`t.yaml:10:35: delay: want a positive duration such as 1ms, 2.5ms or 30s, got 5`}},
	{"negative delay",
		edit("[PE1, P1]}", "[PE1, P1], delay: -1ms}"),
		[]string{`t.yaml:10:35: delay: want a positive duration such as 1ms, 2.5ms or 30s, got "-1ms"`}},
	{"bad subnet size",
		edit("[PE1, P1]}", "[PE1, P1], subnet: 10.9.0.0/24}"),
		[]string{"t.yaml:10:36: subnet: a point-to-point link takes a /30 or a /31, got 10.9.0.0/24"}},
	{"subnet with host bits",
		edit("[PE1, P1]}", "[PE1, P1], subnet: 10.9.0.1/30}"),
		[]string{"t.yaml:10:36: subnet: 10.9.0.1/30 has host bits set; write 10.9.0.0/30"}},
	{"IPv6 loopback",
		edit("loopback: 10.0.0.2", "loopback: 2001:db8::2"),
		[]string{`t.yaml:5:28: loopback: want an IPv4 address such as 10.0.0.1, got "2001:db8::2"`}},
	{"multicast loopback",
		edit("loopback: 10.0.0.2", "loopback: 224.0.0.5"),
		[]string{"t.yaml:5:28: loopback: 224.0.0.5 cannot be a router's address; use a unicast address such as 10.0.0.1"}},
	{"bad role and settings",
		edit("provider: {asn: 65000}", "provider: {asn: 65000, php: yes, ttl-propagation: Pipe, vpn-label-allocation: per-site}", "role: p,", "role: core,"),
		[]string{
			`t.yaml:2:29: php: want true or false, got "yes"`,
			`t.yaml:2:51: ttl-propagation: want uniform, pipe or pipe-forwarded, got "Pipe"`,
			`t.yaml:2:79: vpn-label-allocation: want per-vrf, per-ce or per-prefix, got "per-site"`,
			`t.yaml:5:15: role: want pe, p, rr or ce, got "core"`,
		}},
	{"an alias that contains itself",
		"name: &n [*n]\n",
		[]string{"t.yaml:1:7: an alias refers to the value that contains it (anchor &n); YAML values cannot contain themselves"}},
	{"an alias to nothing",
		edit("vrf: A}", "vrf: *a}"),
		[]string{"t.yaml:11:33: YAML syntax error: alias *a names no anchor; define &a before using it"}},
	{"several problems in one file, all reported",
		`name: several
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  P1:  {role: p, loopback: 10.0.0.1}
  A1:  {role: ce, lans: [10.1.1.0/24], loopback: 10.0.0.5}
  B1:  {role: ce, lans: [10.1.1.0/24]}
vrfs:
  A: {rd: "65000:1", route-target: ["65000:1"]}
  B: {rd: "65000:1", import: ["x"]}
links:
  - {endpoints: [PE1, P1], metrik: 10}
  - {endpoints: [A1, P1], vrf: A}
  - {endpoints: [B1, PE1], vrf: C}
  - {endpoints: [PE1, PE2], delay: 0s}
`,
		[]string{
			"t.yaml:5:28: loopback: 10.0.0.1 is already the loopback of PE1 (line 4); loopbacks must be unique",
			"t.yaml:6:40: loopback: a CE has no loopback (only pe, p and rr nodes have one); remove it from A1",
			"t.yaml:10:11: rd: 65000:1 is already the RD of VRF A (line 9); each VRF needs its own",
			`t.yaml:10:31: import: route target "x": want ASN:NUMBER or IPv4:NUMBER, e.g. 65000:1`,
			`t.yaml:12:28: unknown key "metrik" in link (did you mean "metric"?); known keys: allowas-in, as-override, delay, endpoints, evpn, ldp, local-preference, med, metric, mtu, pe-allowas-in, routing, soo, subnet, vlan, vrf`,
			"t.yaml:13:22: endpoints: CE A1 is linked to P1, a p router; a CE links only to a PE",
			`t.yaml:14:33: vrf: no VRF named "C" in vrfs (VRFs: A, B)`,
			`t.yaml:15:23: endpoints: no node named "PE2" in nodes (did you mean "PE1"?)`,
			`t.yaml:15:36: delay: want a positive duration such as 1ms, 2.5ms or 30s, got "0s"`,
		}},

	{"external peer: address outside 127.0.0.0/8",
		peers("{name: frr1, address: 10.9.9.9, peer-of: PE1, listen: 127.0.0.1:1790}"),
		[]string{
			`t.yaml:13:27: address: 10.9.9.9 is not in 127.0.0.0/8; an external peer connects from a loopback address such as 127.0.0.50 (vpnsim opens no socket elsewhere)`,
		}},
	{"external peer: listen outside 127.0.0.0/8, and no port",
		peers("{name: frr1, address: 127.0.0.50, peer-of: PE1, listen: 192.0.2.1:1790}",
			"{name: frr2, address: 127.0.0.51, peer-of: PE1, listen: 127.0.0.1}"),
		[]string{
			`t.yaml:13:61: listen: 192.0.2.1 is not in 127.0.0.0/8; the simulated router listens on a loopback address only, e.g. 127.0.0.1:1790`,
			`t.yaml:14:61: listen: want ADDRESS:PORT with an IPv4 address and a port from 1 to 65535, e.g. 127.0.0.1:1790, got "127.0.0.1"`,
		}},
	{"external peer: peer-of a P router, a CE, and no node",
		peers("{name: frr1, address: 127.0.0.50, peer-of: P1, listen: 127.0.0.1:1790}",
			"{name: frr2, address: 127.0.0.50, peer-of: A1, listen: 127.0.0.1:1791}",
			"{name: frr3, address: 127.0.0.50, peer-of: PE2, listen: 127.0.0.1:1792}"),
		[]string{
			`t.yaml:13:48: peer-of: P1 is a p router; an external peer peers with a route reflector (rr) or a PE`,
			`t.yaml:14:48: peer-of: A1 is a CE; an external peer peers with a route reflector (rr) or a PE`,
			`t.yaml:15:48: peer-of: no node named "PE2" in nodes (did you mean "PE1"?)`,
		}},
	{"external peer: ASN out of range and not the provider's",
		peers("{name: frr1, address: 127.0.0.50, asn: 0, peer-of: PE1, listen: 127.0.0.1:1790}",
			"{name: frr2, address: 127.0.0.51, asn: 65001, peer-of: PE1, listen: 127.0.0.1:1791}"),
		[]string{
			`t.yaml:13:44: asn: want an integer from 1 to 4294967295, got 0`,
			`t.yaml:14:44: asn: 65001 is not the provider's AS number; an external peer is an iBGP peer (a route-reflector client, or a PE's iBGP neighbour), so give 65000 or leave asn out`,
		}},
	{"external peer: names clash with each other and with a node",
		peers("{name: frr1, address: 127.0.0.50, peer-of: PE1, listen: 127.0.0.1:1790}",
			"{name: frr1, address: 127.0.0.51, peer-of: PE1, listen: 127.0.0.1:1791}",
			"{name: P1, address: 127.0.0.52, peer-of: PE1, listen: 127.0.0.1:1792}"),
		[]string{
			`t.yaml:14:12: external peer name frr1 is already used at line 13; names must be unique`,
			`t.yaml:15:12: external peer name P1 is already a node (line 5); give the external peer a name of its own`,
		}},
	{"external peer: one listen twice, one address twice toward one speaker",
		peers("{name: frr1, address: 127.0.0.50, peer-of: PE1, listen: 127.0.0.1:1790}",
			"{name: frr2, address: 127.0.0.50, peer-of: PE1, listen: 127.0.0.1:1790}"),
		[]string{
			`t.yaml:14:27: address: 127.0.0.50 already peers with PE1 as frr1 (line 13); PE1 tells its external peers apart by their address, so give each its own`,
			`t.yaml:14:61: listen: 127.0.0.1:1790 is already where frr1 is accepted (line 13); each external peer needs an address and port of its own`,
		}},
	{"external peer: missing keys and an unknown key",
		peers("{name: frr1, adress: 127.0.0.50}"),
		[]string{
			`t.yaml:13:5: missing key "address" in external peer`,
			`t.yaml:13:5: missing key "peer-of" in external peer`,
			`t.yaml:13:5: missing key "listen" in external peer`,
			`t.yaml:13:18: unknown key "adress" in external peer (did you mean "address"?); known keys: address, asn, listen, name, peer-of`,
		}},
	{"external-peers not a list",
		base + "external-peers: {frr1: {}}\n",
		[]string{
			`t.yaml:12:17: external-peers: want a list such as [a, b], got a map`,
		}},
}

func TestBrokenTopologies(t *testing.T) {
	if len(brokenTopologies) < 25 {
		t.Fatalf("only %d cases", len(brokenTopologies))
	}
	for _, c := range brokenTopologies {
		t.Run(c.name, func(t *testing.T) {
			top, _, err := Parse("t.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("no error; loaded %s", top.Name)
			}
			if top != nil {
				t.Errorf("a topology came back with the error")
			}
			var l *diag.List
			if !errors.As(err, &l) {
				t.Fatalf("error is a %T, want *diag.List", err)
			}
			if got := strings.Split(err.Error(), "\n"); !equalLines(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
