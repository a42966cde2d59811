package topologies

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/vrf"
)

// validate checks what relates values to each other: roles and the keys
// they allow, unique loopbacks and RDs, what a link may join, interface
// names, and overlapping subnets. Every problem is reported.
func (ld *loader) validate() {
	ld.checkNodes()
	ld.checkRDs()
	ld.checkLinks()
	for _, rn := range ld.nodes {
		if rn.roleOK && rn.n.Role == RoleCE && !rn.linked {
			ld.d.Errorf(rn.key, "CE %s has no link; attach it to a PE with a link that names its vrf", rn.n.Name)
		}
	}
	ld.checkProviderOverlaps()
	ld.checkVRFOverlaps()
	ld.checkEVPNs()
	ld.checkExternalPeers()
}

// checkEVPNs checks each EVPN instance against its attachments: a CE on an
// EVPN has one link, the EVPN one; the hosts of one instance have distinct
// addresses; an E-Line joins exactly two attachments on two PEs.
func (ld *loader) checkEVPNs() {
	type att struct {
		rl     *rawLink
		ce, pe *Node
	}
	byEVPN := map[*rawEVPN][]att{}
	links := map[*rawNode]int{}
	for _, rl := range ld.links {
		if !rl.ok {
			continue
		}
		for _, e := range rl.ends {
			links[e.node]++
		}
		ce, pe, ok := rl.attachment()
		if !ok || rl.evpn == nil {
			continue
		}
		byEVPN[rl.evpn] = append(byEVPN[rl.evpn], att{rl, ce.n, pe.n})
	}
	for _, rn := range ld.nodes {
		if rn.roleOK && rn.n.Role == RoleCE && rn.n.LANAddress.IsValid() && links[rn] > 1 {
			ld.d.Errorf(rn.f.Value("lan-address"), "lan-address: CE %s is a host on an EVPN and has %d links; a CE on an EVPN has exactly one (multi-homing is not built)", rn.n.Name, links[rn])
		}
	}
	for _, re := range ld.evpnList {
		atts := byEVPN[re]
		seen := map[netip.Addr]*Node{}
		for _, a := range atts {
			addr := a.ce.LANAddress.Addr()
			if !addr.IsValid() {
				continue
			}
			if other, dup := seen[addr]; dup {
				ld.d.Errorf(a.rl.f.Value("evpn"), "evpn: %s's lan-address %s is already %s's, on the same EVPN %s; give each host its own address", a.ce.Name, addr, other.Name, re.e.Name)
			}
			seen[addr] = a.ce
		}
		if re.e.Type != ELine || re.f == nil {
			continue
		}
		switch {
		case len(atts) != 2:
			ld.d.Errorf(re.f.Value("type"), "type: eline joins exactly two attachments; EVPN %s has %d", re.e.Name, len(atts))
		case atts[0].pe == atts[1].pe:
			ld.d.Errorf(atts[1].rl.f.Value("evpn"), "evpn: E-Line %s joins two attachments on the same PE %s; put them on two PEs (local switching is not built)", re.e.Name, atts[0].pe.Name)
		}
	}
}

func (ld *loader) checkNodes() {
	loopbacks := map[netip.Addr]*rawNode{}
	for _, rn := range ld.nodes {
		if !rn.roleOK {
			continue
		}
		n := rn.n
		if n.Role == RoleCE {
			if e, ok := rn.f["lan-address"]; ok {
				for _, k := range []string{"lans", "asn"} {
					if e2, ok := rn.f[k]; ok {
						ld.d.Errorf(e2.Key, "%s goes with an IP-VPN site; %s has a lan-address (line %d), so it is a host on an EVPN", k, n.Name, e.Key.Line)
					}
				}
			}
			if e, ok := rn.f["loopback"]; ok {
				ld.d.Errorf(e.Key, "loopback: a CE has no loopback (only pe, p and rr nodes have one); remove it from %s", n.Name)
			}
			if e, ok := rn.f["label-range"]; ok {
				ld.d.Errorf(e.Key, "label-range: a CE switches no labels (only pe, p and rr nodes allocate them); remove it from %s", n.Name)
			}
			if n.ASN != 0 && n.ASN == ld.t.Provider.ASN {
				ld.d.Errorf(rn.f.Value("asn"), "asn: %d is the provider's AS number; give the customer its own", n.ASN)
			}
			continue
		}
		for _, k := range []string{"lans", "asn", "lan-address"} {
			if e, ok := rn.f[k]; ok {
				ld.d.Errorf(e.Key, "%s is not allowed on a %s node; only a CE has %s", k, n.Role, map[string]string{"lans": "LANs", "asn": "its own AS number", "lan-address": "a LAN address"}[k])
			}
		}
		if r := n.LabelRange; r != [2]uint32{} {
			if need := ld.t.providers() - 1; int(r[1]-r[0]+1) < need {
				ld.d.Errorf(rn.f.Value("label-range"), "label-range: [%d, %d] holds %d labels, but %s needs %d for LDP alone (one per other provider router); widen it", r[0], r[1], r[1]-r[0]+1, n.Name, need)
			}
		}
		if !rn.f.Has("loopback") {
			ld.d.Errorf(rn.key, "missing key \"loopback\" in node %s: every %s router needs a loopback address", n.Name, n.Role)
			continue
		}
		if !n.Loopback.IsValid() {
			continue
		}
		if other, dup := loopbacks[n.Loopback]; dup {
			ld.d.Errorf(rn.f.Value("loopback"), "loopback: %s is already the loopback of %s (line %d); loopbacks must be unique", n.Loopback, other.n.Name, other.key.Line)
			continue
		}
		loopbacks[n.Loopback] = rn
	}
}

