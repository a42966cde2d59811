package lab_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/render"
	"github.com/vpnsim/vpnsim/topologies"
)

// failCase is a failure beyond a single link on a built-in topology.
type failCase struct {
	topo, name string
	links      [][2]string // links that fail together
	nodes      []string    // nodes that fail together (with the links)
	flap       [2]string   // a link that fails and comes back flaps times
}

const flapCount = 10

var failCases = []failCase{
	{topo: "ring", name: "two core links", links: [][2]string{{"P1", "P2"}, {"PE3", "P3"}}},
	{topo: "ring", name: "three links and an attachment", links: [][2]string{{"PE1", "P1"}, {"P4", "PE2"}, {"A3", "PE3"}}},
	{topo: "ring", name: "a P router", nodes: []string{"P1"}},
	{topo: "ring", name: "a PE", nodes: []string{"PE3"}},
	{topo: "ring", name: "a flapping core link", flap: [2]string{"P1", "P2"}},

	{topo: "two-rr", name: "two links", links: [][2]string{{"P1", "RR1"}, {"P2", "PE2"}}},
	{topo: "two-rr", name: "a P router", nodes: []string{"P2"}},
	{topo: "two-rr", name: "a PE", nodes: []string{"PE1"}},
	{topo: "two-rr", name: "a reflector", nodes: []string{"RR1"}},
	{topo: "two-rr", name: "all reflectors", nodes: []string{"RR1", "RR2"}},
	{topo: "two-rr", name: "a reflector and the other's link", nodes: []string{"RR2"}, links: [][2]string{{"P1", "RR1"}}},
	{topo: "two-rr", name: "a flapping core link", flap: [2]string{"P1", "P2"}},
	{topo: "two-rr", name: "a flapping reflector link", flap: [2]string{"P1", "RR1"}},

	{topo: "classic", name: "a core link and an attachment", links: [][2]string{{"P1", "P2"}, {"A1", "PE1"}}},
	{topo: "classic", name: "a P router", nodes: []string{"P1"}},
	{topo: "classic", name: "a PE", nodes: []string{"PE2"}},
	{topo: "classic", name: "all reflectors", nodes: []string{"RR1"}},
	{topo: "classic", name: "a P router and an attachment", nodes: []string{"P2"}, links: [][2]string{{"B1", "PE1"}}},
	{topo: "classic", name: "a flapping reflector link", flap: [2]string{"P1", "RR1"}},

	{topo: "dual-homed", name: "an attachment and a PE's uplink", links: [][2]string{{"A1", "PE1"}, {"PE2", "P1"}}},
	{topo: "dual-homed", name: "the P router", nodes: []string{"P1"}},
	{topo: "dual-homed", name: "a PE", nodes: []string{"PE1"}},
	{topo: "dual-homed", name: "all reflectors", nodes: []string{"RR1"}},
	{topo: "dual-homed", name: "the dual-homed CE", nodes: []string{"A1"}},
	{topo: "dual-homed", name: "a flapping eBGP attachment", flap: [2]string{"A1", "PE1"}},

	{topo: "full-mesh", name: "a core link and an attachment", links: [][2]string{{"P1", "P2"}, {"A1", "PE1"}}},
	{topo: "full-mesh", name: "a P router", nodes: []string{"P2"}},
	{topo: "full-mesh", name: "a PE", nodes: []string{"PE2"}},
	{topo: "full-mesh", name: "a flapping PE uplink", flap: [2]string{"PE1", "P1"}},
}

// TestFailuresMatchFreshStart: after failures beyond a single link the
// network converges to exactly the state of a fresh network started with
// the same failures, and after the repair to that of a fresh network with
// none. State is every router's tables as `show` prints them (see dump);
// the text must be byte-identical. A flapping link is compared after every
// failure and every repair.
func TestFailuresMatchFreshStart(t *testing.T) {
	problems := make([][]string, len(failCases))
	clean := map[string]*stateOrErr{}
	for _, fc := range failCases {
		clean[fc.topo] = &stateOrErr{}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallelLabs())
	run := func(f func()) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f()
		}()
	}
	for name, c := range clean {
		run(func() { c.s, c.err = freshState(name, nil, nil) })
	}
	wg.Wait()
	for i, fc := range failCases {
		run(func() { problems[i] = fc.run(clean[fc.topo]) })
	}
	wg.Wait()
	for i, fc := range failCases {
		t.Run(fc.topo+"/"+fc.name, func(t *testing.T) {
			for _, p := range problems[i] {
				t.Error(p)
			}
		})
	}
}

type stateOrErr struct {
	s   state
	err error
}

