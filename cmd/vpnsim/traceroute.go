package main

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/spf13/cobra"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

func init() { commands = append(commands, newTracerouteCmd) }

func newTracerouteCmd() *cobra.Command {
	var f probeFlags
	c := &cobra.Command{
		Use:   "traceroute TOPOLOGY FROM TO",
		Short: "Trace the path to an address, with each hop's MPLS label stack",
		Long: `traceroute sends ICMP echo requests with TTL 1, 2, 3, ... from node FROM to
address TO until the destination answers, and prints one line per hop the way
routers do. A P router whose label TTL expires reports the label stack it
received (RFC 4950) and, having no route back to a customer, sends its answer
on down the same LSP to the far PE, which returns it: so its round-trip time
includes the rest of the path.

With ttl-propagation: pipe the core is hidden: only the PEs and the far site
answer.`,
		Example: `  vpnsim traceroute classic A1 10.1.2.1
  vpnsim traceroute pipe A1 10.1.2.1        # the core disappears
  vpnsim traceroute classic PE1 10.0.0.4    # an LSP in the global table`,
		Args: probeArgs(&f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.max == 0 {
				f.max = 30
			}
			out := cmd.OutOrStdout()
			var tr network.TraceResult
			var from string
			var to netip.Addr
			err := probe(args, &f, out, func(n network.Network, src string, dst netip.Addr, o network.ProbeOptions) (err error) {
				from, to = src, dst
				tr, err = n.Traceroute(src, dst, o)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "traceroute to %s from %s, %d hops max\n", to, from, f.max)
			return printHops(out, tr, render.HopLine)
		},
	}
	c.Flags().StringVar(&f.vrf, "vrf", "", "send from `VRF`, one of the PE's VRFs")
	c.Flags().StringVar(&f.server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give FROM TO only)")
	c.Flags().StringVar(&f.source, "source", "", "source `ADDRESS` (default: the node's own)")
	c.Flags().IntVar(&f.max, "max-hops", 30, "the largest TTL to try")
	sizeFlags(c, &f)
	c.Flags().StringVar(&f.pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().DurationVar(&f.settle, "settle", 0, settleHelp)
	c.AddCommand(newLSPCmd(true))
	return c
}

// printHops prints a traceroute's hops, one line each; a destination not
// reached is a failed check (exit status 1).
func printHops(out io.Writer, tr network.TraceResult, line func(network.Hop) string) error {
	for _, h := range tr.Hops {
		fmt.Fprintln(out, line(h))
	}
	if !tr.Reached {
		return failed()
	}
	return nil
}
