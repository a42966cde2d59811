package scenarios

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/render"
)

// Step outcomes.
const (
	Pass  = "pass"  // every expectation held
	Fail  = "fail"  // an expectation did not hold
	Info  = "info"  // no expectation: the step only printed
	Error = "error" // the step could not run (the network did not settle, ...)
)

// Report is what a run found.
type Report struct {
	Name    string         `json:"name"`
	File    string         `json:"file"`
	Steps   []*StepReport  `json:"steps"`
	Passed  int            `json:"passed"`
	Failed  int            `json:"failed"`
	Setup   string         `json:"setup_error,omitempty"` // the network could not start
	Elapsed time.Duration  `json:"elapsed_ns"`
	Timing  map[string]int `json:"-"`
}

// OK reports whether every expectation held.
func (r *Report) OK() bool { return r.Failed == 0 && r.Setup == "" }

// StepReport is one step's outcome.
type StepReport struct {
	Index   int           `json:"index"`
	Title   string        `json:"title"`
	Action  string        `json:"action"`
	Outcome string        `json:"outcome"`
	Summary string        `json:"summary"` // what was seen, in one line
	Checks  []Check       `json:"checks,omitempty"`
	Output  string        `json:"output,omitempty"` // show tables and packet walks
	Error   string        `json:"error,omitempty"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Check is one expectation: the key, what was expected and what was seen.
type Check struct {
	Key      string `json:"key"`
	Expected string `json:"expected"`
	Seen     string `json:"seen"`
	OK       bool   `json:"ok"`
}

// Options tune a run.
type Options struct {
	// Progress, when set, gets one line per step as it completes.
	Progress io.Writer
	Logger   *slog.Logger
	Verbose  bool
	// Capture, when set, receives every frame of the run as pcapng.
	Capture io.Writer
	// NoRIBAudit: see lab.Options.
	NoRIBAudit bool
}

// Run plays the scenario on a fresh network and checks its expectations.
func Run(ctx context.Context, sc *Scenario, o Options) *Report {
	start := time.Now()
	rep := &Report{Name: sc.Name, File: sc.File}
	defer func() { rep.Elapsed = time.Since(start) }()
	l, err := lab.New(sc.Topology, lab.Options{Logger: o.Logger, Verbose: o.Verbose, NoRIBAudit: o.NoRIBAudit})
	if err != nil {
		rep.Setup = err.Error()
		return rep
	}
	defer l.Close()
	if o.Capture != nil {
		cw, err := capture.New(o.Capture, l.Net)
		if err != nil {
			rep.Setup = err.Error()
			return rep
		}
		stop := l.Watch(cw, false)
		defer func() {
			stop()
			if err := cw.Close(); err != nil && rep.Setup == "" {
				rep.Setup = "writing the capture: " + err.Error()
			}
		}()
	}
	sctx, cancel := context.WithTimeout(ctx, sc.Settle)
	err = l.Start(sctx)
	cancel()
	if err != nil {
		rep.Setup = fmt.Sprintf("starting the network: %v (settle %s)", err, sc.Settle)
		return rep
	}
	RunSteps(ctx, sc, l, o, rep)
	return rep
}

// RunSteps plays the scenario's steps on a running network (in this
// process or behind vpnsim serve) and adds their reports to rep.
func RunSteps(ctx context.Context, sc *Scenario, n network.Network, o Options, rep *Report) {
	for _, st := range sc.Steps {
		sr := runStep(ctx, n, sc, st)
		rep.Steps = append(rep.Steps, sr)
		switch sr.Outcome {
		case Pass:
			rep.Passed++
		case Fail, Error:
			rep.Failed++
		}
		if o.Progress != nil {
			WriteStep(o.Progress, sr)
		}
	}
}

func runStep(ctx context.Context, l network.Network, sc *Scenario, st *Step) *StepReport {
	t0 := time.Now()
	sr := &StepReport{Index: st.Index + 1, Title: title(st), Action: st.Action}
	defer func() { sr.Elapsed = time.Since(t0) }()
	var chk checker
	var err error
	if st.Do != nil {
		err = st.Do.Run(ctx, l, &stepRun{sc: sc, st: st, sr: sr, c: &chk})
	}
	sr.Checks = chk.checks
	switch {
	case err != nil:
		sr.Outcome, sr.Error = Error, err.Error()
	case chk.failed:
		sr.Outcome = Fail
	case st.Expect == nil || len(chk.checks) == 0:
		sr.Outcome = Info
		if st.IsChange() {
			sr.Outcome = Pass
		}
	default:
		sr.Outcome = Pass
	}
	return sr
}

// title is the step's name, or a description of its action.
func title(st *Step) string {
	switch {
	case st.Name != "":
		return st.Name
	case st.Do != nil:
		return st.Do.Title()
	}
	return st.Action
}

// checker collects expectations.
type checker struct {
	checks []Check
	failed bool
}

func (c *checker) eq(key, expected, seen string) {
	ok := expected == seen
	c.checks = append(c.checks, Check{Key: key, Expected: expected, Seen: seen, OK: ok})
	if !ok {
		c.failed = true
	}
}

func (c *checker) cond(key, expected, seen string, ok bool) {
	c.checks = append(c.checks, Check{Key: key, Expected: expected, Seen: seen, OK: ok})
	if !ok {
		c.failed = true
	}
}

// probeOpts are a probe step's options; with walk, the walk is recorded.
func probeOpts(p *Probe, walk bool) network.ProbeOptions {
	o := network.ProbeOptions{VRF: p.VRF, Source: p.Source, TTL: p.TTL, MaxHops: p.MaxHops, Size: p.Size, DF: p.DF, MPLS: p.MPLS}
	if walk {
		o.Walk = &network.Walk{}
	}
	return o
}

// walkOutput prints a recorded walk as the step's output.
func walkOutput(o network.ProbeOptions, sr *StepReport) {
	if o.Walk == nil {
		return
	}
	var b bytes.Buffer
	render.Walk(&b, o.Walk, false)
	sr.Output = b.String()
}

func pingSummary(r network.PingResult, from string) string {
	if r.Result == network.Lost {
		return r.Outcome(from)
	}
	if r.ReturnCode != 0 {
		return fmt.Sprintf("%s, return code %d (%s), in %.1f ms", r.Outcome(from), r.ReturnCode, packet.ReturnCodeName(r.ReturnCode), ms(r.RTT))
	}
	return fmt.Sprintf("%s in %.1f ms", r.Outcome(from), ms(r.RTT))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func doPing(l network.Network, q *Probe, st *Step, sr *StepReport, c *checker) error {
	o := probeOpts(q, st.Walk)
	r, err := l.Ping(q.From, q.To, o)
	walkOutput(o, sr)
	if err != nil {
		return err
	}
	sr.Summary = pingSummary(r, q.From)
	e := st.Expect
	if e == nil {
		return nil
	}
	want := e.Result
	if want == "" {
		want = network.Reply
	}
	c.eq("result", want, r.Result)
	if e.ReplyFrom != "" {
		c.eq("reply-from", e.ReplyFrom, orNone(r.ReplyFrom))
	}
	if e.DroppedAt != "" {
		c.eq("dropped-at", e.DroppedAt, orNone(r.DroppedAt))
	}
	if e.ReturnCode != nil {
		c.eq("return-code", strconv.Itoa(*e.ReturnCode), strconv.Itoa(int(r.ReturnCode)))
	}
	if e.MTU != nil {
		got := "(no fragmentation needed)"
		if r.Result == network.Unreachable && r.Code == packet.UnreachFrag {
			got = strconv.Itoa(r.NextHopMTU)
		}
		c.eq("mtu", strconv.Itoa(*e.MTU), got)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func doTraceroute(l network.Network, q *Probe, st *Step, sr *StepReport, c *checker) error {
	o := probeOpts(q, st.Walk)
	tr, err := l.Traceroute(q.From, q.To, o)
	walkOutput(o, sr)
	if err != nil {
		return err
	}
	var hops []string
	received := map[string][]mpls.Label{}
	var lines strings.Builder
	for _, h := range tr.Hops {
		name := h.ReplyFrom
		if h.Result == network.Lost {
			name = "*"
			fmt.Fprintf(&lines, "%2d  *\n", h.TTL)
		} else {
			if q.MPLS {
				lines.WriteString(render.LSPHopLine(h) + "\n")
			} else {
				lines.WriteString(render.HopLine(h) + "\n")
			}
			if _, seen := received[name]; !seen {
				ls := make([]mpls.Label, len(h.Labels))
				for i, e := range h.Labels {
					ls[i] = e.Label
				}
				received[name] = ls
			}
		}
		hops = append(hops, name)
	}
	if sr.Output != "" {
		sr.Output = lines.String() + "\n" + sr.Output
	} else {
		sr.Output = lines.String()
	}
	reached := "reached"
	if !tr.Reached {
		reached = "not reached"
	}
	sr.Summary = fmt.Sprintf("%s: %s", reached, strings.Join(hops, " "))
	e := st.Expect
	if e == nil {
		return nil
	}
	if e.Hops != nil {
		c.eq("hops", list(e.Hops), list(hops))
	}
	for _, n := range sortedKeys(e.TraceLabels) {
		seen, ok := received[n]
		s := "(no answer from " + n + ")"
		if ok {
			s = labelList(seen)
		}
		c.eq("labels "+n, labelList(e.TraceLabels[n]), s)
	}
	for _, n := range sortedKeys(e.StackDepth) {
		seen, ok := received[n]
		s := "(no answer from " + n + ")"
		if ok {
			s = strconv.Itoa(len(seen))
		}
		c.eq("stack-depth "+n, strconv.Itoa(e.StackDepth[n]), s)
	}
	want := true
	if e.Reached != nil {
		want = *e.Reached
	}
	c.eq("reached", strconv.FormatBool(want), strconv.FormatBool(tr.Reached))
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func list(s []string) string { return "[" + strings.Join(s, " ") + "]" }

func labelList(ls []mpls.Label) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = strconv.FormatUint(uint64(l), 10)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func doRoute(l network.Network, q *TableQuery, st *Step, sr *StepReport, c *checker) error {
	e := st.Expect
	ans, err := l.Route(q.Node, q.VRF, q.Prefix)
	if err != nil && !errors.Is(err, network.ErrNoSuchVRF) {
		return err
	}
	if err != nil {
		errName := err.Error()
		sr.Summary = "error: " + errName
		if e == nil {
			return nil
		}
		if e.Error != "" {
			c.eq("error", e.Error, errName)
		} else {
			c.eq("error", "(none)", errName)
		}
		return nil
	}
	if ans == nil {
		sr.Summary = "not present"
	} else {
		sr.Summary = fmt.Sprintf("%s via %s next hop %s labels %s", ans.Proto, list(ans.Via), addrOrNone(ans.NextHop), labelList(ans.Labels))
	}
	if e == nil {
		return nil
	}
	if e.Error != "" {
		c.eq("error", e.Error, "(none)")
	}
	present := ans != nil
	if e.Present != nil {
		c.eq("present", strconv.FormatBool(*e.Present), strconv.FormatBool(present))
	}
	if !present {
		if e.NextHop.IsValid() || e.Via != nil || e.RouteLabels != nil {
			c.eq("present", "true", "false")
		}
		return nil
	}
	if e.NextHop.IsValid() {
		c.eq("next-hop", e.NextHop.String(), addrOrNone(ans.NextHop))
	}
	if e.Via != nil {
		want := slices.Sorted(slices.Values(e.Via))
		c.eq("via", list(want), list(ans.Via))
	}
	if e.RouteLabels != nil {
		c.eq("labels", labelList(e.RouteLabels), labelList(ans.Labels))
	}
	return nil
}

func addrOrNone(a netip.Addr) string {
	if !a.IsValid() {
		return "(none)"
	}
	return a.String()
}

// doFrame sends one Ethernet frame from a host and checks where it went.
func doFrame(l network.Network, q *FrameQuery, st *Step, sr *StepReport, c *checker) error {
	o := network.FrameOptions{To: q.To, EtherType: q.EtherType, Size: q.Size}
	if st.Walk {
		o.Walk = &network.Walk{}
	}
	r, err := l.SendFrame(q.From, o)
	walkOutput(network.ProbeOptions{Walk: o.Walk}, sr)
	if err != nil {
		return err
	}
	if r.Result == network.Delivered {
		sr.Summary = "delivered to " + strings.Join(r.DeliveredTo, ", ")
	} else {
		sr.Summary = fmt.Sprintf("lost: dropped at %s (%s)", orNone(r.DroppedAt), r.Reason)
	}
	e := st.Expect
	if e == nil {
		return nil
	}
	c.eq("result", cmp.Or(e.Result, network.Delivered), r.Result)
	if e.DeliveredTo != nil {
		c.eq("delivered-to", list(slices.Sorted(slices.Values(e.DeliveredTo))), list(r.DeliveredTo))
	}
	for _, node := range slices.Sorted(maps.Keys(e.Copies)) {
		c.eq("copies at "+node, strconv.Itoa(e.Copies[node]), strconv.Itoa(r.Copies[node]))
	}
	if e.DroppedAt != "" {
		c.eq("dropped-at", e.DroppedAt, orNone(r.DroppedAt))
	}
	return nil
}

// doMAC looks a MAC (or a host's) up in a PE's EVPN MAC table.
func doMAC(l network.Network, q *MACQuery, st *Step, sr *StepReport, c *checker) error {
	mac := q.MAC
	if _, err := net.ParseMAC(mac); err != nil {
		// a host's name: its MAC is the one its interface shows
		t, err := l.Table(mac, "interfaces", "")
		if err != nil {
			return err
		}
		for _, r := range t.Interfaces {
			if r.MAC != "" {
				mac = r.MAC
				break
			}
		}
	}
	t, err := l.Table(q.Node, "mac", q.EVPN)
	if err != nil {
		return err
	}
	var row *network.MACRow
	for i := range t.MAC {
		if t.MAC[i].MAC == mac {
			row = &t.MAC[i]
		}
	}
	switch {
	case row == nil:
		sr.Summary = mac + ": no entry"
	case row.Local:
		sr.Summary = fmt.Sprintf("%s local on %s", mac, row.Interface)
	default:
		sr.Summary = fmt.Sprintf("%s behind %s, label %d", mac, row.PE, row.Label)
	}
	e := st.Expect
	if e == nil {
		return nil
	}
	if e.Present != nil {
		c.eq("present", strconv.FormatBool(*e.Present), strconv.FormatBool(row != nil))
	}
	if row == nil {
		if e.Where != "" || e.Interface != "" || e.PE != "" || e.Label != nil {
			c.eq("present", "true", "false")
		}
		return nil
	}
	where := "remote"
	if row.Local {
		where = "local"
	}
	if e.Where != "" {
		c.eq("where", e.Where, where)
	}
	if e.Interface != "" {
		c.eq("interface", e.Interface, orNone(row.Interface))
	}
	if e.PE != "" {
		c.eq("pe", e.PE, orNone(row.PE))
	}
	if e.Label != nil {
		c.eq("label", strconv.Itoa(*e.Label), strconv.Itoa(int(row.Label)))
	}
	return nil
}

// doARP looks an address up in a node's ARP cache (its own addresses are
// in it too, as show ip arp lists them).
func doARP(l network.Network, q *ARPQuery, st *Step, sr *StepReport, c *checker) error {
	t, err := l.Table(q.Node, "arp", "")
	if err != nil {
		return err
	}
	var row *network.ARPRow
	for i := range t.ARP {
		if t.ARP[i].Address == q.Address {
			row = &t.ARP[i]
			break
		}
	}
	if row == nil {
		sr.Summary = "no entry"
	} else {
		sr.Summary = fmt.Sprintf("%s at %s on %s", row.Address, row.MAC, row.Interface)
	}
	e := st.Expect
	if e == nil {
		return nil
	}
	if e.Present != nil {
		c.eq("present", strconv.FormatBool(*e.Present), strconv.FormatBool(row != nil))
	}
	if row == nil {
		if e.Interface != "" || e.MAC != "" {
			c.eq("present", "true", "false")
		}
		return nil
	}
	if e.Interface != "" {
		c.eq("interface", e.Interface, row.Interface)
	}
	if e.MAC != "" {
		c.eq("mac", e.MAC, row.MAC)
	}
	return nil
}

func doLFIB(l network.Network, q *LFIBQuery, st *Step, sr *StepReport, c *checker) error {
	en, err := l.LFIBEntry(q.Node, q.Label)
	if err != nil {
		return err
	}
	e := st.Expect
	if en == nil {
		sr.Summary = "no entry"
	} else {
		sr.Summary = fmt.Sprintf("%s out %s via %s", en.Op, labelList(en.Out), list(en.Via))
		if en.VRF != "" {
			sr.Summary += " vrf " + en.VRF
		}
	}
	if e == nil {
		return nil
	}
	if e.Present != nil {
		c.eq("present", strconv.FormatBool(*e.Present), strconv.FormatBool(en != nil))
	}
	if en == nil {
		if e.Op != "" || e.OutLabels != nil || e.Via != nil || e.VRF != "" {
			c.eq("present", "true", "false")
		}
		return nil
	}
	if e.Op != "" {
		c.eq("op", e.Op, en.Op)
	}
	if e.OutLabels != nil {
		c.eq("out-labels", labelList(e.OutLabels), labelList(en.Out))
	}
	if e.Via != nil {
		c.eq("via", list(slices.Sorted(slices.Values(e.Via))), list(en.Via))
	}
	if e.VRF != "" {
		c.eq("vrf", e.VRF, orNone(en.VRF))
	}
	return nil
}

func doCount(l network.Network, q *TableQuery, st *Step, sr *StepReport, c *checker) error {
	n, err := l.Count(q.Node, q.Table, q.VRF)
	if err != nil {
		return err
	}
	sr.Summary = fmt.Sprintf("%d", n)
	e := st.Expect
	if e == nil {
		return nil
	}
	seen := strconv.Itoa(n)
	if e.Equals != nil {
		c.eq("equals", strconv.Itoa(*e.Equals), seen)
	}
	if e.AtLeast != nil {
		c.cond("at-least", ">= "+strconv.Itoa(*e.AtLeast), seen, n >= *e.AtLeast)
	}
	if e.AtMost != nil {
		c.cond("at-most", "<= "+strconv.Itoa(*e.AtMost), seen, n <= *e.AtMost)
	}
	return nil
}

// doChange applies a change and waits for the network to converge, within
// the step's settle or the scenario's.
func doChange(ctx context.Context, l network.Network, ch network.Change, r *stepRun) error {
	settle := r.st.Settle
	if settle == 0 {
		settle = r.sc.Settle
	}
	cctx, cancel := context.WithTimeout(ctx, settle)
	defer cancel()
	// The file was checked against the topology when it loaded: what can
	// fail here is the convergence.
	if err := l.Change(cctx, ch); err != nil {
		return fmt.Errorf("%v (settle %s)", err, settle)
	}
	r.sr.Summary = "converged"
	return nil
}
