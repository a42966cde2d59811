// Command vpnsim simulates a provider's MPLS IP-VPN network (RFC 4364) in
// one process. Each command lives in its own file; this one holds the root.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/internal/gctune"
)

// exitError carries an exit status through cobra: 1 for a failed check, 2
// for bad input. Its message (if any) is printed once by main.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErr reports bad input (exit status 2).
func usageErr(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

// failed reports a check that did not hold (exit status 1), already printed.
func failed() error { return &exitError{code: 1} }

var verbose, noRIBAudit, ribAudit bool

// cpuProfile is the hidden --cpuprofile flag: a profile of one run, for a
// performance report (docs/performance.md says how to read it).
var cpuProfile string

// memProfile is the hidden --memprofile flag: the live heap at its
// largest (as the collections that ran found it), for the same reports.
var memProfile string

var stopProfile = func() {}

func startProfile() error {
	if memProfile != "" {
		f, err := os.Create(memProfile)
		if err != nil {
			return usageErr("--memprofile: %v", err)
		}
		done := make(chan struct{})
		var wg sync.WaitGroup
		var peak bytes.Buffer
		wg.Go(func() { peakHeap(&peak, done) })
		stopProfile = func() {
			close(done)
			wg.Wait()
			defer f.Close()
			if _, err := f.Write(peak.Bytes()); err != nil {
				fmt.Fprintf(os.Stderr, "vpnsim: --memprofile: %v\n", err)
			}
		}
	}
	if cpuProfile == "" {
		return nil
	}
	f, err := os.Create(cpuProfile)
	if err != nil {
		return usageErr("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return usageErr("--cpuprofile: %v", err)
	}
	heap := stopProfile
	stopProfile = func() {
		pprof.StopCPUProfile()
		f.Close()
		heap()
	}
	return nil
}

// peakHeap keeps in buf the heap profile of the largest live heap a
// collection has found, checking four times a second until done.
func peakHeap(buf *bytes.Buffer, done <-chan struct{}) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var most uint64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(sample)
		if live := sample[0].Value.Uint64(); live > most+most/20 || buf.Len() == 0 {
			most = live
			buf.Reset()
			pprof.Lookup("heap").WriteTo(buf, 0)
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "vpnsim",
		Short: "Simulate an MPLS IP-VPN provider network (RFC 4364) in one process",
		Long: `vpnsim simulates a provider's MPLS IP-VPN network: CE, PE and P routers,
one VRF per customer on each PE, MPLS labels pushed, swapped and popped along
LSPs, and VPNv4 routes exchanged between PEs over real BGP sessions.

It shows, and proves, that customers with the same addresses stay apart
inside the provider's network.

A topology file (YAML, see docs/spec/topology.md) describes the network; a
scenario file (docs/spec/scenario.md) runs steps on it and checks what they
see. Built-in topologies can be named instead of a file: classic,
hub-and-spoke, extranet and more (vpnsim validate --list).`,
		Example: `  vpnsim validate --list                      # the built-in topologies and what each teaches
  vpnsim trace classic A1 10.1.2.1            # one packet hop by hop: every label stack, every decision
  vpnsim ping classic B1 10.1.2.1             # same address, other customer: B2 answers, never A2
  vpnsim traceroute classic A1 10.1.2.1       # hops with [MPLS: Labels 202/404 Exp 0]
  vpnsim show classic PE1 routes --vrf A      # a VRF's routing table
  vpnsim show classic P1 lfib                 # like show mpls forwarding-table
  vpnsim run scenarios/separation.yaml        # a scenario: steps and what each must see
  vpnsim test scenarios/                      # every scenario of a directory
  vpnsim serve classic                        # keep a network running; then ping --server, fail, restore`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "also print the BGP speakers' warnings and errors")
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `FILE` (go tool pprof -tags bin/vpnsim FILE)")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write the live heap at its largest to `FILE` (go tool pprof bin/vpnsim FILE)")
	root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return startProfile() }
	root.PersistentFlags().BoolVar(&noRIBAudit, "no-rib-audit", false, "once the network has converged, do not compare every BGP session's Adj-RIB-Out with its peer's Adj-RIB-In\n(a consistency check of the embedded BGP speakers; it runs by default on networks of up to\n20,000 VPN routes, where it costs little)")
	root.PersistentFlags().BoolVar(&ribAudit, "rib-audit", false, "run that RIB audit whatever the network's size (above 20,000 VPN routes it is left out by\ndefault: there it adds about as much time again as converging takes)")
	root.PersistentFlags().BoolVar(&progressFlag, "progress", false, "print a progress line every second while the network converges, also when standard error\nis not a terminal (on a terminal it moves in place whenever converging takes more than a second)")
	root.PersistentFlags().BoolVar(&noColor, "no-color", false, "never colour the output (also: the NO_COLOR environment variable)")
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

// commands lists the constructors of the subcommands; each command's file
// adds its own in an init function.
var commands []func() *cobra.Command

func main() {
	gctune.Start() // for the whole run; the user's GOGC or GOMEMLIMIT wins
	exitAfterCommand = true
	root := newRootCmd()
	err := root.Execute()
	stopProfile()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, ee.msg)
		}
		os.Exit(ee.code)
	}
	// Anything else reaching here is a flag or argument mistake caught by cobra.
	fmt.Fprintf(os.Stderr, "vpnsim: %v\nRun '%s --help' for usage.\n", err, root.CommandPath())
	os.Exit(2)
}
