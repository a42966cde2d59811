package scenarios

import (
	"testing"
)

// FuzzParseScenario: no input makes the loader panic, and what loads is
// consistent: each step holds exactly its one action, and every node it
// names exists in the topology. The seed corpus is under
// testdata/fuzz/FuzzParseScenario; a topology path in it is relative to
// testdata.
func FuzzParseScenario(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("testdata/fuzz.yaml", data)
		if err != nil {
			if sc != nil || err.Error() == "" {
				t.Fatalf("error %q came with a scenario", err)
			}
			return
		}
		checkScenario(t, sc)
	})
}

func checkScenario(t *testing.T, sc *Scenario) {
	t.Helper()
	if sc.Topology == nil || sc.Settle <= 0 || sc.Name == "" {
		t.Fatalf("scenario %+v", sc)
	}
	node := func(name string) {
		if sc.Topology.Node(name) == nil {
			t.Errorf("a step names node %q, which the topology lacks", name)
		}
	}
	for i, st := range sc.Steps {
		actions := map[string]bool{
			ActPing: st.Ping != nil, ActTraceroute: st.Traceroute != nil, ActRoute: st.Route != nil,
			ActLFIB: st.LFIB != nil, ActCount: st.Count != nil, ActShow: st.Show != nil,
			ActFail: st.Fail != nil, ActRestore: st.Restore != nil, ActMetric: st.Metric != nil,
		}
		set := 0
		for _, on := range actions {
			if on {
				set++
			}
		}
		if st.Index != i || set != 1 || !actions[st.Action] {
			t.Fatalf("step %d: index %d, action %q, %d actions set", i, st.Index, st.Action, set)
		}
		switch {
		case st.Ping != nil:
			node(st.Ping.From)
			if st.Ping.TTL < 1 || st.Ping.TTL > MaxTTL || !st.Ping.To.Is4() {
				t.Errorf("step %d: ping %+v", i, st.Ping)
			}
		case st.Traceroute != nil:
			node(st.Traceroute.From)
			if st.Traceroute.MaxHops < 1 || st.Traceroute.MaxHops > MaxTTL {
				t.Errorf("step %d: traceroute %+v", i, st.Traceroute)
			}
		case st.Route != nil:
			node(st.Route.Node)
		case st.LFIB != nil:
			node(st.LFIB.Node)
		case st.Count != nil:
			node(st.Count.Node)
		case st.Show != nil:
			node(st.Show.Node)
		case st.Fail != nil, st.Restore != nil:
			tg := st.Fail
			if tg == nil {
				tg = st.Restore
			}
			if tg.IsLink() && sc.Topology.Between(tg.Link[0], tg.Link[1]) == nil || !tg.IsLink() && sc.Topology.Node(tg.Node) == nil {
				t.Errorf("step %d: target %+v is not in the topology", i, tg)
			}
		case st.Metric != nil:
			if l := sc.Topology.Between(st.Metric.Link[0], st.Metric.Link[1]); l == nil || l.IsAttachment() || st.Metric.Value == 0 {
				t.Errorf("step %d: metric %+v", i, st.Metric)
			}
		}
		if e := st.Expect; e != nil {
			for _, n := range []string{e.ReplyFrom, e.DroppedAt} {
				if n != "" {
					node(n)
				}
			}
			for _, n := range e.Via {
				node(n)
			}
			for n := range e.StackDepth {
				node(n)
			}
			for n := range e.TraceLabels {
				node(n)
			}
		}
	}
}
