package reach

import (
	"context"
	"fmt"
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

// TestConfigurationSets: every configuration set under
// confimport/testdata imports with no error and no ignored line, and
// verify with its expect file finds exactly the planted leak (extranet-leak:
// PE2 imports RED's route target 65000:10 into BLUE by mistake) and
// nothing in the others: the classic network, a hub-and-spoke customer
// built from two VRFs, a dual-homed site whose PEs need as-override.
func TestConfigurationSets(t *testing.T) {
	leak := "BLUE reaches RED (%s reaches %s): the expect file does not allow it"
	for _, c := range []struct {
		f    confimport.Format
		set  string
		want []string
	}{
		{confimport.IOS, "classic", nil},
		{confimport.IOS, "hub-and-spoke", nil},
		{confimport.IOS, "dual-homed", nil},
		{confimport.IOS, "extranet-leak", []string{fmt.Sprintf(leak, "BLUE2", "RED1")}},
		{confimport.FRR, "classic", nil},
		{confimport.FRR, "hub-and-spoke", nil},
		{confimport.FRR, "dual-homed", nil},
		{confimport.FRR, "extranet-leak", []string{fmt.Sprintf(leak, "blue2", "red1")}},
	} {
		t.Run(string(c.f)+"/"+c.set, func(t *testing.T) {
			dir := filepath.Join("..", "confimport", "testdata", string(c.f), c.set)
			topo := importSet(t, c.f, dir)
			e := expect(t, dir+".expect.yaml")
			rep, err := Check(start(t, topo), topo, e.Groups())
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Check(rep.Customers, topo.VRFNames()); err != nil {
				t.Fatal(err)
			}
			if diff := Diff(rep, e); !slices.Equal(diff, c.want) {
				t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(diff, "\n"), strings.Join(c.want, "\n"))
			}
			if c.set != "extranet-leak" {
				return
			}
			var bad []Leak
			for _, lk := range rep.Leaks {
				if lk.FromCustomer == "BLUE" && lk.ToCustomer == "RED" {
					bad = append(bad, lk)
					if lk.Expected {
						t.Errorf("leak %s→%s marked as allowed by the expect file", lk.From, lk.To)
					}
				} else if !lk.Expected {
					t.Errorf("the extranet's %s→%s not marked as allowed by the expect file", lk.From, lk.To)
				}
			}
			if len(bad) != 2 {
				t.Fatalf("BLUE→RED leaks: %+v, want BLUE2 to RED1 and RED2", bad)
			}
			for _, lk := range bad {
				if !strings.EqualFold(lk.From, "BLUE2") || !slices.Equal(lk.AllowedBy, []string{"65000:10"}) || lk.Both || lk.Walk == nil || len(lk.Walk.Steps) == 0 {
					t.Errorf("leak %s→%s: allowed by %v, both ways %v, walk %v; want BLUE2, 65000:10, one way, a walk", lk.From, lk.To, lk.AllowedBy, lk.Both, lk.Walk != nil)
				}
			}
		})
	}
}

