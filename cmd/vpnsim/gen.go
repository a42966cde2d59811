package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/gen"
)

func init() { commands = append(commands, newGenCmd) }

func newGenCmd() *cobra.Command {
	o := gen.DefaultSyntheticOptions()
	var out string
	c := &cobra.Command{
		Use:   "gen",
		Short: "Generate a synthetic provider network of any size",
		Long: `gen writes a topology file for a made-up provider network of the size you
ask for: a small one to read, or a large one to load-test the simulator.

What it makes:
  - a core of --p P routers (P1, P2, ...) in a ring, plus one chord for every
    four routers between routers picked by --seed; every core link has a
    metric from 10 to 100, also picked by --seed, so paths are not all equal;
  - --pe PEs (PE1, ...) and --rr route reflectors (RR1, ...), each hanging
    off one P router, spread evenly round the ring;
  - --vrfs customers (VRFs A, B, C, ...; RD and route target 65000:n), each
    on --vrf-pes PEs (fewer when there are fewer PEs or sites), the next
    customer on the next PEs, with --sites sites (CEs A1, A2, ...) spread
    over its PEs and --prefixes LANs per site. Site s of every customer uses
    10.s.1.0/24, 10.s.2.0/24, ...: the customers use the same addresses, as
    real ones do;
  - loopbacks are 10.255.x.y; link subnets are left to the loader (provider
    links from 100.64.0.0/16, CE links from 100.96.0.0/11).

The same options always give the same bytes; another --seed gives other
chords and metrics. Even 100,000 prefixes take a few milliseconds to make.
Exit status 2 for options that make no sense; the message says which.`,
		Example: `  # the defaults: 10 P, 4 PEs, 1 RR, customers A and B with 3 sites each
  vpnsim gen -o small.yaml
  vpnsim ping small.yaml A1 10.2.1.1     # reaches A2, never B2 (same LAN)

  # 1,000 P routers, 20 PEs, 2 RRs, 200 customers on 3 PEs each,
  # 5 sites of 100 prefixes: 100,000 customer prefixes
  vpnsim gen --p 1000 --pe 20 --rr 2 --vrfs 200 --vrf-pes 3 --sites 5 --prefixes 100 -o big.yaml

  # a bare core with no customers, to study the IGP and LDP
  vpnsim gen --p 50 --pe 0 --rr 0 --vrfs 0 -o core.yaml
  vpnsim show core.yaml P1 ldp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			stop := progress(cmd.ErrOrStderr(), fmt.Sprintf("generating %d P routers, %d PEs and %d customer prefixes...", o.P, o.PEs, o.VRFs*o.Sites*o.Prefixes))
			y, err := gen.Synthetic(o)
			stop()
			if err != nil {
				return usageErr("%v", err)
			}
			return output(cmd, out, y)
		},
	}
	f := c.Flags()
	f.StringVarP(&out, "output", "o", "", "write the topology to `FILE` (whole or not at all) instead of standard output")
	f.IntVar(&o.P, "p", o.P, "P routers in the core, 1 to 10000")
	f.IntVar(&o.PEs, "pe", o.PEs, "provider edge routers, 0 to 1000")
	f.IntVar(&o.RRs, "rr", o.RRs, "route reflectors, 0 to 100 (0: the PEs peer in a full mesh)")
	f.IntVar(&o.VRFs, "vrfs", o.VRFs, "customers, one VRF each")
	f.IntVar(&o.VRFPEs, "vrf-pes", o.VRFPEs, "PEs each customer is on")
	f.IntVar(&o.Sites, "sites", o.Sites, "sites (CEs) per customer, 1 to 254")
	f.IntVar(&o.Prefixes, "prefixes", o.Prefixes, "LAN prefixes per site, 0 to 255")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the chords and metrics of the core")
	return c
}
