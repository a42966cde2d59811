package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/topologies"
)

func init() { commands = append(commands, newGraphCmd) }

func newGraphCmd() *cobra.Command {
	var format string
	var path []string
	var settle time.Duration
	c := &cobra.Command{
		Use:   "graph TOPOLOGY",
		Short: "Draw a topology as SVG, a Graphviz (dot) or a Mermaid graph",
		Long: `graph writes a drawing of TOPOLOGY (a file, or a built-in's name) to standard
output, in Graphviz's dot language (the default), as SVG (drawn by vpnsim
itself: nothing else needs to be installed), or as a Mermaid flowchart.

The provider's routers sit inside a box labelled with its AS number, the
customer sites around it. The shape says the role: PE a box, P an ellipse
(a circle in Mermaid), RR a hexagon, CE a rounded box. Each VRF has its own
colour, used for its attachment links, for the CEs attached in it and, in
a legend with its RD and route targets (dot and svg). Provider links
are labelled with their IGP metric, attachment links with their VRF (and
eBGP when the CE speaks eBGP), and nodes with their loopback, AS number and
LANs.

--path FROM,TO starts the network, sends one echo request from node FROM to
address TO, and draws the links it crossed thick and amber, each labelled with
the label stack the packet carried on it (dot and svg only).

The SVG places nodes by stress majorization over hop counts (the same file
always gives the same picture); every node and link carries its name as a
tooltip and for screen readers. Render dot output with Graphviz when you want
its layout; paste Mermaid output into a Markdown file
inside a mermaid code block (GitHub draws it) or into mermaid.live.`,
		Example: `  vpnsim graph classic | dot -Tsvg -o classic.svg
  vpnsim graph classic --format svg > classic.svg
  vpnsim graph classic --format svg --path A1,10.1.2.1 > path.svg
  vpnsim graph my-lab.yaml --format mermaid > lab.mmd`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "dot" && format != "svg" && format != "mermaid" {
				return usageErr("--format must be dot, svg or mermaid, not %q", format)
			}
			if len(path) != 0 && len(path) != 2 {
				return usageErr("--path takes FROM,TO: a node and an address, e.g. --path A1,10.1.2.1")
			}
			if len(path) == 2 && format == "mermaid" {
				return usageErr("--path draws on dot or svg output, not mermaid")
			}
			t, err := openTopology(args[0])
			if err != nil {
				return err
			}
			if format == "mermaid" {
				return topologies.WriteMermaid(cmd.OutOrStdout(), t)
			}
			var hl map[*topologies.Link]string
			if len(path) == 2 {
				byIndex, err := pathOf(args[0], path[0], path[1], settle, cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				hl = map[*topologies.Link]string{}
				for i, s := range byIndex {
					hl[t.Links[i]] = s
				}
			}
			if format == "svg" {
				return topologies.WriteSVGPath(cmd.OutOrStdout(), t, hl)
			}
			return topologies.WriteDOTPath(cmd.OutOrStdout(), t, hl)
		},
	}
	c.Flags().StringVar(&format, "format", "dot", "output `FORMAT`: dot, svg or mermaid")
	c.Flags().StringSliceVar(&path, "path", nil, "highlight the path of one echo request from node FROM to address TO (`FROM,TO`)")
	c.Flags().DurationVar(&settle, "settle", 0, "with --path: "+settleHelp)
	return c
}

// pathOf sends one echo request and returns the links it crossed (by index
// in the file) with their label stacks; it also lists them on w.
func pathOf(topo, from, to string, settle time.Duration, w io.Writer) (map[int]string, error) {
	dst, err := parseAddr(to)
	if err != nil {
		return nil, err
	}
	t, err := openTarget("", topo, settle)
	if err != nil {
		return nil, err
	}
	defer t.close()
	if err := t.checkNode(from); err != nil {
		return nil, err
	}
	o := network.ProbeOptions{Walk: &network.Walk{}}
	r, err := t.net.Ping(from, dst, o)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	// the links the echo request crossed, in order, with its labels on each
	hl := map[int]string{}
	for _, s := range o.Walk.Steps {
		if s.From == "" || !isEchoRequest(s.Stack) {
			continue
		}
		var ls []mpls.Label
		for _, h := range s.Stack {
			if h.Kind == network.HeaderMPLS {
				ls = append(ls, h.Label)
			}
		}
		text := "no label"
		if len(ls) > 0 {
			text = "labels " + mpls.Join(ls)
		}
		fmt.Fprintf(w, "%-10s -> %-10s %s\n", s.From, s.To, text)
		for _, lk := range t.lab.Topo.Links {
			if lk.A.String() == s.From || lk.B.String() == s.From {
				hl[lk.Index] = text
			}
		}
	}
	fmt.Fprintf(w, "%s\n", r.Result)
	return hl, nil
}

// isEchoRequest reports whether a frame's headers end in an ICMP echo request.
func isEchoRequest(stack []network.Header) bool {
	return len(stack) > 0 && stack[len(stack)-1].Kind == network.HeaderICMP && stack[len(stack)-1].ICMPType == packet.ICMPEchoRequest
}
