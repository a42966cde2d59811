package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/scenarios"
)

func init() { commands = append(commands, newRunCmd) }

func newRunCmd() *cobra.Command {
	var asJSON bool
	var junit, pcap string
	c := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario: its steps in order, checking every expectation",
		Long: `run loads a scenario file (see docs/spec/scenario.md), starts its topology,
waits until the network has converged, and runs the steps in order: pings,
traceroutes and table lookups that check what they see, and failures,
repairs and metric changes after which the network converges again.

It prints one line per step as it runs; a failed expectation shows what was
expected above what was seen. Exit status: 0 when every expectation held, 1
when one failed, 2 when the scenario or its topology is invalid.`,
		Example: `  vpnsim run scenarios/separation.yaml
  vpnsim run scenarios/core-failure.yaml --junit report.xml
  vpnsim run scenarios/separation.yaml --json | jq .steps`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			opts := scenarios.Options{Logger: logger(), Verbose: verbose, NoRIBAudit: noRIBAudit}
			if !asJSON {
				scenarios.WriteHeader(out, sc)
				opts.Progress = out
			}
			var pf *os.File
			if pcap != "" {
				if err := mayReplace(pcap); err != nil {
					return err
				}
				if pf, err = os.CreateTemp(dirOf(pcap), ".vpnsim-*.pcapng"); err != nil {
					return usageErr("cannot write %s: %v", pcap, err)
				}
				defer os.Remove(pf.Name()) // gone once renamed
				pf.Chmod(0o644)
				opts.Capture = pf
			}
			rep := scenarios.Run(context.Background(), sc, opts)
			if pf != nil {
				if err := pf.Close(); err != nil {
					return fmt.Errorf("writing %s: %v", pcap, err)
				}
				if err := os.Rename(pf.Name(), pcap); err != nil {
					return usageErr("cannot write %s: %v", pcap, err)
				}
			}
			if asJSON {
				if err := scenarios.WriteJSON(out, []*scenarios.Report{rep}); err != nil {
					return err
				}
			} else {
				scenarios.WriteSummary(out, rep)
			}
			if junit != "" {
				if err := writeFile(junit, func(w io.Writer) error {
					return scenarios.WriteJUnit(w, []*scenarios.Report{rep})
				}); err != nil {
					return err
				}
			}
			if !rep.OK() {
				return failed()
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "write the report as JSON to standard output instead of lines")
	c.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to `FILE`")
	c.Flags().StringVar(&pcap, "pcap", "", "write every frame of the run, on every link, to `FILE` (pcapng)")
	return c
}

// writeFile writes a file whole or not at all: into a temporary file in the
// same directory, renamed over the target once complete.
func writeFile(path string, write func(io.Writer) error) error {
	if err := mayReplace(path); err != nil {
		return err
	}
	f, err := os.CreateTemp(dirOf(path), ".vpnsim-*")
	if err != nil {
		return usageErr("cannot write %s: %v", path, errors.Unwrap(err))
	}
	tmp := f.Name()
	f.Chmod(0o644)
	werr := write(f)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %v", path, errors.Join(werr, cerr))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return usageErr("cannot write %s: %v", path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			if i == 0 {
				return "/"
			}
			return path[:i]
		}
	}
	return "."
}
