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
		// Exactly one action, of the type its key names.
		kinds := map[string]bool{
			ActPing: is[*PingStep](st), ActTraceroute: is[*TracerouteStep](st), ActRoute: is[*RouteStep](st),
			ActLFIB: is[*LFIBStep](st), ActCount: is[*CountStep](st), ActShow: is[*ShowStep](st),
			ActFail: is[*FailStep](st), ActRestore: is[*RestoreStep](st), ActMetric: is[*MetricStep](st),
		}
		if st.Index != i || st.Do == nil || !kinds[st.Action] {
			t.Fatalf("step %d: index %d, action %q, %T", i, st.Index, st.Action, st.Do)
		}
		switch a := st.Do.(type) {
		case *PingStep:
			node(a.From)
			if a.TTL < 1 || a.TTL > MaxTTL || !a.To.Is4() {
				t.Errorf("step %d: ping %+v", i, a)
			}
		case *TracerouteStep:
			node(a.From)
			if a.MaxHops < 1 || a.MaxHops > MaxTTL {
				t.Errorf("step %d: traceroute %+v", i, a)
			}
		case *RouteStep:
			node(a.Node)
		case *LFIBStep:
			node(a.Node)
		case *CountStep:
			node(a.Node)
		case *ShowStep:
			node(a.Node)
		case *FailStep, *RestoreStep:
			var tg *Target
			if f, ok := a.(*FailStep); ok {
				tg = &f.Target
			} else {
				tg = &a.(*RestoreStep).Target
			}
			if tg.IsLink() && sc.Topology.Between(tg.Link[0], tg.Link[1]) == nil || !tg.IsLink() && sc.Topology.Node(tg.Node) == nil {
				t.Errorf("step %d: target %+v is not in the topology", i, tg)
			}
		case *MetricStep:
			if l := sc.Topology.Between(a.Link[0], a.Link[1]); l == nil || l.IsAttachment() || a.Value == 0 {
				t.Errorf("step %d: metric %+v", i, a)
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

// is reports whether a step's action is of type T.
func is[T Action](st *Step) bool {
	_, ok := st.Do.(T)
	return ok
}
