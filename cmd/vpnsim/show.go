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
	var vrfName, evpnName, format, server, style string
	var settle time.Duration
	c := &cobra.Command{
		Use:   "show TOPOLOGY NODE TABLE",
		Short: "Print one router's table the way its console would",
		Long: `show starts the network of TOPOLOGY, waits until it has converged, and prints
one table of NODE as network engineers read it; by default in the layout
of the Cisco IOS command named here (what vpnsim console prints too),
with --style vpnsim as one aligned table:

  routes         the IP routing table, global or a VRF's with --vrf (show ip route [vrf])
  vpnv4          every VPNv4 path the node's BGP holds, by route distinguisher
                 (show bgp vpnv4 unicast all)
  lfib           the label forwarding table (show mpls forwarding-table)
  ldp            LDP bindings: the local label and every neighbour's (show mpls ldp bindings)
  ldp-neighbors  LDP sessions: discovery sources, bound addresses (show mpls ldp neighbor)
  bgp            BGP sessions and their state (the neighbour lines of show bgp summary)
  vrfs           VRFs: RD, route targets, interfaces (show ip vrf)
  interfaces     interfaces, addresses, state (show ip interface brief)
  arp            the ARP cache: own addresses and the neighbours learned (show ip arp)
  evpn           a PE's EVPN instances: type, RD, route targets, labels, attachments, remote PEs
  mac            a PE's EVPN MAC tables (--evpn for one): local on an attachment, or behind a PE
  bgp-evpn       every EVPN route the node's BGP holds, by type (show bgp l2vpn evpn)
The EVPN tables print as one aligned table in every style.`,
		Example: `  vpnsim show classic P1 lfib
  vpnsim show classic P1 lfib --style vpnsim
  vpnsim show classic PE1 routes --vrf A
  vpnsim show classic RR1 vpnv4
  vpnsim show classic PE2 vpnv4 --format json
  vpnsim show wide-area-ethernet PE1 mac --evpn X`,
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
			if style != "ios" && style != "frr" && style != "vpnsim" {
				return usageErr("--style %q: choose ios (as a Cisco IOS router prints it), frr (as FRR's vtysh does) or vpnsim (one aligned table)", style)
			}
			topo := ""
			if server == "" {
				topo, args = args[0], args[1:]
			}
			if !slices.Contains(network.Tables, args[1]) {
				return usageErr("no table %q: choose one of %s", args[1], strings.Join(network.Tables, ", "))
			}
			if evpnName != "" {
				if args[1] != "mac" {
					return usageErr("--evpn goes with the mac table only")
				}
				vrfName = evpnName
			}
			t, err := openTarget(server, topo, settle)
			if err != nil {
				return err
			}
			defer t.close()
			if err := t.checkNode(args[0]); err != nil {
				return err
			}
			if format == "text" && style == "frr" {
				if err := render.FRR(cmd.OutOrStdout(), t.net, args[0], args[1], vrfName); err != nil {
					return remoteErr(err)
				}
				return nil
			}
			if format == "text" && style == "ios" {
				if err := render.IOS(cmd.OutOrStdout(), t.net, args[0], args[1], vrfName, render.IOSOptions{}); err != nil {
					return remoteErr(err)
				}
				return nil
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
	c.Flags().StringVar(&evpnName, "evpn", "", "for mac: the `EVPN` instance whose MAC table to print (default: all)")
	c.Flags().StringVar(&server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give NODE TABLE only)")
	c.Flags().StringVar(&format, "format", "text", "`FORMAT`: text (as a router prints it) or json (one object per row)")
	c.Flags().StringVar(&style, "style", "ios", "text `STYLE`: ios (the layout of the Cisco IOS command, as the console prints it), frr (FRR 8.4 vtysh's) or vpnsim (one aligned table, with the peer each path came from)")
	c.Flags().DurationVar(&settle, "settle", 0, settleHelp)
	return c
}
