package main

import (
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

func init() { commands = append(commands, newShowCmd) }

func newShowCmd() *cobra.Command {
	var vrfName, format, server string
	var settle time.Duration
	c := &cobra.Command{
		Use:   "show TOPOLOGY NODE TABLE",
		Short: "Print one router's table the way its console would",
		Long: `show starts the network of TOPOLOGY, waits until it has converged, and prints
one table of NODE as network engineers read it:

  routes      the IP routing table (global, or a VRF's with --vrf)
  vpnv4       every VPNv4 path the node's BGP holds, grouped by route distinguisher
  lfib        the label forwarding table (like show mpls forwarding-table)
  ldp         LDP bindings: the local label and every neighbour's, per FEC
  ldp-neighbors  LDP sessions: each neighbour's LDP ID, the links it is found on, its addresses
  bgp         BGP sessions and their state
  vrfs        the node's VRFs: RD, import and export route targets, interfaces
  interfaces  interfaces, addresses, neighbours, link state and metrics`,
		Example: `  vpnsim show classic P1 lfib
  vpnsim show classic PE1 routes --vrf A
  vpnsim show classic RR1 vpnv4
  vpnsim show classic PE2 vpnv4 --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if server != "" && len(args) != 2 {
				return usageErr("with --server give NODE TABLE (the server already runs a topology)")
			}
			if server == "" && len(args) != 3 {
				return usageErr("give TOPOLOGY NODE TABLE, e.g. vpnsim show classic P1 lfib")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErr("--format %q: choose text or json", format)
			}
			topo := ""
			if server == "" {
				topo, args = args[0], args[1:]
			}
			if !slices.Contains(network.Tables, args[1]) {
				return usageErr("no table %q: choose one of %s", args[1], strings.Join(network.Tables, ", "))
			}
			t, err := openTarget(server, topo, settle)
			if err != nil {
				return err
			}
			defer t.close()
			if err := t.checkNode(args[0]); err != nil {
				return err
			}
			tbl, err := t.net.Table(args[0], args[1], vrfName)
			if err != nil {
				return remoteErr(err)
			}
			if format == "json" {
				return render.JSON(cmd.OutOrStdout(), tbl)
			}
			return render.Text(cmd.OutOrStdout(), tbl)
		},
	}
	c.Flags().StringVar(&vrfName, "vrf", "", "for routes: the `VRF` whose table to print")
	c.Flags().StringVar(&server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give NODE TABLE only)")
	c.Flags().StringVar(&format, "format", "text", "`FORMAT`: text (as a router prints it) or json (one object per row)")
	c.Flags().DurationVar(&settle, "settle", 0, settleHelp)
	return c
}