// run plays the case on a running network and compares it with fresh ones;
// it returns what differed.
func (fc failCase) run(clean *stateOrErr) []string {
	if clean.err != nil {
		return []string{"fresh start without failures: " + clean.err.Error()}
	}
	l, err := openLab(fc.topo)
	if err != nil {
		return []string{err.Error()}
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		return []string{"start: " + err.Error()}
	}
	var problems []string
	compare := func(when string, want state) {
		got, err := dump(l)
		if err != nil {
			problems = append(problems, when+": "+err.Error())
			return
		}
		problems = append(problems, diffStates(when, got, want)...)
	}
	step := func(what string, f func() error) bool {
		if err := f(); err != nil {
			problems = append(problems, what+": "+err.Error())
			return false
		}
		if err := l.Converge(ctx); err != nil {
			problems = append(problems, "converging after "+what+": "+err.Error())
			return false
		}
		return true
	}
	if fc.flap[0] != "" {
		failed, err := freshState(fc.topo, [][2]string{fc.flap}, nil)
		if err != nil {
			return []string{"fresh start with the link down: " + err.Error()}
		}
		for i := range flapCount {
			if !step("failing the link", func() error { return l.FailLink(fc.flap[0], fc.flap[1]) }) {
				break
			}
			compare(fmt.Sprintf("after failure %d of %s–%s", i+1, fc.flap[0], fc.flap[1]), failed)
			if !step("restoring the link", func() error { return l.RestoreLink(fc.flap[0], fc.flap[1]) }) {
				break
			}
			compare(fmt.Sprintf("after repair %d of %s–%s", i+1, fc.flap[0], fc.flap[1]), clean.s)
		}
		return problems
	}
	want, err := freshState(fc.topo, fc.links, fc.nodes)
	if err != nil {
		return []string{"fresh start with the failures: " + err.Error()}
	}
	if !step("the failures", func() error { return applyFailures(l, fc.links, fc.nodes, true) }) {
		return problems
	}
	compare("after the failures", want)
	if !step("the repairs", func() error { return applyFailures(l, fc.links, fc.nodes, false) }) {
		return problems
	}
	compare("after the repairs", clean.s)
	return problems
}

func openLab(name string) (*lab.Lab, error) {
	topo, _, err := topologies.Open(name)
	if err != nil {
		return nil, err
	}
	return lab.New(topo, lab.Options{})
}

// applyFailures fails (down) or restores the links and nodes.
func applyFailures(l *lab.Lab, links [][2]string, nodes []string, down bool) error {
	for _, lk := range links {
		f := l.RestoreLink
		if down {
			f = l.FailLink
		}
		if err := f(lk[0], lk[1]); err != nil {
			return err
		}
	}
	for _, n := range nodes {
		f := l.RestoreNode
		if down {
			f = l.FailNode
		}
		if err := f(n); err != nil {
			return err
		}
	}
	return nil
}

// freshState starts a new network of the named topology with the links
// and nodes down before its first convergence, and dumps its state.
func freshState(name string, links [][2]string, nodes []string) (state, error) {
	l, err := openLab(name)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	if err := applyFailures(l, links, nodes, true); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	return dump(l)
}

// state is a network's tables, each as `show` prints it.
type state []shownTable

type shownTable struct {
	name string // "PE1 routes vrf A"
	text string
}

// updateCounts matches the last column of the bgp table, the number of
// UPDATEs a session received since it last came up: that depends on the
// network's history (a session that stayed up through a failure received
// the withdrawals and the new routes), so it is left out of the comparison.
// Everything else in the table (speakers, neighbours, families, states) is
// compared.
var updateCounts = regexp.MustCompile(`(?m)[ \t]+[0-9]+$`)

// dump shows every table of every node: the global routes, the routes of
// each VRF, vpnv4, lfib, ldp, bgp (without the UPDATE counts), vrfs and
// interfaces.
func dump(l *lab.Lab) (state, error) {
	var s state
	for _, n := range l.Topo.Nodes {
		type query struct{ table, vrf string }
		qs := []query{{"routes", ""}}
		if x := l.PE(n.Name); x != nil {
			for _, v := range x.VRFs {
				qs = append(qs, query{"routes", v.Name})
			}
		}
		for _, tb := range []string{"vpnv4", "lfib", "ldp", "bgp", "vrfs", "interfaces"} {
			qs = append(qs, query{tb, ""})
		}
		for _, q := range qs {
			var b bytes.Buffer
			tbl, err := l.Table(n.Name, q.table, q.vrf)
			if err == nil {
				err = render.Text(&b, tbl)
			}
			if err != nil {
				return nil, fmt.Errorf("show %s %s %s: %w", n.Name, q.table, q.vrf, err)
			}
			text := b.String()
			if q.table == "bgp" {
				text = updateCounts.ReplaceAllString(text, "")
			}
			name := n.Name + " " + q.table
			if q.vrf != "" {
				name += " vrf " + q.vrf
			}
			s = append(s, shownTable{name, text})
		}
	}
	return s, nil
}

// diffStates names every table that differs, with both texts.
func diffStates(when string, got, want state) []string {
	if len(got) != len(want) {
		return []string{fmt.Sprintf("%s: %d tables, a fresh start shows %d", when, len(got), len(want))}
	}
	var out []string
	for i := range got {
		if got[i] != want[i] {
			out = append(out, fmt.Sprintf("%s: %s differs from a fresh start's\n--- after the changes:\n%s--- fresh start:\n%s",
				when, got[i].name, indent(got[i].text), indent(want[i].text)))
		}
	}
	return out
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ") + "\n"
}