// TestClassicSeparation: in the classic network (two customers on the
// same addresses) each customer's sites reach each other and nothing
// else: an empty expect file has no difference, one allowing A to reach
// B has one.
func TestClassicSeparation(t *testing.T) {
	l := labtest.Start(t, "classic")
	rep, err := Check(l, l.Topo, nil)
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
		{"customers: {X: [A]}\ncustomers2: 1", "x.yaml:2:1: unknown key"},
		{"customers:\n  X: [A]\n  Y: [A]", "x.yaml:3:7: customers: VRF A already belongs to a customer (line 2)"},
		{"", "empty"},
	} {
		_, err := ParseExpect("x.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}

// TestAsOverrideMatters: the dual-homed sets need their PEs' as-override
// (both sites are in AS 65001): without it the sites do not reach each
// other, and verify says so.
func TestAsOverrideMatters(t *testing.T) {
	for _, f := range []confimport.Format{confimport.IOS, confimport.FRR} {
		src := filepath.Join("..", "confimport", "testdata", string(f), "dual-homed")
		dst := copySet(t, src, func(_, text string) string {
			var keep []string
			for _, line := range strings.Split(text, "\n") {
				if !strings.Contains(line, "as-override") {
					keep = append(keep, line)
				}
			}
			return strings.Join(keep, "\n")
		})
		topo := importSet(t, f, dst)
		rep, err := Check(start(t, topo), topo, nil)
		if err != nil {
			t.Fatal(err)
		}
		diff := Diff(rep, expect(t, src+".expect.yaml"))
		a1, a2 := "A1", "A2"
		if f == confimport.FRR {
			a1, a2 = "a1", "a2"
		}
		want := []string{"A: " + a1 + " reaches none of A's other sites", "A: none of A's other sites reaches " + a1,
			"A: " + a2 + " reaches none of A's other sites", "A: none of A's other sites reaches " + a2}
		if !slices.Equal(diff, want) {
			t.Errorf("%s without as-override: differences %v, want %v", f, diff, want)
		}
	}
}

// copySet copies a configuration set to a temporary directory, each file's
// text through edit (its path relative to the set, its text).
func copySet(t *testing.T, src string, edit func(rel, text string) string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), []byte(edit(rel, string(data))), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestFRRWithoutImportVPN: an FRR VRF without import vpn takes nothing
// from VPNv4, whatever its route targets: pe2's sites then reach none of
// their customer's other sites, though pe1's still reach them.
func TestFRRWithoutImportVPN(t *testing.T) {
	src := filepath.Join("..", "confimport", "testdata", "frr", "classic")
	dst := copySet(t, src, func(rel, text string) string {
		if rel == filepath.Join("pe2", "frr.conf") {
			return strings.ReplaceAll(text, "  import vpn\n", "")
		}
		return text
	})
	var l diag.List
	d, err := confimport.Import(confimport.FRR, "classic", []string{dst}, &l)
	if err != nil || l.HasErrors() {
		t.Fatal(err, l.Error())
	}
	if !strings.Contains(l.Error(), "pe2/frr.conf:7:1: warning: VRF A on pe2 has route targets to import but no import vpn: it imports nothing") {
		t.Errorf("warnings: %s", l.Error())
	}
	topo, _, err := topologies.Parse("classic.yaml", d.Encode())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(start(t, topo), topo, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A: none of A's other sites reaches a1", "A: a2 reaches none of A's other sites",
		"B: none of B's other sites reaches b1", "B: b2 reaches none of B's other sites"}
	if diff := Diff(rep, expect(t, src+".expect.yaml")); !slices.Equal(diff, want) {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(diff, "\n"), strings.Join(want, "\n"))
	}
}

// TestWideAreaEthernet: EVPN hosts are sites of their instance; each
// customer reaches only its own sites (X's three hosts bridged over the
// E-LAN, W's two over the E-Line, Y's two routed over the IP-VPN).
func TestWideAreaEthernet(t *testing.T) {
	l := labtest.Start(t, "wide-area-ethernet")
	rep, err := Check(l, l.Topo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"W", "X", "Y"}; !slices.Equal(rep.Customers, want) {
		t.Fatalf("customers %v, want %v", rep.Customers, want)
	}
	if len(rep.Leaks) != 0 {
		t.Errorf("leaks: %+v", rep.Leaks)
	}
	for c, n := range map[string]int{"X": 6, "W": 2, "Y": 2} {
		if cell := rep.Matrix[c][c]; cell.Reached != n || cell.Total != n {
			t.Errorf("%s to %s: %+v, want %d of %d", c, c, cell, n, n)
		}
	}
	for _, p := range rep.Pairs {
		if p.From == "X1" && p.To == "X2" && (p.EVPN != "X" || !p.Both) {
			t.Errorf("X1 to X2: %+v, want bridged in EVPN X, both ways", p)
		}
	}
}
