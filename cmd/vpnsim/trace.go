package main

import (
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newTraceCmd) }

func newTraceCmd() *cobra.Command {
	var f probeFlags
	c := &cobra.Command{
		Use:   "trace TOPOLOGY FROM TO",
		Short: "Walk one packet hop by hop: every header stack, every decision",
		Long: `trace sends one ICMP echo request from node FROM to address TO and prints its
packet walk, taken from the real frames: for every link it crosses, the time,
the two interfaces and the frame's headers drawn as boxes, outermost first,
for example

  [Eth][MPLS 202 TTL 63][MPLS 404 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo]

and under it what the next node decided and why, in one line, such as
"P1: swap 202 -> 302 toward P2 (LDP, FEC 10.0.0.4/32)". The reply walks back the
same way. A dropped packet says where and why.

Colour on a terminal; plain when piped or with --no-color.`,
		Example: `  vpnsim trace classic A1 10.1.2.1
  vpnsim trace explicit-null B1 10.1.2.1
  vpnsim trace classic A1 10.2.2.1      # no route in VRF A: PE1 answers unreachable
  vpnsim trace --server 127.0.0.1:8179 A1 10.1.2.1   # in the network vpnsim serve runs`,
		Args: probeArgs(&f),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.walk = true
			return ping(args, &f, cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&f.vrf, "vrf", "", "send from `VRF`, one of the PE's VRFs")
	c.Flags().StringVar(&f.server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give FROM TO only)")
	c.Flags().StringVar(&f.source, "source", "", "source `ADDRESS` (default: the node's own)")
	c.Flags().IntVar(&f.ttl, "ttl", 64, "initial IP TTL")
	sizeFlags(c, &f)
	c.Flags().StringVar(&f.pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().DurationVar(&f.settle, "settle", 0, settleHelp)
	return c
}
