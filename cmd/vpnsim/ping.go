package main

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/lab"
)

func init() { commands = append(commands, newPingCmd) }

type probeFlags struct {
	vrf, source string
	ttl, max    int
	walk        bool
	pcap        string
	server      string
	settle      time.Duration
}

func (f *probeFlags) options() (lab.ProbeOptions, error) {
	o := lab.ProbeOptions{VRF: f.vrf, TTL: f.ttl, MaxHops: f.max}
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

// probeStart loads the topology and checks the probe's endpoints.
func probeStart(args []string, f *probeFlags) (*lab.Lab, lab.ProbeOptions, error) {
	o, err := f.options()
	if err != nil {
		return nil, o, err
	}
	if _, err := parseAddr(args[2]); err != nil {
		return nil, o, err
	}
	l, err := startLab(args[0], f.settle)
	if err != nil {
		return nil, o, err
	}
	if err := checkNode(l, args[1]); err != nil {
		release(l)
		return nil, o, err
	}
	if _, err := l.Source(args[1], f.vrf); err != nil {
		release(l)
		return nil, o, usageErr("%v", err)
	}
	return l, o, nil
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
			out := cmd.OutOrStdout()
			if f.server != "" {
				return pingRemote(args, &f, out)
			}
			return pingLocal(args, &f, out)
		},
	}
	c.Flags().StringVar(&f.vrf, "vrf", "", "send from `VRF`, one of the PE's VRFs")
	c.Flags().StringVar(&f.server, "server", "", "act on a running vpnsim serve at `ADDRESS:PORT` (then give FROM TO only)")
	c.Flags().StringVar(&f.source, "source", "", "source `ADDRESS` (default: the node's own, see the topology spec)")
	c.Flags().IntVar(&f.ttl, "ttl", 64, "initial IP TTL")
	c.Flags().BoolVar(&f.walk, "walk", false, "print the packet walk: every frame on every link, every decision")
	c.Flags().StringVar(&f.pcap, "pcap", "", "write every frame on every link to `FILE`, a pcapng capture (Wireshark reads it)")
	c.Flags().DurationVar(&f.settle, "settle", 0, settleHelp)
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

// remoteProbe builds the API request of a probe command run with --server.
func remoteProbe(args []string, f *probeFlags) (*api.Client, api.ProbeRequest, error) {
	c, err := serverClient(f.server)
	if err != nil {
		return nil, api.ProbeRequest{}, err
	}
	if _, err := parseAddr(args[1]); err != nil {
		return nil, api.ProbeRequest{}, err
	}
	if _, err := f.options(); err != nil {
		return nil, api.ProbeRequest{}, err
	}
	return c, api.ProbeRequest{From: args[0], To: args[1], VRF: f.vrf, Source: f.source, TTL: f.ttl, MaxHops: f.max}, nil
}

func printPing(out io.Writer, from string, r lab.PingResult) error {
	switch r.Result {
	case lab.Reply:
		fmt.Fprintf(out, "reply from %s (%s): time %.1f ms\n", r.ReplyAddr, r.ReplyFrom, float64(r.RTT)/float64(time.Millisecond))
		return nil
	case lab.Lost:
		fmt.Fprintf(out, "no answer: %s\n", strings.TrimPrefix(r.Outcome(from), "lost: "))
	default:
		fmt.Fprintf(out, "%s from %s (%s): time %.1f ms\n", r.Result, r.ReplyAddr, r.ReplyFrom, float64(r.RTT)/float64(time.Millisecond))
	}
	return failed()
}

// localProbe runs a probe command in this process: it starts the network,
// captures (--pcap) and draws the packet walk (--walk) around do, and
// reports do's error as bad input.
func localProbe(args []string, f *probeFlags, out io.Writer, do func(*lab.Lab, netip.Addr, lab.ProbeOptions) error) error {
	l, o, err := probeStart(args, f)
	if err != nil {
		return err
	}
	defer release(l)
	dst, _ := parseAddr(args[2])
	finish, err := startCapture(l, f.pcap)
	if err != nil {
		return err
	}
	w := &lab.Walk{}
	stop := func() {}
	if f.walk {
		stop = l.Watch(w, true)
	}
	err = do(l, dst, o)
	stop()
	if ferr := finish(); ferr != nil {
		return ferr
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if f.walk {
		w.Render(out, useColor(out))
		fmt.Fprintln(out)
	}
	return nil
}

// pingRemote sends one echo request in the network a vpnsim serve runs
// (with its walk when asked) and prints what came back.
func pingRemote(args []string, f *probeFlags, out io.Writer) error {
	if f.pcap != "" {
		return usageErr("--pcap writes the frames of a network in this process: leave out --server")
	}
	c, req, err := remoteProbe(args, f)
	if err != nil {
		return err
	}
	req.Walk = f.walk
	r, err := c.Ping(req)
	if err != nil {
		return remoteErr(err)
	}
	if f.walk {
		api.LabWalk(r.Walk).Render(out, useColor(out))
		fmt.Fprintln(out)
	}
	return printPing(out, args[0], r.Lab())
}

// pingLocal sends one echo request in this process (with its walk and
// capture when asked) and prints what came back.
func pingLocal(args []string, f *probeFlags, out io.Writer) error {
	var r lab.PingResult
	err := localProbe(args, f, out, func(l *lab.Lab, dst netip.Addr, o lab.ProbeOptions) (err error) {
		r, err = l.Ping(args[1], dst, o)
		return err
	})
	if err != nil {
		return err
	}
	return printPing(out, args[1], r)
}
