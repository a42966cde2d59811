package scenarios

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// The example of the scenario contract loads, with its topology named by a
// path relative to the scenario file.
func TestLoadSpecExample(t *testing.T) {
	sc, err := Load("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "overlapping customers stay apart" || sc.File != "testdata/example.yaml" || sc.Settle != DefaultSettle ||
		sc.Topology == nil || sc.Topology.Name != "classic" || sc.Topology.File != filepath.Join("..", "topologies", "classic.yaml") {
		t.Fatalf("scenario %+v", sc)
	}
	var actions []string
	for i, st := range sc.Steps {
		actions = append(actions, st.Action)
		if st.Index != i {
			t.Errorf("step %d has Index %d", i, st.Index)
		}
	}
	want := []string{"ping", "ping", "traceroute", "route", "count", "fail", "ping", "restore", "ping"}
	if !reflect.DeepEqual(actions, want) {
		t.Fatalf("actions %v, want %v", actions, want)
	}
	s := sc.Steps
	if s[0].Name != "A's packet reaches A's site, never B's" || s[0].Pos != (topologies.Pos{Line: 4, Column: 5}) ||
		do[*PingStep](s[0]).Probe != (Probe{From: "A1", To: netip.MustParseAddr("10.1.2.1"), TTL: 64}) ||
		!reflect.DeepEqual(*s[0].Expect, Expect{Pos: topologies.Pos{Line: 6, Column: 13}, ReplyFrom: "A2"}) {
		t.Errorf("step 1: %+v %+v %+v", s[0], do[*PingStep](s[0]), s[0].Expect)
	}
	if do[*TracerouteStep](s[2]).Probe != (Probe{From: "A1", To: netip.MustParseAddr("10.1.2.1"), MaxHops: 30}) ||
		!reflect.DeepEqual(s[2].Expect.Hops, []string{"PE1", "P1", "P2", "PE2", "A2"}) ||
		!reflect.DeepEqual(s[2].Expect.StackDepth, map[string]int{"P1": 2, "P2": 2, "PE2": 1}) || s[2].Expect.TraceLabels != nil {
		t.Errorf("step 3: %+v %+v", do[*TracerouteStep](s[2]), s[2].Expect)
	}
	if do[*RouteStep](s[3]).TableQuery != (TableQuery{Node: "P1", VRF: "A", Prefix: netip.MustParsePrefix("10.1.2.0/24")}) || s[3].Expect.Error != "no-such-vrf" {
		t.Errorf("step 4: %+v %+v", do[*RouteStep](s[3]), s[3].Expect)
	}
	if do[*CountStep](s[4]).TableQuery != (TableQuery{Node: "P1", Table: "vpnv4"}) || s[4].Expect.Equals == nil || *s[4].Expect.Equals != 0 || s[4].Expect.AtLeast != nil {
		t.Errorf("step 5: %+v %+v", do[*CountStep](s[4]), s[4].Expect)
	}
	if do[*FailStep](s[5]).Target != (Target{Link: [2]string{"P1", "P2"}}) || !do[*FailStep](s[5]).IsLink() || !s[5].IsChange() || s[5].Expect != nil {
		t.Errorf("step 6: %+v", s[5])
	}
	if s[6].Expect.Result != "unreachable" || do[*RestoreStep](s[7]).Target != (Target{Link: [2]string{"P1", "P2"}}) {
		t.Errorf("steps 7, 8: %+v %+v", s[6].Expect, do[*RestoreStep](s[7]))
	}
}

// Every key of the contract lands in its field; defaults fill what is left
// out; an explicit [] is a non-nil empty list.
func TestParseAllKeys(t *testing.T) {
	sc, err := Parse("dir/all-keys.yml", []byte(`topology: classic
description: every key
settle: 45s
steps:
  - ping: {from: PE1, to: 10.1.2.1, vrf: A, source: 192.168.0.1, ttl: 3}
    walk: true
    expect: {result: ttl-exceeded, reply-from: P2}
  - ping: {from: A1, to: 10.9.9.9}
    expect: {result: lost, dropped-at: PE1}
  - traceroute: {from: A1, to: 10.1.2.1, max-hops: 8}
    expect:
      hops: [PE1, "*", P2]
      labels: {P1: [17, 100001], PE2: []}
      stack-depth: {P1: 2, PE2: 0}
      reached: false
  - route: {node: PE1, vrf: A, prefix: 10.1.2.0/24}
    expect: {present: true, next-hop: 10.0.0.4, via: P1, labels: [17, 100000]}
  - route: {node: P1, prefix: 10.0.0.4/32}
    expect: {via: [P2, PE1], labels: []}
  - lfib: {node: PE2, label: 100000}
    expect: {present: true, op: pop-lookup, out-labels: [], vrf: A}
  - lfib: {node: P1, label: 17}
    expect: {op: swap, out-labels: [16], via: P2}
  - count: {node: PE1, table: routes, vrf: B}
    expect: {at-least: 2, at-most: 4}
  - show: {node: A1, table: routes}
  - show: {node: PE1, table: routes, vrf: A}
    name: PE1's VRF A
  - fail: {node: P2}
    settle: 1m
  - metric: {link: [P2, P1], value: 16777215}
  - restore: {node: P2}
`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "all-keys" || sc.Description != "every key" || sc.Settle != 45*time.Second || len(sc.Steps) != 13 {
		t.Fatalf("%+v", sc)
	}
	pos := func(line, col int) topologies.Pos { return topologies.Pos{Line: line, Column: col} }
	u := func(x ...mpls.Label) []mpls.Label { return append([]mpls.Label{}, x...) }
	n := func(i int) *int { return &i }
	f, tr := false, true
	s := sc.Steps
	for i, c := range []struct {
		got, want any
	}{
		{do[*PingStep](s[0]).Probe, Probe{From: "PE1", To: netip.MustParseAddr("10.1.2.1"), VRF: "A", Source: netip.MustParseAddr("192.168.0.1"), TTL: 3}},
		{s[0].Walk, true},
		{*s[0].Expect, Expect{Pos: pos(7, 13), Result: "ttl-exceeded", ReplyFrom: "P2"}},
		{*s[1].Expect, Expect{Pos: pos(9, 13), Result: "lost", DroppedAt: "PE1"}},
		{do[*TracerouteStep](s[2]).Probe, Probe{From: "A1", To: netip.MustParseAddr("10.1.2.1"), MaxHops: 8}},
		{*s[2].Expect, Expect{Pos: pos(12, 7), Hops: []string{"PE1", "*", "P2"},
			TraceLabels: map[string][]mpls.Label{"P1": {17, 100001}, "PE2": u()},
			StackDepth:  map[string]int{"P1": 2, "PE2": 0}, Reached: &f}},
		{*s[3].Expect, Expect{Pos: pos(17, 13), Present: &tr, NextHop: netip.MustParseAddr("10.0.0.4"), Via: []string{"P1"}, RouteLabels: u(17, 100000)}},
		{do[*RouteStep](s[4]).TableQuery, TableQuery{Node: "P1", Prefix: netip.MustParsePrefix("10.0.0.4/32")}},
		{*s[4].Expect, Expect{Pos: pos(19, 13), Via: []string{"P2", "PE1"}, RouteLabels: u()}},
		{do[*LFIBStep](s[5]).LFIBQuery, LFIBQuery{Node: "PE2", Label: 100000}},
		{*s[5].Expect, Expect{Pos: pos(21, 13), Present: &tr, Op: "pop-lookup", OutLabels: u(), VRF: "A"}},
		{*s[6].Expect, Expect{Pos: pos(23, 13), Op: "swap", OutLabels: u(16), Via: []string{"P2"}}},
		{do[*CountStep](s[7]).TableQuery, TableQuery{Node: "PE1", Table: "routes", VRF: "B"}},
		{*s[7].Expect, Expect{Pos: pos(25, 13), AtLeast: n(2), AtMost: n(4)}},
		{do[*ShowStep](s[8]).TableQuery, TableQuery{Node: "A1", Table: "routes"}},
		{s[8].Expect == nil, true},
		{s[9].Name, "PE1's VRF A"},
		{do[*FailStep](s[10]).Target, Target{Node: "P2"}},
		{do[*FailStep](s[10]).IsLink(), false},
		{s[10].Settle, time.Minute},
		{do[*MetricStep](s[11]).MetricChange, MetricChange{Link: [2]string{"P2", "P1"}, Value: 16777215}},
		{do[*RestoreStep](s[12]).Target, Target{Node: "P2"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("check %d: got %+v, want %+v", i, c.got, c.want)
		}
	}
	if s[4].Expect.RouteLabels == nil || s[5].Expect.OutLabels == nil || s[2].Expect.TraceLabels["PE2"] == nil {
		t.Error("an explicit [] must give a non-nil empty slice")
	}
	if s[0].Expect.RouteLabels != nil || s[0].Expect.Hops != nil || s[0].Expect.Present != nil {
		t.Error("keys left out must leave their fields unset")
	}
}

// base is a small valid scenario; the broken cases below change it.
const base = `name: s
topology: classic
steps:
  - ping: {from: A1, to: 10.1.2.1}
    expect: {reply-from: A2}
`

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

// step replaces the base's step with the given lines.
func step(lines string) string {
	return edit("  - ping: {from: A1, to: 10.1.2.1}\n    expect: {reply-from: A2}\n", lines)
}

var brokenScenarios = []struct {
	name string
	yaml string
	want []string
}{
	{"two actions in a step",
		step("  - ping: {from: A1, to: 10.1.2.1}\n    traceroute: {from: A1, to: 10.1.2.1}\n"),
		[]string{"s.yaml:5:5: step 1 has two actions, ping and traceroute; a step does one thing, so give each its own step"}},
	{"no action",
		step("  - name: nothing to do\n"),
		[]string{"s.yaml:4:5: step 1 has no action; give it one of arp, count, fail, frame, lfib, mac, metric, mtu, ping, restore, route, show or traceroute"}},
	{"unknown action",
		step("  - pnig: {from: A1, to: 10.1.2.1}\n"),
		[]string{`s.yaml:4:5: unknown key "pnig" in step 1 (did you mean "ping"?); known keys: arp, count, expect, fail, frame, lfib, mac, metric, mtu, name, ping, restore, route, settle, show, traceroute, walk`}},
	{"unknown key in an action",
		step("  - ping: {from: A1, to: 10.1.2.1, tll: 5}\n"),
		[]string{`s.yaml:4:36: unknown key "tll" in ping (did you mean "ttl"?); known keys: df, from, mpls, size, source, to, ttl, vrf`}},
	{"unknown top-level key",
		edit("name: s", "nmae: s"),
		[]string{`s.yaml:1:1: unknown key "nmae" in the scenario (did you mean "name"?); known keys: description, name, settle, steps, topology`}},
	{"missing topology and steps",
		"name: s\n",
		[]string{`s.yaml:1:1: missing key "topology" in the scenario`, `s.yaml:1:1: missing key "steps" in the scenario`}},
	{"unknown node",
		edit("from: A1", "from: A9"),
		[]string{`s.yaml:4:18: from: no node named "A9" in topology classic (did you mean "A1"?)`}},
	{"unknown node in an expectation",
		edit("reply-from: A2", "reply-from: C2"),
		[]string{`s.yaml:5:26: reply-from: no node named "C2" in topology classic (did you mean "P2"?)`}},
	{"vrf on a P router in ping",
		edit("from: A1, to: 10.1.2.1}", "from: P1, to: 10.1.2.1, vrf: A}"),
		[]string{"s.yaml:4:41: vrf: P1 is a p router, and only a PE has VRFs; drop vrf to use its global table"}},
	{"unknown VRF",
		edit("from: A1, to: 10.1.2.1}", "from: PE1, to: 10.1.2.1, vrf: C}"),
		[]string{`s.yaml:4:42: vrf: no VRF named "C" in topology classic (VRFs: A, B)`}},
	{"VRF not on that PE",
		edit("topology: classic", "topology: hub-and-spoke", "from: A1, to: 10.1.2.1}", "from: PE1, to: 10.20.1.1, vrf: SPOKE}", "reply-from: A2", "reply-from: S1"),
		[]string{"s.yaml:4:43: vrf: PE1 has no VRF SPOKE (a VRF exists on the PEs with a link in it; PE1 has HUB)"}},
	{"route with an undefined VRF",
		step("  - route: {node: P1, vrf: C, prefix: 10.1.2.0/24}\n    expect: {error: no-such-vrf}\n"),
		[]string{`s.yaml:4:28: vrf: no VRF named "C" in topology classic (VRFs: A, B)`}},
	{"a link that does not exist",
		step("  - fail: {link: [P1, PE2]}\n"),
		[]string{"s.yaml:4:18: link: no link joins P1 and PE2 in topology classic"}},
	{"a link with an unknown node",
		step("  - restore: {link: [P1, P3]}\n"),
		[]string{`s.yaml:4:26: link: no node named "P3" in topology classic (did you mean "P1"?)`}},
	{"a metric on a CE link",
		step("  - metric: {link: [A1, PE1], value: 20}\n"),
		[]string{"s.yaml:4:20: link: A1 to PE1 is a CE–PE link, which has no IGP metric; metric applies to provider links only"}},
	{"a metric out of range",
		step("  - metric: {link: [P1, P2], value: 16777216}\n"),
		[]string{"s.yaml:4:37: value: want an integer from 1 to 16777215, got 16777216"}},
	{"fail with a link and a node",
		step("  - fail: {link: [P1, P2], node: P1}\n"),
		[]string{"s.yaml:4:28: fail takes a link or a node, not both; give each its own step"}},
	{"bad address",
		edit("to: 10.1.2.1", "to: 10.1.2.256"),
		[]string{`s.yaml:4:26: to: want an IPv4 address such as 10.0.0.1, got "10.1.2.256"`}},
	{"bad prefix",
		step("  - route: {node: PE1, vrf: A, prefix: 10.1.2.0}\n"),
		[]string{`s.yaml:4:40: prefix: want an IPv4 prefix such as 10.1.1.0/24, got "10.1.2.0"`}},
	{"bad durations",
		edit("topology: classic", "topology: classic\nsettle: soon", "    expect: {reply-from: A2}\n", "    expect: {reply-from: A2}\n  - fail: {node: P1}\n    settle: -5s\n"),
		[]string{
			`s.yaml:3:9: settle: want a positive duration such as 1ms, 2.5ms or 30s, got "soon"`,
			`s.yaml:8:13: settle: want a positive duration such as 1ms, 2.5ms or 30s, got "-5s"`,
		}},
	{"settle on a step that changes nothing",
		edit("    expect: {reply-from: A2}\n", "    expect: {reply-from: A2}\n    settle: 5s\n"),
		[]string{"s.yaml:6:5: settle applies only to fail, restore and metric steps, after which the network converges; this is a ping step"}},
	{"walk on a table step",
		step("  - count: {node: P1, table: lfib}\n    walk: true\n"),
		[]string{"s.yaml:5:5: walk applies only to ping, traceroute and frame steps; this is a count step"}},
	{"bad label numbers",
		step("  - lfib: {node: P1, label: 1048576}\n    expect: {out-labels: [16, -1]}\n"),
		[]string{
			"s.yaml:4:29: label: want an integer from 0 to 1048575, got 1048576",
			"s.yaml:5:31: out-labels: want an integer from 0 to 1048575, got -1",
		}},
	{"arp with a bad address and MAC",
		step("  - arp: {node: PE1, address: 100.64.0.300}\n    expect: {mac: 02-00, via: P1}\n"),
		[]string{
			"s.yaml:4:31: address: want an IPv4 address such as 10.0.0.1, got \"100.64.0.300\"",
			"s.yaml:5:19: mac: \"02-00\" is not an Ethernet address; write it as 02:00:00:01:00:01",
			"s.yaml:5:26: via is an expectation of route or lfib steps; an arp step can expect interface, mac or present",
		}},
	{"mtu on a ping that expects a reply",
		edit("reply-from: A2}", "reply-from: A2, result: reply, mtu: 1492}"),
		[]string{"s.yaml:5:45: mtu is the next-hop MTU of a fragmentation needed, which comes back as result: unreachable; this step expects result: reply"}},
	{"lfib on a CE",
		step("  - lfib: {node: A1, label: 16}\n"),
		[]string{"s.yaml:4:18: node: A1 is a CE, which switches no labels and has no label forwarding table"}},
	{"bad tables",
		step("  - count: {node: P1, table: ldp}\n  - show: {node: P1, table: mpls}\n"),
		[]string{
			"s.yaml:4:30: table: want routes, vpnv4 or lfib, got \"ldp\"",
			"s.yaml:5:29: table: want routes, vpnv4, lfib, ldp, bgp, vrfs, interfaces or arp, got \"mpls\"",
		}},
	{"vrf with a table that is not per VRF",
		step("  - show: {node: PE1, table: lfib, vrf: A}\n"),
		[]string{"s.yaml:4:36: vrf goes only with table: routes; the lfib table is not per VRF"}},
	{"hops on a ping",
		edit("reply-from: A2}", "reply-from: A2, hops: [PE1]}"),
		[]string{"s.yaml:5:30: hops is an expectation of traceroute steps; a ping step can expect dropped-at, mtu, reply-from, result or return-code"}},
	{"dropped-at without result: lost",
		edit("reply-from: A2}", "dropped-at: P1}"),
		[]string{"s.yaml:5:14: dropped-at goes only with result: lost (a request that got an answer was not dropped); add result: lost"}},
	{"bad values of result, op and error",
		step("  - ping: {from: A1, to: 10.1.2.1}\n    expect: {result: timeout}\n  - lfib: {node: P1, label: 16}\n    expect: {op: push}\n  - route: {node: P1, prefix: 10.0.0.1/32}\n    expect: {error: not-found}\n"),
		[]string{
			`s.yaml:5:22: result: want reply, unreachable, ttl-exceeded or lost, got "timeout"`,
			`s.yaml:7:18: op: want swap, pop or pop-lookup, got "push"`,
			`s.yaml:9:21: error: want no-such-vrf, got "not-found"`,
		}},
	{"expect on a show and on a change",
		step("  - show: {node: P1, table: lfib}\n    expect: {equals: 3}\n  - fail: {node: P1}\n    expect: {result: lost}\n"),
		[]string{
			"s.yaml:5:5: a show step only prints and checks nothing; remove expect (use count or route to check a table)",
			"s.yaml:7:5: a fail step changes the network and checks nothing; remove expect and check the network in the steps after it",
		}},
	{"contradictory expectations",
		step("  - route: {node: PE1, vrf: A, prefix: 10.1.2.0/24}\n    expect: {present: false, next-hop: 10.0.0.4}\n  - count: {node: P1, table: lfib}\n    expect: {at-least: 5, at-most: 2}\n  - traceroute: {from: A1, to: 10.1.2.1}\n    expect: {labels: {P1: [17, 100001]}, stack-depth: {P1: 1}}\n"),
		[]string{
			"s.yaml:5:30: next-hop cannot go with present: false; an entry that is not there has no next-hop",
			"s.yaml:7:36: at-most: 2 is less than at-least (5); no count can hold both",
			"s.yaml:9:60: stack-depth: 1 for P1, but labels gives P1 2 labels; make them agree",
		}},
	{"empty expect on a count",
		step("  - count: {node: P1, table: vpnv4}\n    expect: {}\n"),
		[]string{"s.yaml:5:13: expect is empty; a count step can expect at-least, at-most or equals"}},
	{"steps is not a list",
		edit("steps:\n  - ping: {from: A1, to: 10.1.2.1}\n    expect: {reply-from: A2}\n", "steps: {ping: {from: A1, to: 10.1.2.1}}\n"),
		[]string{"s.yaml:3:8: steps: want a list such as [a, b], got a map"}},
	{"unknown built-in topology",
		edit("topology: classic", "topology: clasic"),
		[]string{`s.yaml:2:11: topology: clasic: no built-in topology has this name (did you mean "classic"?); the built-ins are classic, dual-homed, explicit-null, extranet, extranet-maps, full-mesh, hub-and-spoke, hub-transit, per-ce, per-prefix, pipe, primary-backup, ring, rr-igp, same-as, site-of-origin, two-rr, wide-area-ethernet (a file's path contains / or ends in .yaml)`}},
	{"missing topology file",
		edit("topology: classic", "topology: ../nowhere/lab.yaml"),
		[]string{`s.yaml:2:11: topology: ../nowhere/lab.yaml: no such file`}},
	{"empty file",
		"",
		[]string{"s.yaml:1:1: the file is empty; a scenario file is a YAML map with the keys name, topology, settle and steps"}},
	{"YAML syntax error",
		edit("expect: {reply-from: A2}", "expect: {reply-from: A2"),
		[]string{"s.yaml:5:1: YAML syntax error: did not find expected ',' or '}'"}},
}

func TestBrokenScenarios(t *testing.T) {
	if len(brokenScenarios) < 15 {
		t.Fatalf("only %d cases", len(brokenScenarios))
	}
	if _, err := Parse("s.yaml", []byte(base)); err != nil {
		t.Fatalf("base: %v", err)
	}
	for _, c := range brokenScenarios {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("no error; loaded %s", sc.Name)
			}
			var l *diag.List
			if sc != nil || !errors.As(err, &l) {
				t.Fatalf("got %v and a %T, want no scenario and a *diag.List", sc, err)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// A broken topology's problems come with the scenario's, under the
// topology's own file name, and the scenario's own problems are still
// reported.
func TestBrokenTopologyReported(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lab.yaml"), []byte("name: lab\nprovider: {asn: 65000}\nnodes: {PE1: {role: pe}}\nlinks: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, []byte("topology: lab.yaml\nsettle: 0s\nsteps:\n  - ping: {from: PE1, to: 10.0.0.9}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(file)
	want := []string{
		file + ":1:11: topology: " + filepath.Join(dir, "lab.yaml") + " is not valid; its problems follow",
		file + `:2:9: settle: want a positive duration such as 1ms, 2.5ms or 30s, got "0s"`,
		filepath.Join(dir, "lab.yaml") + `:3:9: missing key "loopback" in node PE1: every pe router needs a loopback address`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
	if _, err := Load(filepath.Join(dir, "none.yaml")); err == nil || err.Error() != filepath.Join(dir, "none.yaml")+": no such file" {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestTopologyWarningsKept(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "apart.yaml"), []byte("name: apart\nprovider: {asn: 65000}\nnodes: {P1: {role: p, loopback: 10.0.0.1}, P2: {role: p, loopback: 10.0.0.2}}\nlinks: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Parse(filepath.Join(dir, "s.yaml"), []byte("topology: ./apart.yaml\nsteps: []\n"))
	if err != nil || len(sc.Warnings) != 1 || !strings.Contains(sc.Warnings[0].String(), "warning: the provider core is not connected") {
		t.Errorf("got %v, %v", sc, err)
	}
}

func TestIsScenario(t *testing.T) {
	for data, want := range map[string]bool{
		base:                         true,
		"steps: []\n":                true,
		"name: t\nprovider: {}\n":    false,
		"- steps\n":                  false,
		"":                           false,
		"steps: [\n":                 false,
		"nodes: {}\nsteps: []\n":     true,
		"description: steps\n":       false,
		"topology: classic\n# steps": false,
	} {
		if IsScenario([]byte(data)) != want {
			t.Errorf("IsScenario(%q) = %v", data, !want)
		}
	}
}

// do is a step's action as its type.
func do[T Action](st *Step) T {
	a, _ := st.Do.(T)
	return a
}