func (ld *loader) checkRDs() {
	type owner struct {
		what string
		line int
	}
	seen := map[vrf.RD]owner{}
	for _, rv := range ld.vrfs {
		if !rv.rdOK {
			continue
		}
		if other, dup := seen[rv.v.RD]; dup {
			ld.d.Errorf(rv.f.Value("rd"), "rd: %s is already the RD of %s (line %d); each VRF needs its own", rv.v.RD, other.what, other.line)
			continue
		}
		seen[rv.v.RD] = owner{"VRF " + rv.v.Name, rv.key.Line}
	}
	for _, re := range ld.evpnList {
		if !re.rdOK {
			continue
		}
		if other, dup := seen[re.e.RD]; dup {
			ld.d.Errorf(re.f.Value("rd"), "rd: %s is already the RD of %s (line %d); each VRF and EVPN needs its own", re.e.RD, other.what, other.line)
			continue
		}
		seen[re.e.RD] = owner{"EVPN " + re.e.Name, re.key.Line}
	}
}

// role describes a node for messages: "P1, a p router", "A2, a CE".
func role(n *Node) string {
	if n.Role == RoleCE {
		return n.Name + ", a CE"
	}
	return fmt.Sprintf("%s, a %s router", n.Name, n.Role)
}

func (ld *loader) checkLinks() {
	pairs := map[[2]string]*rawLink{}
	ifnames := map[*rawNode]map[string]*yaml.Node{}
	for _, rl := range ld.links {
		if !rl.ok {
			continue
		}
		a, b := rl.ends[0].node, rl.ends[1].node
		a.linked, b.linked = true, true
		if a == b {
			ld.d.Errorf(rl.ends[1].v, "endpoints: a link joins two different nodes, not %s to itself", a.n.Name)
			rl.ok = false
			continue
		}
		key := [2]string{a.n.Name, b.n.Name}
		if key[0] > key[1] {
			key[0], key[1] = key[1], key[0]
		}
		if first, dup := pairs[key]; dup {
			ld.d.Errorf(rl.f.Value("endpoints"), "a link between %s and %s is already given at line %d; two nodes are joined by one link at most", a.n.Name, b.n.Name, first.l.Pos.Line)
			rl.ok = false
			continue
		}
		pairs[key] = rl
		for _, e := range rl.ends {
			if e.ifname == "" {
				continue
			}
			if ifnames[e.node] == nil {
				ifnames[e.node] = map[string]*yaml.Node{}
			}
			if first, dup := ifnames[e.node][e.ifname]; dup {
				ld.d.Errorf(e.v, "endpoints: %s already has an interface named %s (line %d); name each interface once", e.node.n.Name, e.ifname, first.Line)
				rl.ok = false
				continue
			}
			ifnames[e.node][e.ifname] = e.v
		}
		if a.roleOK && b.roleOK {
			ld.checkLinkRoles(rl, a.n, b.n)
		}
	}
}

