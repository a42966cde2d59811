package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/scenarios"
	"github.com/vpnsim/vpnsim/topologies"
)

func init() { commands = append(commands, newValidateCmd) }

func newValidateCmd() *cobra.Command {
	var list bool
	c := &cobra.Command{
		Use:   "validate FILE|NAME...",
		Short: "Check topology and scenario files and report every problem in them",
		Long: `validate loads each file and checks it the way run, show and the other
commands would, without starting a network. Each argument is a topology file,
a scenario file (one with a steps key; its topology is checked too) or the
name of a built-in topology. A path contains / or ends in .yaml or .yml;
anything else is a built-in's name.

A valid file prints one line:

  topologies/classic.yaml: ok (9 nodes, 8 links, 2 VRFs)
  scenarios/separation.yaml: ok scenario (16 steps)

An invalid one prints every problem it has, not just the first, each as
FILE:LINE:COLUMN: what is wrong, to standard error, for example:

  lab.yaml:21:28: unknown key "metrik" in link (did you mean "metric"?); known keys: delay, endpoints, metric, routing, subnet, vrf
  lab.yaml:23:22: endpoints: CE A3 is linked to P1, a p router; a CE links only to a PE

Warnings (a provider core that falls apart, say) go to standard error too
and do not make a file invalid. Exit status: 0 when every file is valid, 2
when any is not.

--list prints the built-in topologies and what each one teaches; copy one
to start your own: every built-in lives in topologies/NAME.yaml.`,
		Example: `  vpnsim validate --list
  vpnsim validate classic hub-and-spoke
  vpnsim validate my-lab.yaml
  vpnsim validate topologies/*.yaml scenarios/*.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !list {
				return usageErr("validate needs a file or a built-in topology's name, e.g. vpnsim validate classic (vpnsim validate --list shows the built-ins)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if list {
				if err := listBuiltins(out); err != nil {
					return err
				}
			}
			bad := 0
			for _, arg := range args {
				if !validateOne(out, errOut, arg) {
					bad++
				}
			}
			if bad > 0 {
				if len(args) > 1 {
					return usageErr("%d of %d invalid", bad, len(args))
				}
				return &exitError{code: 2}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&list, "list", false, "list the built-in topologies with their descriptions")
	return c
}

// validateOne checks one argument, prints its verdict, and reports whether
// it is valid.
func validateOne(out, errOut io.Writer, arg string) bool {
	var (
		summary string
		warns   []diag.Diagnostic
		err     error
	)
	if topologies.IsPath(arg) {
		var l diag.List
		data, ok := yamlx.ReadFile(arg, &l)
		switch {
		case !ok:
			err = l.Err()
		case scenarios.IsScenario(data):
			var sc *scenarios.Scenario
			if sc, err = scenarios.Parse(arg, data); err == nil {
				summary = fmt.Sprintf("ok scenario (%s)", plural(len(sc.Steps), "step"))
				warns = sc.Warnings
			}
		default:
			var t *topologies.Topology
			if t, warns, err = topologies.Parse(arg, data); err == nil {
				summary = topologySummary(t)
			}
		}
	} else {
		var t *topologies.Topology
		if t, warns, err = topologies.Builtin(arg); err == nil {
			summary = topologySummary(t)
		}
	}
	for _, w := range warns {
		fmt.Fprintln(errOut, w)
	}
	if err != nil {
		var l *diag.List
		if errors.As(err, &l) {
			fmt.Fprintln(errOut, l.Error())
		} else {
			fmt.Fprintf(errOut, "%s: %v\n", arg, err)
		}
		return false
	}
	fmt.Fprintf(out, "%s: %s\n", arg, summary)
	return true
}

func topologySummary(t *topologies.Topology) string {
	if len(t.EVPNs) > 0 {
		return fmt.Sprintf("ok (%s, %s, %s, %s)", plural(len(t.Nodes), "node"), plural(len(t.Links), "link"), plural(len(t.VRFs), "VRF"), plural(len(t.EVPNs), "EVPN"))
	}
	return fmt.Sprintf("ok (%s, %s, %s)", plural(len(t.Nodes), "node"), plural(len(t.Links), "link"), plural(len(t.VRFs), "VRF"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// listBuiltins prints each built-in topology's name and description.
func listBuiltins(w io.Writer) error {
	for i, name := range topologies.BuiltinNames() {
		t, _, err := topologies.Builtin(name)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, name)
		fmt.Fprintln(w, wrap(t.Description, "    ", 76))
	}
	return nil
}

// wrap breaks text into lines of at most width characters, each after indent.
func wrap(text, indent string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, indent+line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, indent+line)
	}
	return strings.Join(lines, "\n")
}
