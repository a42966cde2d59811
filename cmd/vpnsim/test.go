package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/scenarios"
)

func init() { commands = append(commands, newTestCmd) }

func newTestCmd() *cobra.Command {
	var asJSON, quiet bool
	var junit string
	var jobs int
	c := &cobra.Command{
		Use:   "test [DIR|FILE...]",
		Short: "Run many scenarios, several at once, each in its own network",
		Long: `test runs every scenario file it is given, and every .yaml or .yml file in
the directories it is given (default: scenarios/), several at once, each in
its own simulated network. It prints one line per scenario (and the steps of
those that failed), and ends with the line "N passed, N failed".

Exit status: 2 if any file is invalid, else 1 if any scenario failed, else 0.`,
		Example: `  vpnsim test
  vpnsim test scenarios/ my-scenarios/ --junit report.xml
  vpnsim test scenarios/separation.yaml -v`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"scenarios"}
			}
			files, err := scenarioFiles(args)
			if err != nil {
				return err
			}
			if jobs < 1 {
				jobs = runtime.GOMAXPROCS(0)
			}
			return runMany(cmd.OutOrStdout(), cmd.ErrOrStderr(), files, jobs, asJSON, quiet, junit)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "write the reports as a JSON array instead of lines")
	c.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to `FILE`")
	c.Flags().IntVarP(&jobs, "jobs", "j", 0, "scenarios run at once (default: the number of CPUs)")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only failures and the closing line")
	return c
}

// scenarioFiles expands directories into their .yaml and .yml files, sorted.
func scenarioFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, usageErr("%s: no such file or directory", a)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		for _, pat := range []string{"*.yaml", "*.yml"} {
			m, _ := filepath.Glob(filepath.Join(a, pat))
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, usageErr("%s: no scenario files (*.yaml, *.yml) in this directory", a)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

type testResult struct {
	file   string
	rep    *scenarios.Report
	err    error
	output bytes.Buffer
}

func runMany(out, errw io.Writer, files []string, jobs int, asJSON, quiet bool, junit string) error {
	results := make([]*testResult, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = runOne(files[i])
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()

	passed, failedN, invalid := 0, 0, 0
	var reps []*scenarios.Report
	for _, r := range results {
		switch {
		case r.err != nil:
			invalid++
			fmt.Fprintf(errw, "%s\n", r.err)
			if !asJSON {
				fmt.Fprintf(out, "INVALID  %s\n", r.file)
			}
		case r.rep.OK():
			passed++
			reps = append(reps, r.rep)
			if !asJSON && !quiet {
				fmt.Fprintf(out, "ok       %-44s %3d steps  %.1fs\n", r.file, len(r.rep.Steps), r.rep.Elapsed.Seconds())
			}
		default:
			failedN++
			reps = append(reps, r.rep)
			if !asJSON {
				fmt.Fprintf(out, "FAIL     %-44s %3d steps  %.1fs\n", r.file, len(r.rep.Steps), r.rep.Elapsed.Seconds())
				out.Write(indent(r.output.Bytes()))
			}
		}
	}
	if asJSON {
		if err := scenarios.WriteJSON(out, reps); err != nil {
			return err
		}
	}
	if junit != "" {
		if err := writeFile(junit, func(w io.Writer) error { return scenarios.WriteJUnit(w, reps) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", passed, failedN+invalid)
	switch {
	case invalid > 0:
		return &exitError{code: 2}
	case failedN > 0:
		return failed()
	}
	return nil
}

func runOne(file string) *testResult {
	r := &testResult{file: file}
	sc, err := loadScenario(file)
	if err != nil {
		r.err = err
		return r
	}
	rep := scenarios.Run(context.Background(), sc, scenarios.Options{Logger: logger(), Verbose: verbose, NoRIBAudit: noRIBAudit})
	for _, st := range rep.Steps {
		if st.Outcome == scenarios.Fail || st.Outcome == scenarios.Error {
			scenarios.WriteStep(&r.output, st)
		}
	}
	if rep.Setup != "" {
		fmt.Fprintf(&r.output, "%s\n", rep.Setup)
	}
	r.rep = rep
	return r
}

func indent(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(b), "\n")
	var s strings.Builder
	for _, l := range lines {
		if l != "" {
			s.WriteString("    " + l)
		}
	}
	return []byte(s.String())
}
