package scenarios

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

var outcomeWord = map[string]string{Pass: "ok", Fail: "FAIL", Info: "--", Error: "ERROR"}

// WriteStep prints one step's line, the expectations that failed (expected
// above seen, aligned), and any output (tables, walks) indented below.
func WriteStep(w io.Writer, sr *StepReport) {
	t := sr.Title
	if len([]rune(t)) > 46 {
		t = string([]rune(t)[:45]) + "…"
	}
	fmt.Fprintf(w, "%3d  %-5s  %-46s  %s\n", sr.Index, outcomeWord[sr.Outcome], t, sr.Summary)
	if sr.Error != "" {
		fmt.Fprintf(w, "%12s%s\n", "", sr.Error)
	}
	width := 0
	for _, c := range sr.Checks {
		if !c.OK && len(c.Key) > width {
			width = len(c.Key)
		}
	}
	for _, c := range sr.Checks {
		if c.OK {
			continue
		}
		fmt.Fprintf(w, "%12s%-*s  expected  %s\n", "", width, c.Key, c.Expected)
		fmt.Fprintf(w, "%12s%-*s  seen      %s\n", "", width, "", c.Seen)
	}
	if sr.Output != "" {
		for _, line := range strings.Split(strings.TrimRight(sr.Output, "\n"), "\n") {
			fmt.Fprintf(w, "%12s%s\n", "", line)
		}
	}
}

// WriteHeader prints the scenario's first line.
func WriteHeader(w io.Writer, sc *Scenario) {
	fmt.Fprintf(w, "scenario %s (%s), topology %s\n", sc.Name, sc.File, sc.Topology.Name)
}

// WriteSummary prints the closing line of one scenario.
func WriteSummary(w io.Writer, r *Report) {
	if r.Setup != "" {
		fmt.Fprintf(w, "%s: %s\n", r.File, r.Setup)
	}
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed\n", verdict, r.Passed, r.Failed)
}

// WriteJSON writes the reports as JSON (one object for one report, else an
// array).
func WriteJSON(w io.Writer, reps []*Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(reps) == 1 {
		return enc.Encode(reps[0])
	}
	return enc.Encode(reps)
}

// JUnitMark is the comment that opens every JUnit report vpnsim writes.
const JUnitMark = "<!-- a vpnsim test report -->"

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the reports as JUnit XML, one test suite per scenario
// and one test case per step.
func WriteJUnit(w io.Writer, reps []*Report) error {
	var s junitSuites
	for _, r := range reps {
		js := junitSuite{Name: r.Name, Time: secs(r.Elapsed)}
		if r.Setup != "" {
			js.Tests, js.Errors = 1, 1
			js.Cases = append(js.Cases, junitCase{Name: "start the network", Classname: r.Name,
				Error: &junitFailure{Message: r.Setup, Text: r.Setup}})
		}
		for _, st := range r.Steps {
			jc := junitCase{Name: fmt.Sprintf("%d %s", st.Index, st.Title), Classname: r.Name, Time: secs(st.Elapsed), SystemOut: st.Output}
			var b strings.Builder
			for _, c := range st.Checks {
				if !c.OK {
					fmt.Fprintf(&b, "%s: expected %s, seen %s\n", c.Key, c.Expected, c.Seen)
				}
			}
			switch st.Outcome {
			case Fail:
				js.Failures++
				jc.Failure = &junitFailure{Message: "expectation failed", Text: b.String()}
			case Error:
				js.Errors++
				jc.Error = &junitFailure{Message: st.Error, Text: st.Error}
			}
			js.Tests++
			js.Cases = append(js.Cases, jc)
		}
		s.Suites = append(s.Suites, js)
	}
	// the comment marks the file as vpnsim's: a later run may replace it
	if _, err := io.WriteString(w, xml.Header+JUnitMark+"\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
