package main

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/render"
)

func init() { commands = append(commands, newPingCmd) }

type probeFlags struct {
	vrf, source string
	ttl, max    int
	size        int
	df          bool
	walk        bool
	pcap        string
	server      string
	settle      time.Duration
}

func (f *probeFlags) options() (network.ProbeOptions, error) {
	o := network.ProbeOptions{VRF: f.vrf, TTL: f.ttl, MaxHops: f.max, Size: f.size, DF: f.df}
	if f.size != 0 && (f.size < 28 || f.size > 65535) {
		return o, usageErr("--size %d: give 28 to 65535 bytes (the whole IP packet, as IOS's ping size counts)", f.size)
	}
	if f.source != "" {
		a, err := parseAddr(f.source)
		if err != nil {
			return o, err
		}
		o.Source = a
	}
	if f.ttl < 0 || f.ttl > 255 {
		return o, usageErr("--ttl must be 1 to 255, not %d", f.ttl)
	}
	if f.max < 0 || f.max > 255 {
		return o, usageErr("--max-hops must be 1 to 255, not %d", f.max)
	}
	return o, nil
}

func newPingCmd() *cobra.Command {
	var f probeFlags
	c := &cobra.Command{
		Use:   "ping TOPOLOGY FROM TO",
		Short: "Send one ICMP echo request across the simulated network",
		Long: `ping starts the network of TOPOLOGY (a file or a built-in name), waits until
it has converged, and sends one ICMP echo request from node FROM to address TO.

From a CE the packet follows the CE's own routes; from a PE it uses the
global table unless --vrf names one of its VRFs; from a P or RR router the
global table. It prints what came back and from which node: with customers
using the same addresses, the node tells you whose site answered.`,
		Example: `  vpnsim ping classic A1 10.1.2.1          # reaches A2, never B2
  vpnsim ping classic B1 10.1.2.1          # same address, B's site answers
  vpnsim ping classic PE1 10.1.2.1 --vrf A # from the PE, inside VRF A
  vpnsim ping classic A1 10.1.2.1 --walk   # every hop's headers`,
		Args: probeArgs(&f),
		RunE: func(cmd *cobra.Command, args []string) error {
			return ping(args, &f, cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&f.vrf, "vrf", "", "send from `VRF`, one of the PE's VRFs")
	c.Flags().StringVar(&f.server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give FROM TO only)")
	c.Flags().StringVar(&f.source, "source", "", "source `ADDRESS` (default: the node's own, see the topology spec)")
	c.Flags().IntVar(&f.ttl, "ttl", 64, "initial IP TTL")
	sizeFlags(c, &f)
	c.Flags().BoolVar(&f.walk, "walk", false, "print the packet walk: every frame on every link, every decision")
	c.Flags().StringVar(&f.pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().DurationVar(&f.settle, "settle", 0, settleHelp)
	c.AddCommand(newLSPCmd(false))
	return c
}

// probeArgs accepts TOPOLOGY FROM TO, or FROM TO with --server.
func probeArgs(f *probeFlags) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if f.server != "" {
			if len(args) != 2 {
				return usageErr("with --server give FROM TO (the server already runs a topology), not %d arguments", len(args))
			}
			return nil
		}
		if len(args) != 3 {
			return usageErr("give TOPOLOGY FROM TO (a topology file or built-in name, a node, an address), not %d arguments", len(args))
		}
		return nil
	}
}

func printPing(out io.Writer, from string, r network.PingResult) error {
	switch r.Result {
	case network.Reply:
		fmt.Fprintf(out, "reply from %s (%s): time %.1f ms\n", r.ReplyAddr, r.ReplyFrom, float64(r.RTT)/float64(time.Millisecond))
		return nil
	case network.Lost:
		fmt.Fprintf(out, "no answer: %s\n", strings.TrimPrefix(r.Outcome(from), "lost: "))
	case network.Unreachable:
		what := render.UnreachMarker(r.Code)
		if r.Code == packet.UnreachFrag {
			what += fmt.Sprintf(" fragmentation needed, next-hop MTU %d", r.NextHopMTU)
		}
		fmt.Fprintf(out, "%s (%s) from %s (%s): time %.1f ms\n", r.Result, what, r.ReplyAddr, r.ReplyFrom, float64(r.RTT)/float64(time.Millisecond))
	default:
		fmt.Fprintf(out, "%s from %s (%s): time %.1f ms\n", r.Result, r.ReplyAddr, r.ReplyFrom, float64(r.RTT)/float64(time.Millisecond))
	}
	return failed()
}

// ping sends one echo request (with its walk and capture when asked) and
// prints what came back.
func ping(args []string, f *probeFlags, out io.Writer) error {
	var r network.PingResult
	var from string
	err := probe(args, f, out, func(n network.Network, src string, dst netip.Addr, o network.ProbeOptions) (err error) {
		from = src
		r, err = n.Ping(src, dst, o)
		return err
	})
	if err != nil {
		return err
	}
	return printPing(out, from, r)
}

// sizeFlags are the probe size flags ping, trace and traceroute share.
func sizeFlags(c *cobra.Command, f *probeFlags) {
	c.Flags().IntVar(&f.size, "size", 0, "the echo request's size in `BYTES`, IP header included (default 60); links carry their mtu (1500 unless the topology says)")
	c.Flags().BoolVar(&f.df, "df", false, "set Don't Fragment: a packet too big for a link comes back as fragmentation needed (!F) instead of in fragments")
}

// newLSPCmd is ping mpls and traceroute mpls: LSP ping and traceroute
// (RFC 8029) for an LDP FEC.
func newLSPCmd(trace bool) *cobra.Command {
	var f probeFlags
	use, short := "ping", "LSP ping (RFC 8029): check the LSP of an LDP FEC end to end"
	if trace {
		use, short = "traceroute", "LSP traceroute (RFC 8029): every LSR of an LDP FEC's LSP checks it"
	}
	c := &cobra.Command{
		Use:   "mpls TOPOLOGY NODE FEC",
		Short: short,
		Long: use + ` mpls sends MPLS echo requests (UDP 3503 to 127.0.0.1 with Router Alert,
a Target FEC Stack TLV naming the LDP FEC) from provider router NODE down
the LSP it holds for FEC (a provider loopback, A.B.C.D/32). Where the
request's label TTL runs out, or where it leaves the LSP, the LSR checks
the FEC against its own label tables and answers with a return code:

  !  3   replying router is an egress for the FEC
  R  8   label switched (a transit LSR: traceroute goes on)
  F  4   no mapping for the FEC (the request left the LSP too early)
  f  10  the label received is this router's label for another FEC
  N  11  no label entry for the label received

ping sends one request with label TTL 255; traceroute one per TTL 1, 2, ...
until an answer other than 8. Wireshark decodes the requests (--pcap).`,
		Example: "  vpnsim " + use + " mpls classic PE1 10.0.0.4/32\n  vpnsim " + use + " mpls --server 127.0.0.1:8179 PE1 10.0.0.4/32",
		Args:    probeArgs(&f),
		RunE: func(cmd *cobra.Command, args []string) error {
			fec := args[len(args)-1]
			p, err := netip.ParsePrefix(fec)
			if err != nil {
				if a, aerr := netip.ParseAddr(fec); aerr == nil {
					p = netip.PrefixFrom(a, 32)
				}
			}
			if !p.IsValid() || !p.Addr().Is4() || p.Bits() != 32 {
				return usageErr("FEC %q: give an LDP FEC, a provider loopback such as 10.0.0.4/32", fec)
			}
			args[len(args)-1] = p.Addr().String()
			out := cmd.OutOrStdout()
			f.max = 30
			if !trace {
				var r network.PingResult
				err := probe(args, &f, out, func(n network.Network, from string, dst netip.Addr, o network.ProbeOptions) (err error) {
					o.MPLS = true
					r, err = n.Ping(from, dst, o)
					return err
				})
				if err != nil {
					return err
				}
				if r.Result != network.Reply {
					fmt.Fprintf(out, "no answer: %s\n", strings.TrimPrefix(r.Outcome(args[len(args)-2]), "lost: "))
					return failed()
				}
				fmt.Fprintf(out, "%c reply from %s (%s): return code %d, %s, time %.1f ms\n", packet.ReturnCodeMark(r.ReturnCode), r.ReplyAddr,
					r.ReplyFrom, r.ReturnCode, packet.ReturnCodeName(r.ReturnCode), float64(r.RTT)/float64(time.Millisecond))
				if r.ReturnCode != packet.RCEgress {
					return failed()
				}
				return nil
			}
			var tr network.TraceResult
			err = probe(args, &f, out, func(n network.Network, from string, dst netip.Addr, o network.ProbeOptions) (err error) {
				o.MPLS = true
				tr, err = n.Traceroute(from, dst, o)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Tracing MPLS Label Switched Path to %s\n", p)
			return printHops(out, tr, render.LSPHopLine)
		},
	}
	c.Flags().StringVar(&f.server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give NODE FEC only)")
	c.Flags().StringVar(&f.pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().BoolVar(&f.walk, "walk", false, "print the packet walk: every frame on every link, every decision")
	c.Flags().DurationVar(&f.settle, "settle", 0, settleHelp)
	return c
}
