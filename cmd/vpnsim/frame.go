package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

func init() { commands = append(commands, newFrameCmd) }

func newFrameCmd() *cobra.Command {
	var server, ethertype, pcap string
	var size int
	var settle time.Duration
	c := &cobra.Command{
		Use:   "frame TOPOLOGY HOST TO",
		Short: "Send one Ethernet frame from a customer's host and walk it: what wide-area Ethernet carries",
		Long: `frame sends one Ethernet frame from HOST, a CE, out of its link, and prints
its walk as trace does: every copy on every link, every bridge's decision.
TO is a MAC (02:00:00:07:00:01), broadcast, or a node's name (its MAC on
the link from HOST, else its first interface's).

The frame is not IP: by default ethertype 0x88b5, IEEE 802's local
experimental one. An EVPN E-LAN (RFC 7432) carries it whole to the host
that has its MAC, or floods it to every site; an IP-VPN attachment drops it
(not-ip), since an IP-VPN carries IP only: the difference between the
provider's two closed-network services.`,
		Example: `  vpnsim frame wide-area-ethernet X1 broadcast
  vpnsim frame wide-area-ethernet X1 X2 --ethertype 0x88b5
  vpnsim frame wide-area-ethernet Y1 PE1      # into the IP-VPN: dropped at PE1, not-ip
  vpnsim frame --server 127.0.0.1:8179 X1 X3`,
		Args: func(cmd *cobra.Command, args []string) error {
			if server != "" && len(args) != 2 {
				return usageErr("with --server give HOST TO (the server already runs a topology)")
			}
			if server == "" && len(args) != 3 {
				return usageErr("give TOPOLOGY HOST TO, e.g. vpnsim frame wide-area-ethernet X1 broadcast")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			topo := ""
			if server == "" {
				topo, args = args[0], args[1:]
			} else if pcap != "" {
				return usageErr("--pcap writes the frames of a network in this process: leave out --server")
			}
			et, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(ethertype), "0x"), 16, 16)
			if err != nil || et < 0x0600 {
				return usageErr("--ethertype %q: give a hexadecimal ethertype of 0x0600 or more, such as 0x88b5", ethertype)
			}
			t, err := openTarget(server, topo, settle)
			if err != nil {
				return err
			}
			defer t.close()
			if err := t.checkNode(args[0]); err != nil {
				return err
			}
			finish, err := startCapture(t.lab, pcap)
			if err != nil {
				return err
			}
			w := &network.Walk{}
			r, err := t.net.SendFrame(args[0], network.FrameOptions{To: args[1], EtherType: uint16(et), Size: size, Walk: w})
			if ferr := finish(); ferr != nil {
				return ferr
			}
			if err != nil {
				return remoteErr(err)
			}
			out := cmd.OutOrStdout()
			render.Walk(out, w, useColor(out))
			fmt.Fprintln(out)
			return printFrame(out, r)
		},
	}
	c.Flags().StringVar(&ethertype, "ethertype", "0x88b5", "the frame's `ETHERTYPE`, in hexadecimal (not IPv4, ARP or MPLS, which the network sends itself)")
	c.Flags().IntVar(&size, "size", 0, "the payload's size in `BYTES` (default 46, the least Ethernet carries)")
	c.Flags().StringVar(&server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give HOST TO only)")
	c.Flags().StringVar(&pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().DurationVar(&settle, "settle", 0, settleHelp)
	return c
}

// printFrame says where the frame went; exit status 1 when no host took it.
func printFrame(out io.Writer, r network.FrameResult) error {
	if r.Result == network.Delivered {
		fmt.Fprintf(out, "delivered to %s\n", strings.Join(r.DeliveredTo, ", "))
		return nil
	}
	if r.DroppedAt != "" {
		fmt.Fprintf(out, "no host took it: dropped at %s (%s)\n", r.DroppedAt, r.Reason)
	} else {
		fmt.Fprintln(out, "no host took it")
	}
	return failed()
}
