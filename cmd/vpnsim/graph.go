package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/topologies"
)

func init() { commands = append(commands, newGraphCmd) }

func newGraphCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "graph TOPOLOGY",
		Short: "Draw a topology as a Graphviz (dot) or Mermaid graph",
		Long: `graph writes a drawing of TOPOLOGY (a file, or a built-in's name) to standard
output, in Graphviz's dot language (the default) or as a Mermaid flowchart.

The provider's routers sit inside a box labelled with its AS number, the
customer sites around it. The shape says the role: PE a box, P an ellipse
(a circle in Mermaid), RR a hexagon, CE a rounded box. Each VRF has its own
colour, used for its attachment links, for the CEs attached in it and, in
the dot output, for a legend with its RD and route targets. Provider links
are labelled with their IGP metric, attachment links with their VRF (and
eBGP when the CE speaks eBGP), and nodes with their loopback, AS number and
LANs.

Render dot output with Graphviz; paste Mermaid output into a Markdown file
inside a mermaid code block (GitHub draws it) or into mermaid.live.`,
		Example: `  vpnsim graph classic | dot -Tsvg -o classic.svg
  vpnsim graph my-lab.yaml --format mermaid > lab.mmd
  vpnsim graph hub-and-spoke | dot -Tpng -o hub.png`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write := map[string]func(w io.Writer, t *topologies.Topology) error{
				"dot":     topologies.WriteDOT,
				"mermaid": topologies.WriteMermaid,
			}[format]
			if write == nil {
				return usageErr("--format must be dot or mermaid, not %q", format)
			}
			t, err := openTopology(args[0])
			if err != nil {
				return err
			}
			return write(cmd.OutOrStdout(), t)
		},
	}
	c.Flags().StringVar(&format, "format", "dot", "output format: dot or mermaid")
	return c
}
