package scenarios

import (
	"math"
	"net"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// article puts "a" or "an" before an action's name: "an arp", "a ping".
func article(action string) string {
	if strings.ContainsRune("aeiou", rune(action[0])) {
		return "an " + action
	}
	return "a " + action
}

// Values of the expectations that take a word.
var (
	pingResults = []string{"reply", "unreachable", "ttl-exceeded", "lost"}
	lfibOps     = []string{"swap", "pop", "pop-lookup"}
	routeErrors = []string{"no-such-vrf"}
)

// expect decodes a step's expect; the keys it may hold depend on the action.
func (sl *loader) expect(st *Step, e yamlx.Entry) *Expect {
	kind := kindOf(st.Action)
	allowed := kind.expect
	if allowed == nil {
		if st.Action == ActShow {
			sl.d.Errorf(e.Key, "a show step only prints and checks nothing; remove expect (use count or route to check a table)")
		} else {
			sl.d.Errorf(e.Key, "%s step changes the network and checks nothing; remove expect and check the network in the steps after it", article(st.Action))
		}
		return nil
	}
	entries, ok := sl.d.Pairs(e.Value, "expect")
	if !ok {
		return nil
	}
	n := yamlx.Deref(e.Value)
	x := &Expect{Pos: topologies.Pos{Line: n.Line, Column: n.Column}}
	f := yamlx.Fields{}
	for _, en := range entries {
		k := en.Key.Value
		switch others := actionsExpecting(k); {
		case slices.Contains(allowed, k):
			f[k] = en
		case len(others) > 0:
			sl.d.Errorf(en.Key, "%s is an expectation of %s steps; %s step can expect %s", k, yamlx.OneOf(others), article(st.Action), yamlx.OneOf(allowed))
		default:
			sl.d.Errorf(en.Key, "unknown key %q in expect%s; %s step can expect %s", k, yamlx.DidYouMean(k, allowed), article(st.Action), yamlx.OneOf(allowed))
		}
	}
	if len(entries) == 0 && !kind.walk {
		sl.d.Errorf(e.Value, "expect is empty; %s step can expect %s", article(st.Action), yamlx.OneOf(allowed))
	}
	kind.expectDecode(sl, x, f)
	return x
}

// actionsExpecting lists the actions whose expect holds key.
func actionsExpecting(key string) []string {
	var out []string
	for _, k := range actionKinds {
		if slices.Contains(k.expect, key) {
			out = append(out, k.name)
		}
	}
	return out
}

func (sl *loader) expectPing(x *Expect, f yamlx.Fields) {
	if v := f.Value("result"); v != nil {
		x.Result, _ = sl.d.Enum("result", v, pingResults...)
	}
	if e, ok := f["reply-from"]; ok {
		x.ReplyFrom, _ = sl.node("reply-from", e.Value)
		if x.Result == "lost" {
			sl.d.Errorf(e.Key, "reply-from cannot go with result: lost, since nothing comes back; use dropped-at to say where it was dropped")
		}
	}
	if v := f.Value("return-code"); v != nil {
		if n, ok := sl.d.Int("return-code", v, 0, 255); ok {
			i := int(n)
			x.ReturnCode = &i
		}
	}
	if e, ok := f["mtu"]; ok {
		if n, ok := sl.d.Int("mtu", e.Value, 68, 65535); ok {
			i := int(n)
			x.MTU = &i
		}
		if f.Has("result") && x.Result != "" && x.Result != "unreachable" {
			sl.d.Errorf(e.Key, "mtu is the next-hop MTU of a fragmentation needed, which comes back as result: unreachable; this step expects result: %s", x.Result)
		}
	}
	if e, ok := f["dropped-at"]; ok {
		x.DroppedAt, _ = sl.node("dropped-at", e.Value)
		resultBad := f.Has("result") && x.Result == "" // already reported
		if x.Result != "lost" && !resultBad {
			sl.d.Errorf(e.Key, "dropped-at goes only with result: lost (a request that got an answer was not dropped); add result: lost")
		}
	}
}

func (sl *loader) expectTrace(x *Expect, f yamlx.Fields) {
	if v := f.Value("hops"); v != nil {
		if hops, ok := sl.d.Strs("hops", v); ok {
			x.Hops = hops
			for i, h := range hops {
				if h != "*" {
					sl.nodeNamed("hops", yamlx.Deref(v).Content[i], h)
				}
			}
		}
	}
	if v := f.Value("labels"); v != nil {
		if entries, ok := sl.d.Pairs(v, "labels"); ok {
			x.TraceLabels = map[string][]mpls.Label{}
			for _, e := range entries {
				sl.nodeNamed("labels", e.Key, e.Key.Value)
				if ls, ok := sl.labels("labels", e.Value); ok {
					x.TraceLabels[e.Key.Value] = ls
				}
			}
		}
	}
	if v := f.Value("stack-depth"); v != nil {
		if entries, ok := sl.d.Pairs(v, "stack-depth"); ok {
			x.StackDepth = map[string]int{}
			for _, e := range entries {
				node := e.Key.Value
				sl.nodeNamed("stack-depth", e.Key, node)
				d, ok := sl.d.Int("stack-depth", e.Value, 0, MaxTTL)
				if !ok {
					continue
				}
				x.StackDepth[node] = int(d)
				if ls, both := x.TraceLabels[node]; both && len(ls) != int(d) {
					sl.d.Errorf(e.Value, "stack-depth: %d for %s, but labels gives %s %d labels; make them agree", d, node, node, len(ls))
				}
			}
		}
	}
	if v := f.Value("reached"); v != nil {
		if b, ok := sl.d.Bool("reached", v); ok {
			x.Reached = &b
		}
	}
}

func (sl *loader) expectRoute(x *Expect, f yamlx.Fields) {
	if v := f.Value("present"); v != nil {
		if b, ok := sl.d.Bool("present", v); ok {
			x.Present = &b
		}
	}
	if v := f.Value("next-hop"); v != nil {
		x.NextHop, _ = sl.d.Addr("next-hop", v)
	}
	if v := f.Value("via"); v != nil {
		if yamlx.Deref(v) != nil && yamlx.Deref(v).Kind == yaml.SequenceNode {
			x.Via = sl.nodes("via", v)
		} else if name, _ := sl.node("via", v); name != "" {
			x.Via = []string{name}
		}
	}
	if v := f.Value("labels"); v != nil {
		x.RouteLabels, _ = sl.labels("labels", v)
	}
	if v := f.Value("error"); v != nil {
		x.Error, _ = sl.d.Enum("error", v, routeErrors...)
	}
	sl.conflicts(f, x.Present, "next-hop", "via", "labels")
	if x.Error != "" {
		for _, k := range []string{"present", "next-hop", "via", "labels"} {
			if e, ok := f[k]; ok {
				sl.d.Errorf(e.Key, "%s cannot go with error: %s, which says the lookup could not be made", k, x.Error)
			}
		}
	}
}

// nodes decodes a list of node names.
func (sl *loader) nodes(key string, v *yaml.Node) []string {
	names, ok := sl.d.Strs(key, v)
	if !ok {
		return nil
	}
	for i, name := range names {
		sl.nodeNamed(key, yamlx.Deref(v).Content[i], name)
	}
	return names
}

// conflicts reports the keys that cannot go with present: false.
func (sl *loader) conflicts(f yamlx.Fields, present *bool, keys ...string) {
	if present == nil || *present {
		return
	}
	for _, k := range keys {
		if e, ok := f[k]; ok {
			sl.d.Errorf(e.Key, "%s cannot go with present: false; an entry that is not there has no %s", k, k)
		}
	}
}

var frameResults = []string{"delivered", "lost"}

func (sl *loader) expectFrame(x *Expect, f yamlx.Fields) {
	if v := f.Value("result"); v != nil {
		x.Result, _ = sl.d.Enum("result", v, frameResults...)
	}
	if v := f.Value("delivered-to"); v != nil {
		if names, ok := sl.d.Strs("delivered-to", v); ok {
			x.DeliveredTo = names
			for i, n := range names {
				sl.nodeNamed("delivered-to", yamlx.Deref(v).Content[i], n)
			}
		}
	}
	if v := f.Value("copies"); v != nil {
		if entries, ok := sl.d.Pairs(v, "copies"); ok {
			x.Copies = map[string]int{}
			for _, e := range entries {
				sl.nodeNamed("copies", e.Key, e.Key.Value)
				if n, ok := sl.d.Int("copies", e.Value, 0, 1000); ok {
					x.Copies[e.Key.Value] = int(n)
				}
			}
		}
	}
	if e, ok := f["dropped-at"]; ok {
		x.DroppedAt, _ = sl.node("dropped-at", e.Value)
		if x.Result != "lost" && !(f.Has("result") && x.Result == "") {
			sl.d.Errorf(e.Key, "dropped-at goes only with result: lost (a frame some host took was delivered); add result: lost")
		}
	}
}

func (sl *loader) expectMAC(x *Expect, f yamlx.Fields) {
	if v := f.Value("present"); v != nil {
		if b, ok := sl.d.Bool("present", v); ok {
			x.Present = &b
		}
	}
	if v := f.Value("where"); v != nil {
		x.Where, _ = sl.d.Enum("where", v, "local", "remote")
	}
	if v := f.Value("interface"); v != nil {
		x.Interface, _ = sl.d.Str("interface", v)
	}
	if v := f.Value("pe"); v != nil {
		x.PE, _ = sl.node("pe", v)
	}
	if v := f.Value("label"); v != nil {
		if n, ok := sl.d.Int("label", v, 0, MaxLabel); ok {
			i := int(n)
			x.Label = &i
		}
	}
	sl.conflicts(f, x.Present, "where", "interface", "pe", "label")
}

func (sl *loader) expectARP(x *Expect, f yamlx.Fields) {
	if v := f.Value("present"); v != nil {
		if b, ok := sl.d.Bool("present", v); ok {
			x.Present = &b
		}
	}
	if v := f.Value("interface"); v != nil {
		x.Interface, _ = sl.d.Str("interface", v)
	}
	if v := f.Value("mac"); v != nil {
		if s, ok := sl.d.Str("mac", v); ok {
			if hw, err := net.ParseMAC(s); err != nil || len(hw) != 6 {
				sl.d.Errorf(v, "mac: %q is not an Ethernet address; write it as 02:00:00:01:00:01", s)
			} else {
				x.MAC = hw.String()
			}
		}
	}
	sl.conflicts(f, x.Present, "interface", "mac")
}

func (sl *loader) expectLFIB(x *Expect, f yamlx.Fields) {
	if v := f.Value("present"); v != nil {
		if b, ok := sl.d.Bool("present", v); ok {
			x.Present = &b
		}
	}
	if v := f.Value("op"); v != nil {
		x.Op, _ = sl.d.Enum("op", v, lfibOps...)
	}
	if v := f.Value("out-labels"); v != nil {
		x.OutLabels, _ = sl.labels("out-labels", v)
	}
	if v := f.Value("via"); v != nil {
		if name, _ := sl.node("via", v); name != "" {
			x.Via = []string{name}
		}
	}
	if v := f.Value("vrf"); v != nil {
		if name, ok := sl.d.Str("vrf", v); ok {
			x.VRF = name
			sl.vrfDefined("vrf", v, name)
		}
	}
	sl.conflicts(f, x.Present, "op", "out-labels", "via", "vrf")
}

func (sl *loader) expectCount(x *Expect, f yamlx.Fields) {
	get := func(k string) *int {
		v := f.Value(k)
		if v == nil {
			return nil
		}
		n, ok := sl.d.Int(k, v, 0, math.MaxInt32)
		if !ok {
			return nil
		}
		i := int(n)
		return &i
	}
	x.Equals, x.AtLeast, x.AtMost = get("equals"), get("at-least"), get("at-most")
	if f.Has("equals") {
		for _, k := range []string{"at-least", "at-most"} {
			if e, ok := f[k]; ok {
				sl.d.Errorf(e.Key, "%s cannot go with equals; give equals alone, or at-least and at-most", k)
			}
		}
	}
	if x.AtLeast != nil && x.AtMost != nil && *x.AtLeast > *x.AtMost {
		sl.d.Errorf(f["at-most"].Value, "at-most: %d is less than at-least (%d); no count can hold both", *x.AtMost, *x.AtLeast)
	}
}

// labels decodes a list of label values (an empty list is the expectation
// "no labels").
func (sl *loader) labels(key string, v *yaml.Node) ([]mpls.Label, bool) {
	us, ok := sl.d.Uints(key, v, 0, MaxLabel)
	if !ok {
		return nil, false
	}
	ls := make([]mpls.Label, len(us))
	for i, u := range us {
		ls[i] = mpls.Label(u)
	}
	return ls, true
}