func (ld *loader) checkLinkRoles(rl *rawLink, a, b *Node) {
	if a.Role != RoleCE && b.Role != RoleCE {
		for _, k := range []string{"vrf", "evpn", "vlan"} {
			if e, ok := rl.f[k]; ok {
				ld.d.Errorf(e.Key, "%s is only for CE–PE links; %s and %s are both provider routers", k, a.Name, b.Name)
			}
		}
		for _, k := range attachmentKeys {
			if e, ok := rl.f[k]; ok {
				ld.d.Errorf(e.Key, "%s is only for CE–PE links; %s and %s are both provider routers", k, a.Name, b.Name)
			}
		}
		return
	}
	if e, ok := rl.f["ldp"]; ok {
		ld.d.Errorf(e.Key, "ldp is only for links between provider routers; a CE–PE link carries no labels")
	}
	ce, other, otherEnd := a, b, rl.ends[1]
	if b.Role == RoleCE && a.Role != RoleCE {
		ce, other, otherEnd = b, a, rl.ends[0]
	}
	if other.Role != RolePE {
		ld.d.Errorf(otherEnd.v, "endpoints: CE %s is linked to %s; a CE links only to a PE", ce.Name, role(other))
		return
	}
	if e, ok := rl.f["metric"]; ok {
		ld.d.Errorf(e.Key, "metric applies to provider links only; this link attaches CE %s", ce.Name)
	}
	if rl.f.Has("evpn") {
		ld.checkEVPNAttachment(rl, ce, other)
		return
	}
	if ce.LANAddress.IsValid() {
		ld.d.Errorf(rl.f.Value("endpoints"), "CE %s has a lan-address, so it is a host on an EVPN: its link to %s needs evpn: NAME, not a VRF", ce.Name, other.Name)
		return
	}
	if !rl.f.Has("vrf") {
		ld.d.Errorf(rl.f.Value("endpoints"), "the link from CE %s to %s needs vrf: the VRF %s binds it to%s (or evpn: for wide-area Ethernet)", ce.Name, other.Name, other.Name, ld.vrfList())
	}
	if rl.l.Routing == RoutingEBGP && ce.ASN == 0 && !ld.byName[ce.Name].f.Has("asn") {
		ld.d.Errorf(rl.f.Value("routing"), "routing: ebgp needs the CE's AS number; add asn to node %s", ce.Name)
	}
	if rl.l.Routing != RoutingEBGP {
		for _, k := range ebgpKeys {
			if e, ok := rl.f[k]; ok {
				ld.d.Errorf(e.Key, "%s is an eBGP option; this link from CE %s routes statically (add routing: ebgp)", k, ce.Name)
			}
		}
	}
}

// checkEVPNAttachment checks an EVPN attachment: a bridge port of the PE,
// so none of an IP-VPN attachment's keys, and a CE that is a host with a
// lan-address.
func (ld *loader) checkEVPNAttachment(rl *rawLink, ce, pe *Node) {
	if e, ok := rl.f["vrf"]; ok {
		ld.d.Errorf(e.Key, "vrf and evpn exclude each other: an attachment is either an IP-VPN's (vrf) or wide-area Ethernet's (evpn)")
	}
	for _, k := range append([]string{"subnet"}, attachmentKeys...) {
		if e, ok := rl.f[k]; ok {
			ld.d.Errorf(e.Key, "%s is for IP-VPN attachments; an EVPN attachment is a bridge port of %s with no IP address (the CE's address is its lan-address)", k, pe.Name)
		}
	}
	if !ce.LANAddress.IsValid() && !ld.byName[ce.Name].f.Has("lan-address") {
		ld.d.Errorf(rl.f.Value("evpn"), "evpn: CE %s needs a lan-address (its address on the customer's LAN, such as 172.16.0.1/24) to be a host on EVPN %s", ce.Name, rl.l.EVPN)
	}
}

func (ld *loader) vrfList() string {
	if len(ld.vrfs) == 0 {
		return " (define it under vrfs)"
	}
	return " (VRFs: " + strings.Join(ld.vrfNames(), ", ") + ")"
}

// space is an address space (the provider network, or one VRF) in which no
// two prefixes may overlap.
type space struct {
	t     bart.Table[int]
	names []string // what each prefix is, for messages
}

// add records p, described by what; when p overlaps a prefix already there
// it returns that prefix's description instead.
func (s *space) add(p netip.Prefix, what string) (string, bool) {
	for _, i := range s.t.Supernets(p) {
		return s.names[i], false
	}
	for _, i := range s.t.Subnets(p) {
		return s.names[i], false
	}
	s.t.Insert(p, len(s.names))
	s.names = append(s.names, what)
	return "", true
}

