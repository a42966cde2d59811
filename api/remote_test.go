package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
)

// twins starts the same topology twice: one network in this process and
// one behind the control API, seen through Remote.
func twins(t *testing.T, name string) (local *lab.Lab, remote *Remote) {
	t.Helper()
	start := func() *lab.Lab { return labtest.Start(t, name) }
	local = start()
	hs := httptest.NewServer(NewServer(start(), 30*time.Second))
	t.Cleanup(hs.Close)
	c, err := NewClient(strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	if remote, err = Dial(c); err != nil {
		t.Fatal(err)
	}
	return local, remote
}

// same fails unless a and b are equal once both have crossed JSON (a
// nil and an empty slice are the same answer).
func same(t *testing.T, what string, a, b any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("%s: in this process\n%s\nbehind serve\n%s", what, ja, jb)
	}
}

// The network behind serve answers every question of network.Network
// exactly as the network in this process does.
func TestRemoteAnswersAsTheLab(t *testing.T) {
	l, r := twins(t, "classic")
	if !reflect.DeepEqual(l.Nodes(), r.Nodes()) || r.Name != "classic" {
		t.Fatalf("nodes: %v and %v (%s)", l.Nodes(), r.Nodes(), r.Name)
	}
	for _, n := range l.Nodes() {
		for _, tb := range network.Tables {
			a, errA := l.Table(n.Name, tb, "")
			b, errB := r.Table(n.Name, tb, "")
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%s %s: errors %v and %v", n.Name, tb, errA, errB)
			}
			if errA == nil && !reflect.DeepEqual(a, b) {
				same(t, n.Name+" "+tb, a, b)
				t.Errorf("%s %s: the tables differ after JSON", n.Name, tb)
			}
		}
	}
	a, _ := l.Table("PE1", "routes", "A")
	b, err := r.Table("PE1", "routes", "A")
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("PE1 routes vrf A: %v\n%+v\n%+v", err, a.Routes, b.Routes)
	}
	if _, err := r.Table("PE1", "routes", "Z"); err == nil || !strings.Contains(err.Error(), "no VRF Z") {
		t.Errorf("a VRF PE1 lacks: %v", err)
	}

	dst := netip.MustParseAddr("10.1.2.1")
	for _, o := range []network.ProbeOptions{{}, {TTL: 2}} {
		wa, wb := &network.Walk{}, &network.Walk{}
		o.Walk = wa
		pa, errA := l.Ping("A1", dst, o)
		o.Walk = wb
		pb, errB := r.Ping("A1", dst, o)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		// The API carries labels without their TTL and TC bits.
		for i := range pa.Labels {
			pa.Labels[i] = mpls.StackEntry{Label: pa.Labels[i].Label, Bottom: pa.Labels[i].Bottom}
		}
		same(t, "ping", pa, pb)
		if len(wa.Steps) == 0 || !reflect.DeepEqual(wa, wb) {
			t.Errorf("ping walks differ:\n%+v\n%+v", wa, wb)
		}
	}
	ta, _ := l.Traceroute("A1", dst, network.ProbeOptions{})
	tb, err := r.Traceroute("A1", dst, network.ProbeOptions{})
	if err != nil || len(ta.Hops) != len(tb.Hops) || !tb.Reached {
		t.Fatalf("traceroute: %v %+v %+v", err, ta, tb)
	}
	for i := range ta.Hops {
		if ta.Hops[i].ReplyFrom != tb.Hops[i].ReplyFrom || ta.Hops[i].RTT != tb.Hops[i].RTT {
			t.Errorf("hop %d: %+v and %+v", i+1, ta.Hops[i], tb.Hops[i])
		}
	}

	for _, q := range []struct{ node, vrf, prefix string }{
		{"PE1", "A", "10.1.2.0/24"}, {"PE1", "Z", "10.1.2.0/24"}, {"P1", "", "10.0.0.4/32"}, {"A1", "", "10.1.2.0/24"}, {"PE1", "A", "10.9.9.0/24"},
	} {
		a, errA := l.Route(q.node, q.vrf, netip.MustParsePrefix(q.prefix))
		b, errB := r.Route(q.node, q.vrf, netip.MustParsePrefix(q.prefix))
		if errA != errB {
			t.Errorf("route %v: errors %v and %v", q, errA, errB)
		}
		same(t, "route", a, b)
	}
	lf, _ := l.Table("P1", "lfib", "")
	for _, row := range lf.LFIB {
		a, _ := l.LFIBEntry("P1", row.In)
		b, err := r.LFIBEntry("P1", row.In)
		if err != nil || a == nil {
			t.Fatalf("lfib P1 %d: %v %v", row.In, a, err)
		}
		same(t, "lfib", a, b)
	}
	if e, err := r.LFIBEntry("P1", 999999); e != nil || err != nil {
		t.Errorf("an absent label: %v %v", e, err)
	}
	for _, q := range [][3]string{{"PE1", "routes", "A"}, {"RR1", "vpnv4", ""}, {"P1", "lfib", ""}} {
		a, errA := l.Count(q[0], q[1], q[2])
		b, errB := r.Count(q[0], q[1], q[2])
		if a != b || errA != nil || errB != nil || a == 0 {
			t.Errorf("count %v: %d and %d (%v, %v)", q, a, b, errA, errB)
		}
	}

	// A change through either reconverges, and both see the same after it.
	ctx := context.Background()
	for _, c := range []network.Change{
		{Kind: network.Metric, Link: [2]string{"P1", "P2"}, Value: 100},
		{Kind: network.Fail, Link: [2]string{"P1", "P2"}},
		{Kind: network.Fail, Node: "RR1"},
	} {
		if err := l.Change(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := r.Change(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"PE1", "P1"} {
			a, _ := l.Table(n, "routes", "")
			b, _ := r.Table(n, "routes", "")
			if !reflect.DeepEqual(a, b) {
				t.Errorf("after %+v, %s routes differ", c, n)
			}
		}
	}
	rt := network.Change{Kind: network.RouteTarget, Node: "PE1", VRF: "A", RT: "65000:1", Import: true, Remove: true}
	if err := l.Change(ctx, rt); err != nil {
		t.Fatal(err)
	}
	if err := r.Change(ctx, rt); err != nil {
		t.Fatal(err)
	}
	a, _ = l.Table("PE1", "vrfs", "")
	b, _ = r.Table("PE1", "vrfs", "")
	same(t, "PE1's VRFs after no route-target import 65000:1", a, b)
	if len(b.VRFs[0].Import) != 0 {
		t.Errorf("PE1 VRF A still imports %v", b.VRFs[0].Import)
	}
	if err := r.Change(ctx, network.Change{Kind: network.Fail, Link: [2]string{"P1", "A1"}}); err == nil {
		t.Error("a link that does not exist: no error")
	}
	if err := r.Converge(ctx); err != nil {
		t.Error(err)
	}
}

