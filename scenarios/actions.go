package scenarios

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

// An Action is what one step does. Each action key of the file is one type
// implementing it, registered with what the loader needs in actionKinds:
// a new action is one type and one entry there.
type Action interface {
	// Title describes the step when the file gives it no name.
	Title() string
	// Run does the step on the network and checks its expectations.
	Run(ctx context.Context, n network.Network, r *stepRun) error
}

// stepRun is one step being played: the scenario, the step, its report
// and its checks.
type stepRun struct {
	sc *Scenario
	st *Step
	sr *StepReport
	c  *checker
}

// actionKind is how one action is read from the file.
type actionKind struct {
	name   string
	decode func(sl *loader, v *yaml.Node) Action
	// expect lists the keys the action's expect may hold (sorted), and
	// expectDecode reads them; an action that checks nothing has neither.
	expect       []string
	expectDecode func(sl *loader, x *Expect, f yamlx.Fields)
	change       bool // changes the network (settle applies)
	walk         bool // a probe (walk applies)
}

// actionKinds lists every action in the order messages name them (the
// probes, the lookups, the changes).
var actionKinds = []*actionKind{
	{name: ActPing, decode: func(sl *loader, v *yaml.Node) Action { return &PingStep{*sl.probe(ActPing, v)} },
		expect: []string{"dropped-at", "mtu", "reply-from", "result", "return-code"}, expectDecode: (*loader).expectPing, walk: true},
	{name: ActTraceroute, decode: func(sl *loader, v *yaml.Node) Action { return &TracerouteStep{*sl.probe(ActTraceroute, v)} },
		expect: []string{"hops", "labels", "reached", "stack-depth"}, expectDecode: (*loader).expectTrace, walk: true},
	{name: ActFrame, decode: func(sl *loader, v *yaml.Node) Action { return &FrameStep{*sl.frame(v)} },
		expect: []string{"copies", "delivered-to", "dropped-at", "result"}, expectDecode: (*loader).expectFrame, walk: true},
	{name: ActRoute, decode: func(sl *loader, v *yaml.Node) Action { return &RouteStep{*sl.route(v)} },
		expect: []string{"error", "labels", "next-hop", "present", "via"}, expectDecode: (*loader).expectRoute},
	{name: ActLFIB, decode: func(sl *loader, v *yaml.Node) Action { return &LFIBStep{*sl.lfib(v)} },
		expect: []string{"op", "out-labels", "present", "via", "vrf"}, expectDecode: (*loader).expectLFIB},
	{name: ActARP, decode: func(sl *loader, v *yaml.Node) Action { return &ARPStep{*sl.arp(v)} },
		expect: []string{"interface", "mac", "present"}, expectDecode: (*loader).expectARP},
	{name: ActMAC, decode: func(sl *loader, v *yaml.Node) Action { return &MACStep{*sl.mac(v)} },
		expect: []string{"interface", "label", "pe", "present", "where"}, expectDecode: (*loader).expectMAC},
	{name: ActCount, decode: func(sl *loader, v *yaml.Node) Action { return &CountStep{*sl.table(ActCount, v, countTables)} },
		expect: []string{"at-least", "at-most", "equals"}, expectDecode: (*loader).expectCount},
	{name: ActShow, decode: func(sl *loader, v *yaml.Node) Action { return &ShowStep{*sl.table(ActShow, v, showTables)} }},
	{name: ActFail, decode: func(sl *loader, v *yaml.Node) Action { return &FailStep{*sl.target(ActFail, v)} }, change: true},
	{name: ActRestore, decode: func(sl *loader, v *yaml.Node) Action { return &RestoreStep{*sl.target(ActRestore, v)} }, change: true},
	{name: ActMetric, decode: func(sl *loader, v *yaml.Node) Action { return &MetricStep{*sl.metric(v)} }, change: true},
	{name: ActMTU, decode: func(sl *loader, v *yaml.Node) Action { return &MTUStep{*sl.mtu(v)} }, change: true},
}

// kindOf is the named action's kind, or nil.
func kindOf(name string) *actionKind {
	i := slices.IndexFunc(actionKinds, func(k *actionKind) bool { return k.name == name })
	if i < 0 {
		return nil
	}
	return actionKinds[i]
}

// PingStep sends one echo request.
type PingStep struct{ Probe }

// TracerouteStep traces the path to an address.
type TracerouteStep struct{ Probe }

// FrameStep sends one Ethernet frame from a host.
type FrameStep struct{ FrameQuery }

// RouteStep looks a prefix up in a node's table or VRF.
type RouteStep struct{ TableQuery }

// LFIBStep looks an incoming label up.
type LFIBStep struct{ LFIBQuery }

// ARPStep looks an address up in a node's ARP cache.
type ARPStep struct{ ARPQuery }