// checkProviderOverlaps checks the provider network: loopbacks and the
// subnets given to provider links.
func (ld *loader) checkProviderOverlaps() {
	var s space
	seen := map[netip.Addr]bool{}
	for _, rn := range ld.nodes {
		if rn.n.Loopback.IsValid() && rn.roleOK && rn.n.Role != RoleCE && !seen[rn.n.Loopback] {
			seen[rn.n.Loopback] = true
			s.add(netip.PrefixFrom(rn.n.Loopback, 32), fmt.Sprintf("the loopback of %s (line %d)", rn.n.Name, rn.key.Line))
		}
	}
	for _, rl := range ld.links {
		if !rl.provider() || !rl.l.Subnet.IsValid() {
			continue
		}
		if other, ok := s.add(rl.l.Subnet, fmt.Sprintf("the subnet of the link at line %d", rl.l.Pos.Line)); !ok {
			ld.d.Errorf(rl.f.Value("subnet"), "subnet: %s overlaps %s in the provider network", rl.l.Subnet, other)
		}
	}
}

// checkVRFOverlaps checks each VRF: the subnets given to its CE–PE links
// may overlap neither each other nor a LAN of a CE attached in it. LANs may
// overlap each other: sites of one VPN announce overlapping and identical
// prefixes (a summary at the hub, a more specific at a branch, the same
// prefix from a backup site), and longest match and best path decide.
func (ld *loader) checkVRFOverlaps() {
	type vrfSpace struct{ lans, subnets space }
	spaces := map[*rawVRF]*vrfSpace{}
	lansDone := map[[2]any]bool{}
	get := func(rv *rawVRF) *vrfSpace {
		if spaces[rv] == nil {
			spaces[rv] = &vrfSpace{}
		}
		return spaces[rv]
	}
	// LANs first, in node order, then link subnets in link order.
	var attach []*rawLink
	for _, rl := range ld.links {
		if _, _, ok := rl.attachment(); ok && rl.vrf != nil {
			attach = append(attach, rl)
		}
	}
	for _, rn := range ld.nodes {
		for _, rl := range attach {
			if rl.ends[0].node != rn && rl.ends[1].node != rn || lansDone[[2]any{rn, rl.vrf}] {
				continue
			}
			lansDone[[2]any{rn, rl.vrf}] = true
			for i, p := range rn.n.LANs {
				sp := get(rl.vrf)
				if _, ok := sp.lans.t.Get(p); !ok {
					sp.lans.t.Insert(p, len(sp.lans.names))
					sp.lans.names = append(sp.lans.names, fmt.Sprintf("LAN %s of %s (line %d)", p, rn.n.Name, rn.lans[i].Line))
				}
			}
		}
	}
	for _, rl := range attach {
		if !rl.l.Subnet.IsValid() {
			continue
		}
		sp := get(rl.vrf)
		what := fmt.Sprintf("the subnet of the link at line %d", rl.l.Pos.Line)
		other, ok := sp.lans.overlaps(rl.l.Subnet)
		if ok {
			other, ok = sp.subnets.add(rl.l.Subnet, what)
		}
		if !ok {
			ld.d.Errorf(rl.f.Value("subnet"), "subnet: %s overlaps %s in VRF %s", rl.l.Subnet, other, rl.vrf.v.Name)
		}
	}
}

// overlaps returns the description of a prefix in s that overlaps p, and
// false, if there is one.
func (s *space) overlaps(p netip.Prefix) (string, bool) {
	for _, i := range s.t.Supernets(p) {
		return s.names[i], false
	}
	for _, i := range s.t.Subnets(p) {
		return s.names[i], false
	}
	return "", true
}

// warnDisconnected warns when the provider routers fall into more than one
// connected part, and names the parts.
func (ld *loader) warnDisconnected() {
	part := map[*Node]int{}
	order := map[string]int{}
	for i, n := range ld.t.Nodes {
		order[n.Name] = i
	}
	var parts [][]string
	for _, n := range ld.t.Nodes {
		if !n.IsProvider() || part[n] != 0 {
			continue
		}
		parts = append(parts, nil)
		id := len(parts)
		queue := []*Node{n}
		part[n] = id
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			parts[id-1] = append(parts[id-1], x.Name)
			for _, i := range x.Interfaces {
				if y := i.Peer().Node; y.IsProvider() && part[y] == 0 {
					part[y] = id
					queue = append(queue, y)
				}
			}
		}
	}
	if len(parts) < 2 {
		return
	}
	desc := make([]string, len(parts))
	for i, p := range parts {
		slices.SortFunc(p, func(a, b string) int { return order[a] - order[b] })
		desc[i] = "{" + strings.Join(p, ", ") + "}"
	}
	ld.d.Warnf(ld.nodesKey, "the provider core is not connected: its routers fall into %d parts that cannot reach each other: %s", len(parts), andList(desc))
}

// andList joins "a", "a and b", "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
