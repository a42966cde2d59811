package oracle

import (
	"cmp"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

func TestCompare(t *testing.T) {
	frr := Facts{}
	frr.Set("P1", TableIGP, "10.0.0.1/32", "metric", "20")
	frr.Set("P1", TableIGP, "10.0.0.1/32", "nexthops", "100.64.0.0%eth1")
	frr.Set("P1", TableIGP, "10.0.0.4/32", "metric", "30")
	frr.Add("P1", TableLDP, "10.0.0.9/32")
	sim := Facts{}
	sim.Set("P1", TableIGP, "10.0.0.1/32", "metric", "10")
	sim.Set("P1", TableIGP, "10.0.0.1/32", "nexthops", "100.64.0.2%eth2")
	sim.Set("P1", TableIGP, "10.0.0.4/32", "metric", "30")
	sim.Set("P2", TableIGP, "10.0.0.4/32", "metric", "10")
	got := Compare(frr, sim)
	want := []Row{
		{"P1", TableIGP, "10.0.0.1/32", "metric", "20", "10", ""},
		{"P1", TableIGP, "10.0.0.1/32", "nexthops", "100.64.0.0%eth1", "100.64.0.2%eth2", ""},
		{"P1", TableLDP, "10.0.0.9/32", "entry", "present", "absent", ""},
		{"P2", TableIGP, "10.0.0.4/32", "entry", "absent", "metric=10", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestAllowList(t *testing.T) {
	l, err := DefaultAllowList()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) == 0 || len(l) > 6 {
		t.Errorf("allow.yaml has %d entries: keep it to a handful", len(l))
	}
	tests := []struct {
		name, topology string
		row            Row
		allowed        bool
	}{
		{"loopback metric, +10", "classic", Row{"P1", TableIGP, "10.0.0.1/32", "metric", "20", "10", ""}, true},
		{"loopback metric, +20", "classic", Row{"P1", TableIGP, "10.0.0.1/32", "metric", "30", "10", ""}, false},
		{"IGP next hop", "classic", Row{"P1", TableIGP, "10.0.0.1/32", "nexthops", "a", "b", ""}, false},
		{"path no VRF imports", "zoo", Row{"PE1", TableVPNv4, "65000:2 10.1.1.0/24 from RR1", "entry", "aspath= best=yes import=none valid=yes", "absent", ""}, true},
		{"path a VRF imports", "zoo", Row{"PE1", TableVPNv4, "65000:2 10.1.1.0/24 from RR1", "entry", "aspath= best=yes import=A valid=yes", "absent", ""}, false},
		{"rr-igp reflector", "rr-igp", Row{"RR1", TableVPNv4, "65000:1 10.1.1.0/24 from PE1", "best", "yes", "no", ""}, true},
		{"best elsewhere", "classic", Row{"RR1", TableVPNv4, "65000:1 10.1.1.0/24 from PE1", "best", "yes", "no", ""}, false},
		{"leak code", "extranet", Row{"PE2", TableVRF, "S 10.1.2.0/24", "code", "B from VRF A", "S from VRF A", ""}, true},
		{"code", "extranet", Row{"PE2", TableVRF, "S 10.9.9.0/24", "code", "B", "S", ""}, false},
		{"transit", "hub-transit", Row{"PE2", TableVPNv4, "65000:10 10.20.1.0/24 from RR1", "entry", "absent", "aspath=65100 65000 best=yes", ""}, true},
		{"transit, HUB-OUT", "hub-transit", Row{"PE4", TableVRF, "HUB-OUT 10.20.1.0/24", "entry", "absent", "code=B nexthops=100.96.0.6%eth2", ""}, true},
		{"no transit", "hub-transit", Row{"PE2", TableVPNv4, "65000:10 10.20.1.0/24 from RR1", "entry", "absent", "aspath=65100 best=yes", ""}, false},
		{"PE2 export", "site-of-origin", Row{"PE2", TableVRF, "A 10.1.1.0/24", "entry", "code=B", "absent", ""}, true},
		{"PE2 export elsewhere", "classic", Row{"PE2", TableVRF, "A 10.1.1.0/24", "entry", "code=B", "absent", ""}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := l.Match(tc.topology, tc.row) != nil; got != tc.allowed {
				t.Errorf("allowed = %v, want %v", got, tc.allowed)
			}
		})
	}
}

func TestAllowListErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no reason", "- table: igp\n  field: metric\n", "x.yaml:1:3: every entry needs a reason"},
		{"bad table", "- table: isis\n  reason: r\n", "x.yaml:1:3: table must be"},
		{"unknown key", "- table: igp\n  reson: r\n", `x.yaml:2:3: unknown key "reson"`},
		{"bad number", "- table: igp\n  frr-minus-vpnsim: ten\n  reason: r\n", "x.yaml:2:21: frr-minus-vpnsim takes an integer"},
		{"not a list", "table: igp\n", "x.yaml:1:1: the allow-list is a sequence"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAllowList("x.yaml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// simFacts runs topology name in vpnsim and reads its facts.
func simFacts(t *testing.T, name string) (*topologies.Topology, Facts) {
	t.Helper()
	topo, _, err := topologies.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	f, err := SimFacts(l)
	if err != nil {
		t.Fatal(err)
	}
	return topo, f
}

func recordedFacts(t *testing.T, topo *topologies.Topology) Facts {
	t.Helper()
	raw, err := ReadRaw(filepath.Join("testdata", "frr", topo.Name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := FRRFacts(topo, raw)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRecorded is the oracle without FRR: vpnsim's tables now against what
// FRR computed for the same topologies when the suite last recorded them
// (go test -tags oracle ./oracle -args -record, as root). A change in vpnsim
// that FRR would disagree with fails here too.
func TestRecorded(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("testdata", "frr"))
	if err != nil {
		t.Fatal(err)
	}
	allow, err := DefaultAllowList()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			topo, sim := simFacts(t, d.Name())
			frr := recordedFacts(t, topo)
			tables := map[string]bool{}
			for e := range frr {
				tables[e.Table] = true
			}
			for _, tb := range []string{TableIGP, TableLDP, TableVPNv4, TableVRF} {
				if !tables[tb] {
					t.Errorf("the recording has no %s entry", tb)
				}
			}
			rows := Compare(frr, sim)
			allow.Apply(topo.Name, rows)
			if bad := Failing(rows); len(bad) > 0 {
				var b strings.Builder
				Print(&b, bad)
				t.Errorf("%d differences from FRR not in the allow-list:\n%s", len(bad), b.String())
			}
		})
	}
}

// TestDeliberateDifference changes vpnsim's tables the way a bug would and
// checks that the comparison fails with a row naming the router and the
// key: a wrong tie-break at a reflector, a wrong IGP next hop, an LDP
// binding used from the wrong neighbour, a lost route target.
func TestDeliberateDifference(t *testing.T) {
	allow, err := DefaultAllowList()
	if err != nil {
		t.Fatal(err)
	}
	topo, _ := simFacts(t, "two-rr")
	frr := recordedFacts(t, topo)
	tests := []struct {
		name   string
		change func(f Facts) Entry
		field  string
	}{
		{"reflector picks the other path", func(f Facts) Entry {
			for _, e := range sortedEntries(f) {
				fields := f[e]
				if e.Table == TableVPNv4 && fields["best"] == "yes" && !strings.HasSuffix(e.Key, "from local") {
					fields["best"] = "no"
					return e
				}
			}
			return Entry{}
		}, "best"},
		{"IGP next hop", func(f Facts) Entry {
			for _, e := range sortedEntries(f) {
				fields := f[e]
				if e.Table == TableIGP {
					fields["nexthops"] = "100.64.255.255%eth9"
					return e
				}
			}
			return Entry{}
		}, "nexthops"},
		{"LDP binding in use", func(f Facts) Entry {
			for _, e := range sortedEntries(f) {
				fields := f[e]
				if e.Table == TableLDP && fields["in-use"] != "" {
					fields["in-use"] = "PX"
					return e
				}
			}
			return Entry{}
		}, "in-use"},
		{"route target lost", func(f Facts) Entry {
			for _, e := range sortedEntries(f) {
				fields := f[e]
				if e.Table == TableVPNv4 {
					fields["rts"] = ""
					return e
				}
			}
			return Entry{}
		}, "rts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, sim := simFacts(t, "two-rr")
			e := tc.change(sim)
			if e == (Entry{}) {
				t.Fatal("nothing to change")
			}
			rows := Compare(frr, sim)
			allow.Apply(topo.Name, rows)
			bad := Failing(rows)
			if len(bad) != 1 || bad[0].Router != e.Router || bad[0].Key != e.Key || bad[0].Field != tc.field {
				t.Errorf("changed %v %s: failing rows %v, want one naming it", e, tc.field, bad)
			}
		})
	}
}

// sortedEntries lists f's entries in order, so that the test changes the
// same entry every time.
func sortedEntries(f Facts) []Entry {
	return slices.SortedFunc(maps.Keys(f), func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Router, b.Router), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Key, b.Key))
	})
}