// MACStep looks a MAC up in a PE's EVPN MAC table.
type MACStep struct{ MACQuery }

// CountStep counts a table's entries.
type CountStep struct{ TableQuery }

// ShowStep prints a table.
type ShowStep struct{ TableQuery }

// FailStep takes a link or a node down.
type FailStep struct{ Target }

// RestoreStep brings a link or a node back.
type RestoreStep struct{ Target }

// MetricStep sets a provider link's IGP metric.
type MetricStep struct{ MetricChange }

// MTUStep sets a link's MTU.
type MTUStep struct{ MTUChange }

func vrfIn(v string) string {
	if v == "" {
		return ""
	}
	return " vrf " + v
}

func (a *PingStep) Title() string {
	return fmt.Sprintf("ping %s -> %s%s", a.From, a.To, vrfIn(a.VRF))
}

func (a *TracerouteStep) Title() string {
	return fmt.Sprintf("traceroute %s -> %s%s", a.From, a.To, vrfIn(a.VRF))
}

func (a *RouteStep) Title() string {
	return fmt.Sprintf("route %s%s %s", a.Node, vrfIn(a.VRF), a.Prefix)
}

func (a *LFIBStep) Title() string { return fmt.Sprintf("lfib %s label %d", a.Node, a.Label) }

func (a *FrameStep) Title() string {
	return fmt.Sprintf("frame %s -> %s ethertype %#04x", a.From, a.To, cmp.Or(a.EtherType, network.DefaultEtherType))
}

func (a *FrameStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doFrame(n, &a.FrameQuery, r.st, r.sr, r.c)
}

func (a *MACStep) Title() string { return fmt.Sprintf("mac %s evpn %s %s", a.Node, a.EVPN, a.MAC) }

func (a *MACStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doMAC(n, &a.MACQuery, r.st, r.sr, r.c)
}

func (a *ARPStep) Title() string { return fmt.Sprintf("arp %s %s", a.Node, a.Address) }

func (a *ARPStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doARP(n, &a.ARPQuery, r.st, r.sr, r.c)
}

func (a *CountStep) Title() string {
	return fmt.Sprintf("count %s %s%s", a.Node, a.Table, vrfIn(a.VRF))
}

func (a *ShowStep) Title() string {
	return fmt.Sprintf("show %s %s%s", a.Node, a.Table, vrfIn(a.VRF))
}

func (t *Target) title(action string) string {
	if t.IsLink() {
		return fmt.Sprintf("%s link %s–%s", action, t.Link[0], t.Link[1])
	}
	return fmt.Sprintf("%s node %s", action, t.Node)
}

func (a *FailStep) Title() string    { return a.title(ActFail) }
func (a *RestoreStep) Title() string { return a.title(ActRestore) }

func (a *MetricStep) Title() string {
	return fmt.Sprintf("metric %s–%s = %d", a.Link[0], a.Link[1], a.Value)
}

func (a *PingStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doPing(n, &a.Probe, r.st, r.sr, r.c)
}

func (a *TracerouteStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doTraceroute(n, &a.Probe, r.st, r.sr, r.c)
}

func (a *RouteStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doRoute(n, &a.TableQuery, r.st, r.sr, r.c)
}

func (a *LFIBStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doLFIB(n, &a.LFIBQuery, r.st, r.sr, r.c)
}

func (a *CountStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	return doCount(n, &a.TableQuery, r.st, r.sr, r.c)
}

func (a *ShowStep) Run(_ context.Context, n network.Network, r *stepRun) error {
	r.sr.Summary = fmt.Sprintf("%s %s", a.Node, a.Table)
	t, err := n.Table(a.Node, a.Table, a.VRF)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	err = render.Text(&b, t)
	r.sr.Output = b.String()
	return err
}

func (a *FailStep) Run(ctx context.Context, n network.Network, r *stepRun) error {
	return doChange(ctx, n, network.Change{Kind: network.Fail, Link: a.Link, Node: a.Node}, r)
}

func (a *RestoreStep) Run(ctx context.Context, n network.Network, r *stepRun) error {
	return doChange(ctx, n, network.Change{Kind: network.Restore, Link: a.Link, Node: a.Node}, r)
}

func (a *MetricStep) Run(ctx context.Context, n network.Network, r *stepRun) error {
	return doChange(ctx, n, network.Change{Kind: network.Metric, Link: a.Link, Value: a.Value}, r)
}

func (a *MTUStep) Title() string {
	return fmt.Sprintf("mtu %s–%s = %d", a.Link[0], a.Link[1], a.Value)
}

func (a *MTUStep) Run(ctx context.Context, n network.Network, r *stepRun) error {
	return doChange(ctx, n, network.Change{Kind: network.MTU, Link: a.Link, Value: uint32(a.Value)}, r)
}