// The console over the API answers as the console on a terminal does, and
// keeps its state (mode, router) from one request to the next.
func TestConsoleOverAPI(t *testing.T) {
	c := serve(t)
	r, err := c.Console(ConsoleRequest{Router: "PE1", Line: "sh mpls forw"})
	if err != nil || r.Session == "" || r.Prompt != "PE1#" || !strings.Contains(r.Output, "Bytes Label") {
		t.Fatalf("first line: %v %+v", err, r)
	}
	for _, step := range []struct{ line, prompt, out string }{
		{"conf t", "PE1(config)#", "Enter configuration commands"},
		{"int eth1", "PE1(config-if)#", ""},
		{"shut", "PE1(config-if)#", "%LDP-5-NBRCHG: LDP Neighbor 10.0.0.2:0 (P1) is DOWN"},
		{"end", "PE1#", ""},
		{"sh ip int b", "PE1#", "administratively down"},
		{"sh ip rooute", "PE1#", "% Invalid input detected at '^' marker."},
		{"connect P1", "P1#", "Trying P1 ... Open"},
		{"exit", "PE1#", "[Connection to P1 closed by foreign host]"},
	} {
		r, err = c.Console(ConsoleRequest{Session: r.Session, Line: step.line})
		if err != nil || r.Prompt != step.prompt || !strings.Contains(r.Output, step.out) {
			t.Fatalf("%q: %v prompt %q output\n%s", step.line, err, r.Prompt, r.Output)
		}
	}
	if cr, err := c.Console(ConsoleRequest{Session: r.Session, Line: "sh mp", Complete: true}); err != nil || cr.Line != "sh mpls " {
		t.Errorf("completion: %v %+v", err, cr)
	}
	r, err = c.Console(ConsoleRequest{Session: r.Session, Line: "exit"})
	if err != nil || !r.Done {
		t.Fatalf("exit: %v %+v", err, r)
	}
	if _, err := c.Console(ConsoleRequest{Session: r.Session, Line: "sh ip int br"}); err == nil || !strings.Contains(err.Error(), "no console session") {
		t.Errorf("a finished session: %v", err)
	}
	if _, err := c.Console(ConsoleRequest{Router: "X9", Line: ""}); err == nil {
		t.Error("a console on a router that does not exist")
	}
}
