package scenarios

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinScenarios runs every scenario shipped in this directory: each
// is a regression test of label switching, VPN separation and convergence.
func TestBuiltinScenarios(t *testing.T) {
	files, _ := filepath.Glob("*.yaml")
	if len(files) < 9 {
		t.Fatalf("found %d scenario files, want the built-in set", len(files))
	}
	for _, f := range files {
		// Not in parallel: GoBGP's StartBgp writes package-level options
		// that running servers read, so labs starting while others run
		// trip the race detector (the values written are identical).
		t.Run(strings.TrimSuffix(f, ".yaml"), func(t *testing.T) {
			sc, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			rep := Run(context.Background(), sc, Options{})
			if !rep.OK() {
				var b bytes.Buffer
				for _, st := range rep.Steps {
					WriteStep(&b, st)
				}
				WriteSummary(&b, rep)
				t.Fatalf("%s failed:\n%s", f, b.String())
			}
		})
	}
}

func runText(t *testing.T, src string) (string, *Report) {
	t.Helper()
	sc, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep := Run(context.Background(), sc, Options{Progress: &b})
	WriteSummary(&b, rep)
	return b.String(), rep
}

// TestSameOutputTwice: the same scenario gives byte-identical output
// (the lines carry simulated times only, never wall-clock ones).
func TestSameOutputTwice(t *testing.T) {
	const src = `
name: twice
topology: classic
steps:
  - ping: {from: A1, to: 10.1.2.1}
    walk: true
    expect: {reply-from: A2}
  - traceroute: {from: B1, to: 10.1.2.1}
  - show: {node: RR1, table: vpnv4}
  - show: {node: P1, table: lfib}
  - fail: {link: [P1, P2]}
  - ping: {from: A1, to: 10.1.2.1}
  - restore: {link: [P1, P2]}
  - show: {node: PE2, table: routes, vrf: B}
`
	a, _ := runText(t, src)
	b, _ := runText(t, src)
	if a != b {
		t.Fatalf("two runs differ:\n--- first\n%s\n--- second\n%s", a, b)
	}
}

// TestWrongExpectationShowsExpectedAndSeen: a failed expectation fails the
// step and prints what was expected above what was seen.
func TestWrongExpectationShowsExpectedAndSeen(t *testing.T) {
	out, rep := runText(t, `
name: wrong
topology: classic
steps:
  - ping: {from: A1, to: 10.1.2.1}
    expect: {reply-from: B2}
  - count: {node: P1, table: vpnv4}
    expect: {equals: 0}
`)
	if rep.OK() || rep.Failed != 1 || rep.Passed != 1 {
		t.Fatalf("report: %d passed, %d failed", rep.Passed, rep.Failed)
	}
	for _, want := range []string{
		"FAIL", "reply-from  expected  B2", "seen      A2", "1 passed, 1 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestTracerouteLabelsAndDepth checks labels, stack-depth, reached and
// max-hops.
func TestTracerouteLabelsAndDepth(t *testing.T) {
	_, rep := runText(t, `
name: labels
topology: classic
steps:
  - traceroute: {from: A1, to: 10.1.2.1}
    expect:
      hops: [PE1, P1, P2, PE2, A2]
      labels: {P1: [202, 404], PE2: [404]}
      stack-depth: {PE1: 0, P2: 2}
      reached: true
  - traceroute: {from: A1, to: 10.1.2.1, max-hops: 2}
    expect: {hops: [PE1, P1], reached: false}
`)
	if !rep.OK() {
		t.Fatalf("%+v", rep.Steps)
	}
}

func TestJUnitAndJSON(t *testing.T) {
	_, rep := runText(t, `
name: reports
topology: classic
steps:
  - ping: {from: A1, to: 10.1.2.1}
    expect: {reply-from: A2}
  - ping: {from: A1, to: 10.1.2.1}
    expect: {reply-from: B2}
`)
	var x, j bytes.Buffer
	if err := WriteJUnit(&x, []*Report{rep}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<testsuite name="reports" tests="2" failures="1"`, `reply-from: expected B2, seen A2`} {
		if !strings.Contains(x.String(), want) {
			t.Errorf("JUnit lacks %q:\n%s", want, x.String())
		}
	}
	if err := WriteJSON(&j, []*Report{rep}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"outcome": "fail"`, `"expected": "B2"`, `"seen": "A2"`, `"passed": 1`} {
		if !strings.Contains(j.String(), want) {
			t.Errorf("JSON lacks %q:\n%s", want, j.String())
		}
	}
}

// TestSettleBoundGivesAnError: a change whose network cannot converge within
// its settle bound fails that step with a message naming what was still
// moving, instead of hanging.
func TestSettleBoundGivesAnError(t *testing.T) {
	out, rep := runText(t, `
name: impatient
topology: classic
steps:
  - fail: {link: [P1, P2]}
    settle: 1ns
  - count: {node: P1, table: vpnv4}
    expect: {equals: 0}
`)
	if rep.OK() || rep.Steps[0].Outcome != Error {
		t.Fatalf("outcome %s:\n%s", rep.Steps[0].Outcome, out)
	}
	for _, want := range []string{"did not settle", "settle 1ns"} {
		if !strings.Contains(rep.Steps[0].Error, want) {
			t.Errorf("error %q lacks %q", rep.Steps[0].Error, want)
		}
	}
}
