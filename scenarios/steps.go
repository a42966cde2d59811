package scenarios

import (
	"fmt"
	"net"
	"slices"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/topologies"
)

// Limits of the format.
const (
	MaxTTL   = 255       // largest ping ttl and traceroute max-hops
	MaxLabel = 1<<20 - 1 // largest MPLS label value
)

// Defaults of the probes.
const (
	DefaultTTL     = 64
	DefaultMaxHops = 30
)

// actions lists the action keys, sorted.
var actions = func() []string {
	var out []string
	for _, k := range actionKinds {
		out = append(out, k.name)
	}
	slices.Sort(out)
	return out
}()

// Tables that count and show accept.
var (
	countTables = []string{"routes", "vpnv4", "lfib"}
	showTables  = []string{"routes", "vpnv4", "lfib", "ldp", "bgp", "vrfs", "interfaces", "arp"}
)

// step decodes the step at index i (0-based; messages count from 1).
func (sl *loader) step(i int, v *yaml.Node) *Step {
	what := fmt.Sprintf("step %d", i+1)
	keys := []yamlx.Key{{Name: "name"}, {Name: "expect"}, {Name: "settle"}, {Name: "walk"}}
	for _, a := range actions {
		keys = append(keys, yamlx.Key{Name: a})
	}
	f, ok := sl.d.Map(v, what, keys)
	if !ok {
		return nil
	}
	n := yamlx.Deref(v)
	st := &Step{Index: i, Pos: topologies.Pos{Line: n.Line, Column: n.Column}}
	// The action is the first action key in file order.
	var found []yamlx.Entry
	for j := 0; j+1 < len(n.Content); j += 2 {
		if e, ok := f[n.Content[j].Value]; ok && e.Key == n.Content[j] && slices.Contains(actions, e.Key.Value) {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0 && len(f) == len(n.Content)/2:
		// (With an unknown key, that key's message says enough.)
		sl.d.Errorf(v, "%s has no action; give it one of %s", what, yamlx.OneOf(actions))
	case len(found) > 1:
		sl.d.Errorf(found[1].Key, "%s has two actions, %s and %s; a step does one thing, so give each its own step", what, found[0].Key.Value, found[1].Key.Value)
	}
	if len(found) > 0 {
		st.Action = found[0].Key.Value
		st.Do = kindOf(st.Action).decode(sl, found[0].Value)
	}
	if v := f.Value("name"); v != nil {
		st.Name, _ = sl.d.Str("name", v)
	}
	if e, ok := f["settle"]; ok {
		if st.Action != "" && !st.IsChange() {
			sl.d.Errorf(e.Key, "settle applies only to fail, restore and metric steps, after which the network converges; this is %s step", article(st.Action))
		} else {
			st.Settle, _ = sl.d.Duration("settle", e.Value)
		}
	}
	if e, ok := f["walk"]; ok {
		if st.Action != "" && !kindOf(st.Action).walk {
			sl.d.Errorf(e.Key, "walk applies only to ping, traceroute and frame steps; this is %s step", article(st.Action))
		} else {
			st.Walk, _ = sl.d.Bool("walk", e.Value)
		}
	}
	if e, ok := f["expect"]; ok && st.Action != "" {
		st.Expect = sl.expect(st, e)
	}
	return st
}

// probe decodes ping: {from, to, vrf, source, ttl} and traceroute: {from,
// to, vrf, source, max-hops}.
func (sl *loader) probe(action string, v *yaml.Node) *Probe {
	last := "ttl"
	if action == ActTraceroute {
		last = "max-hops"
	}
	p := &Probe{TTL: DefaultTTL}
	if action == ActTraceroute {
		p = &Probe{MaxHops: DefaultMaxHops}
	}
	f, _ := sl.d.Map(v, action, []yamlx.Key{{Name: "from", Required: true}, {Name: "to", Required: true}, {Name: "vrf"}, {Name: "source"}, {Name: last},
		{Name: "size"}, {Name: "df"}, {Name: "mpls"}})
	var from *topologies.Node
	if v := f.Value("from"); v != nil {
		p.From, from = sl.node("from", v)
	}
	if v := f.Value("to"); v != nil {
		p.To, _ = sl.d.Addr("to", v)
	}
	if v := f.Value("vrf"); v != nil {
		if name, ok := sl.d.Str("vrf", v); ok {
			p.VRF = name
			sl.vrfOnNode("vrf", v, name, from)
		}
	}
	if v := f.Value("source"); v != nil {
		p.Source, _ = sl.d.Addr("source", v)
	}
	if v := f.Value("size"); v != nil {
		x, _ := sl.d.Int("size", v, 28, 65535)
		p.Size = int(x)
	}
	if v := f.Value("df"); v != nil {
		p.DF, _ = sl.d.Bool("df", v)
	}
	if v := f.Value("mpls"); v != nil {
		p.MPLS, _ = sl.d.Bool("mpls", v)
		if p.MPLS && from != nil && from.Role == topologies.RoleCE {
			sl.d.Errorf(v, "mpls: an LSP ping or traceroute runs from a provider router; %s is a CE", from.Name)
		}
	}
	if v := f.Value(last); v != nil {
		x, _ := sl.d.Int(last, v, 1, MaxTTL)
		if action == ActPing {
			p.TTL = int(x)
		} else {
			p.MaxHops = int(x)
		}
	}
	return p
}

// route decodes route: {node, vrf, prefix}. A vrf the node does not have
// is valid here: the step then expects error: no-such-vrf.
func (sl *loader) route(v *yaml.Node) *TableQuery {
	q := &TableQuery{}
	f, _ := sl.d.Map(v, ActRoute, []yamlx.Key{{Name: "node", Required: true}, {Name: "vrf"}, {Name: "prefix", Required: true}})
	if v := f.Value("node"); v != nil {
		q.Node, _ = sl.node("node", v)
	}
	if v := f.Value("vrf"); v != nil {
		if name, ok := sl.d.Str("vrf", v); ok {
			q.VRF = name
			sl.vrfDefined("vrf", v, name)
		}
	}
	if v := f.Value("prefix"); v != nil {
		q.Prefix, _ = sl.d.Prefix("prefix", v)
	}
	return q
}

// lfib decodes lfib: {node, label}.
func (sl *loader) lfib(v *yaml.Node) *LFIBQuery {
	q := &LFIBQuery{}
	f, _ := sl.d.Map(v, ActLFIB, []yamlx.Key{{Name: "node", Required: true}, {Name: "label", Required: true}})
	if v := f.Value("node"); v != nil {
		var n *topologies.Node
		q.Node, n = sl.node("node", v)
		if n != nil && n.Role == topologies.RoleCE {
			sl.d.Errorf(v, "node: %s is a CE, which switches no labels and has no label forwarding table", n.Name)
		}
	}
	if v := f.Value("label"); v != nil {
		x, _ := sl.d.Int("label", v, 0, MaxLabel)
		q.Label = mpls.Label(x)
	}
	return q
}

// frame decodes frame: {from, to, ethertype, size}.
func (sl *loader) frame(v *yaml.Node) *FrameQuery {
	q := &FrameQuery{}
	f, _ := sl.d.Map(v, ActFrame, []yamlx.Key{{Name: "from", Required: true}, {Name: "to", Required: true}, {Name: "ethertype"}, {Name: "size"}})
	if v := f.Value("from"); v != nil {
		var n *topologies.Node
		q.From, n = sl.node("from", v)
		if n != nil && n.Role != topologies.RoleCE {
			sl.d.Errorf(v, "from: %s is a %s router; a frame is sent by a customer's host (a CE)", n.Name, n.Role)
		}
	}
	if v := f.Value("to"); v != nil {
		if s, ok := sl.d.Str("to", v); ok {
			q.To = s
			if hw, err := net.ParseMAC(s); (err != nil || len(hw) != 6) && s != "broadcast" {
				sl.nodeNamed("to", v, s)
			}
		}
	}
	if v := f.Value("ethertype"); v != nil {
		x, ok := sl.d.Int("ethertype", v, 0x0600, 0xffff)
		switch t := uint16(x); {
		case !ok:
		case t == packet.EtherTypeIPv4 || t == packet.EtherTypeARP || t == packet.EtherTypeMPLS || t == packet.EtherTypeVLAN:
			sl.d.Errorf(v, "ethertype: %#04x is IPv4, ARP, MPLS or 802.1Q, which the network sends itself; use a ping for IPv4, or another ethertype such as 0x88b5", t)
		default:
			q.EtherType = t
		}
	}
	if v := f.Value("size"); v != nil {
		x, _ := sl.d.Int("size", v, 0, 9000)
		q.Size = int(x)
	}
	return q
}

// mac decodes mac: {node, evpn, mac}.
func (sl *loader) mac(v *yaml.Node) *MACQuery {
	q := &MACQuery{}
	f, _ := sl.d.Map(v, ActMAC, []yamlx.Key{{Name: "node", Required: true}, {Name: "evpn", Required: true}, {Name: "mac", Required: true}})
	if v := f.Value("node"); v != nil {
		var n *topologies.Node
		q.Node, n = sl.node("node", v)
		if n != nil && n.Role != topologies.RolePE {
			sl.d.Errorf(v, "node: %s is a %s; only a PE has EVPN MAC tables", n.Name, roleName(n.Role))
		}
	}
	if v := f.Value("evpn"); v != nil {
		if s, ok := sl.d.Str("evpn", v); ok {
			q.EVPN = s
			if sl.t != nil && sl.t.EVPN(s) == nil {
				sl.d.Errorf(v, "evpn: no EVPN named %q in topology %s", s, sl.t.Name)
			}
		}
	}
	if v := f.Value("mac"); v != nil {
		if s, ok := sl.d.Str("mac", v); ok {
			if hw, err := net.ParseMAC(s); err == nil && len(hw) == 6 {
				q.MAC = hw.String()
			} else {
				q.MAC = s
				sl.nodeNamed("mac", v, s)
			}
		}
	}
	return q
}

// arp decodes arp: {node, address}.
func (sl *loader) arp(v *yaml.Node) *ARPQuery {
	q := &ARPQuery{}
	f, _ := sl.d.Map(v, ActARP, []yamlx.Key{{Name: "node", Required: true}, {Name: "address", Required: true}})
	if v := f.Value("node"); v != nil {
		q.Node, _ = sl.node("node", v)
	}
	if v := f.Value("address"); v != nil {
		q.Address, _ = sl.d.Addr("address", v)
	}
	return q
}

// table decodes count and show: {node, table, vrf}; vrf goes only with
// table: routes, on a PE that has it.
func (sl *loader) table(action string, v *yaml.Node, tables []string) *TableQuery {
	q := &TableQuery{}
	f, _ := sl.d.Map(v, action, []yamlx.Key{{Name: "node", Required: true}, {Name: "table", Required: true}, {Name: "vrf"}})
	var n *topologies.Node
	if v := f.Value("node"); v != nil {
		q.Node, n = sl.node("node", v)
	}
	if v := f.Value("table"); v != nil {
		q.Table, _ = sl.d.Enum("table", v, tables...)
		if n != nil && n.Role == topologies.RoleCE && (q.Table == "lfib" || q.Table == "ldp") {
			sl.d.Errorf(v, "table: %s is a CE, which has no %s table (only provider routers switch labels)", n.Name, q.Table)
		}
	}
	if e, ok := f["vrf"]; ok {
		if q.Table != "" && q.Table != "routes" {
			sl.d.Errorf(e.Key, "vrf goes only with table: routes; the %s table is not per VRF", q.Table)
		} else if name, ok := sl.d.Str("vrf", e.Value); ok {
			q.VRF = name
			sl.vrfOnNode("vrf", e.Value, name, n)
		}
	}
	return q
}

// target decodes fail and restore: {link: [A, B]} or {node: X}.
func (sl *loader) target(action string, v *yaml.Node) *Target {
	t := &Target{}
	f, ok := sl.d.Map(v, action, []yamlx.Key{{Name: "link"}, {Name: "node"}})
	if !ok {
		return t
	}
	switch {
	case f.Has("link") && f.Has("node"):
		sl.d.Errorf(f["node"].Key, "%s takes a link or a node, not both; give each its own step", action)
	case !f.Has("link") && !f.Has("node"):
		sl.d.Errorf(v, "%s needs a link, e.g. {link: [P1, P2]}, or a node, e.g. {node: P1}", action)
	case f.Has("link"):
		t.Link, _ = sl.link("link", f.Value("link"))
	default:
		t.Node, _ = sl.node("node", f.Value("node"))
	}
	return t
}

// mtu decodes mtu: {link: [A, B], value: N}, a link's new MTU.
func (sl *loader) mtu(v *yaml.Node) *MTUChange {
	m := &MTUChange{}
	f, _ := sl.d.Map(v, ActMTU, []yamlx.Key{{Name: "link", Required: true}, {Name: "value", Required: true}})
	if v := f.Value("link"); v != nil {
		m.Link, _ = sl.link("link", v)
	}
	if v := f.Value("value"); v != nil {
		x, _ := sl.d.Int("value", v, topologies.MinMTU, topologies.MaxMTU)
		m.Value = int(x)
	}
	return m
}

// metric decodes metric: {link: [A, B], value: N} on a provider link.
func (sl *loader) metric(v *yaml.Node) *MetricChange {
	m := &MetricChange{}
	f, _ := sl.d.Map(v, ActMetric, []yamlx.Key{{Name: "link", Required: true}, {Name: "value", Required: true}})
	if v := f.Value("link"); v != nil {
		var l *topologies.Link
		m.Link, l = sl.link("link", v)
		if l != nil && l.IsAttachment() {
			sl.d.Errorf(v, "link: %s to %s is a CE–PE link, which has no IGP metric; metric applies to provider links only", m.Link[0], m.Link[1])
		}
	}
	if v := f.Value("value"); v != nil {
		x, _ := sl.d.Int("value", v, 1, topologies.MaxMetric)
		m.Value = uint32(x)
	}
	return m
}
