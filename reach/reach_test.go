package reach

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/confimport"
	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

// start converges a topology and closes it when the test ends.
func start(t *testing.T, topo *topologies.Topology) *lab.Lab {
	t.Helper()
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return l
}

// importSet imports a configuration set of confimport/testdata with no
// error and no ignored line.
func importSet(t *testing.T, f confimport.Format, dir string) *topologies.Topology {
	t.Helper()
	var l diag.List
	d, err := confimport.Import(f, filepath.Base(dir), []string{dir}, &l)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range l.Diags {
		if !x.Warning || strings.HasPrefix(x.Msg, "ignored: ") {
			t.Errorf("%s", confimport.Print(x))
		}
	}
	if l.HasErrors() {
		t.FailNow()
	}
	topo, _, err := topologies.Parse(dir+".yaml", d.Encode())
	if err != nil {
		t.Fatalf("%v\n%s", err, d.Encode())
	}
	return topo
}

func expect(t *testing.T, file string) *Expect {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseExpect(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestPlantedLeakIOS: the IOS extranet whose PE2 imports RED's route
// target into BLUE by mistake imports cleanly, and the expect file finds
// that leak and nothing else, with the route target that let it in.
func TestPlantedLeakIOS(t *testing.T) {
	topo := importSet(t, confimport.IOS, "../confimport/testdata/ios/extranet-leak")
	rep, err := Check(start(t, topo), topo)
	if err != nil {
		t.Fatal(err)
	}
	e := expect(t, "../confimport/testdata/ios/extranet-leak.expect.yaml")
	if err := e.Check(rep.Customers); err != nil {
		t.Fatal(err)
	}
	diff := Diff(rep, e)
	want := []string{"BLUE reaches RED (BLUE2 reaches RED1): the expect file does not allow it"}
	if !slices.Equal(diff, want) {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(diff, "\n"), strings.Join(want, "\n"))
	}
	var bad []Leak
	for _, lk := range rep.Leaks {
		if lk.FromCustomer == "BLUE" && lk.ToCustomer == "RED" {
			bad = append(bad, lk)
		}
	}
	if len(bad) != 2 {
		t.Fatalf("BLUE→RED leaks: %+v, want BLUE2 to RED1 and RED2", bad)
	}
	for _, lk := range bad {
		if lk.From != "BLUE2" || !slices.Equal(lk.AllowedBy, []string{"65000:10"}) || lk.Both || lk.Walk == nil || len(lk.Walk.Steps) == 0 {
			t.Errorf("leak %s→%s: allowed by %v, both ways %v, walk %v; want BLUE2, 65000:10, one way, a walk", lk.From, lk.To, lk.AllowedBy, lk.Both, lk.Walk != nil)
		}
	}
}

// TestClassicSeparation: in the classic network (two customers on the
// same addresses) each customer's sites reach each other and nothing
// else: an empty expect file has no difference, one allowing A to reach
// B has one.
func TestClassicSeparation(t *testing.T) {
	l := labtest.Start(t, "classic")
	rep, err := Check(l, l.Topo)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Leaks) != 0 {
		t.Errorf("leaks in classic: %+v", rep.Leaks)
	}
	if got := Diff(rep, &Expect{Reach: map[string][]string{}}); len(got) != 0 {
		t.Errorf("differences: %v", got)
	}
	got := Diff(rep, &Expect{Reach: map[string][]string{"A": {"B"}}})
	if want := []string{"A may reach B, but none of its sites does"}; !slices.Equal(got, want) {
		t.Errorf("differences %v, want %v", got, want)
	}
	if c := rep.Matrix["A"]["A"]; c.Reached != 2 || c.Total != 2 {
		t.Errorf("A to A: %+v, want 2 of 2", c)
	}
}

func TestParseExpectErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"reach: [A]", "x.yaml:1:8: reach: a mapping"},
		{"reach:\n  A: B", "x.yaml:2:6: reach: A: a list of customers"},
		{"reeach: {}", "x.yaml:1:1: unknown key \"reeach\""},
		{"", "empty"},
	} {
		_, err := ParseExpect("x.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}
