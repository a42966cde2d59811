package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/reach"
	"github.com/vpnsim/vpnsim/render"
)

func init() { commands = append(commands, newVerifyCmd) }

func newVerifyCmd() *cobra.Command {
	var expectFile string
	var asJSON bool
	var settle time.Duration
	c := &cobra.Command{
		Use:   "verify TOPOLOGY [--expect FILE]",
		Short: "Prove which customer sites reach which, and show every leak between customers",
		Long: `verify starts the network, lets it converge and sends an echo request from
every site to every other site (a site: a CE with LANs; its customer: the
VRF it attaches to, without the --PE suffix import gives a VRF configured
differently on some PE, or the customer the expect file's customers key
puts that VRF in). It prints:

  - a customer-by-customer matrix: how many of the ordered site pairs
    from the row's customer to the column's were reached (the echo
    request was delivered to the destination site);
  - every pair of sites: reached or not, whether the reply came back
    (both ways), and the VRF route the ingress PE forwarded by;
  - every leak: a site reaching a site of another customer, with the
    route targets of the route that its VRF imports (what let it in)
    and the packet walk as evidence.

With --expect FILE (docs/spec/expect.md: which customers may reach
which) it is a check: every difference is printed and the exit status is
1. --json prints the whole report as JSON.`,
		Example: `  vpnsim verify classic
  vpnsim import ios confimport/testdata/ios/extranet-leak -o extranet.yaml
  vpnsim verify extranet.yaml --expect confimport/testdata/ios/extranet-leak.expect.yaml
  vpnsim verify extranet.yaml --json | jq '.leaks[].allowed_by'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("verify needs one topology, e.g. vpnsim verify classic (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var exp *reach.Expect
			if expectFile != "" {
				data, err := os.ReadFile(expectFile)
				if err != nil {
					return usageErr("%s: cannot read it: %v", expectFile, pathErr(err))
				}
				if exp, err = reach.ParseExpect(expectFile, data); err != nil {
					return usageErr("%v", err)
				}
			}
			l, err := startLab(args[0], settle)
			if err != nil {
				return err
			}
			defer release(l)
			stop := progress(cmd.ErrOrStderr(), "probing every pair of sites...")
			rep, err := reach.Check(l, l.Topo, exp.Groups())
			stop()
			if err != nil {
				return err
			}
			if exp != nil {
				if err := exp.Check(rep.Customers, l.Topo.VRFNames()); err != nil {
					return usageErr("%v", err)
				}
				rep.Differences = reach.Diff(rep, exp)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printVerify(out, rep, exp != nil, useColor(out))
			}
			if len(rep.Differences) > 0 {
				return failed()
			}
			return nil
		},
	}
	c.Flags().StringVar(&expectFile, "expect", "", "check the reachability against `FILE` (which customers may reach which): exit status 1 on any difference")
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	c.Flags().DurationVar(&settle, "settle", 0, "how long converging may take (default: a bound from the network's size)")
	return c
}

// printVerify prints the report as text.
func printVerify(w io.Writer, r *reach.Report, checked, color bool) {
	fmt.Fprintf(w, "%s: %s of %s, %s probed\n\n", r.Topology, plural(len(r.Sites), "site"), plural(len(r.Customers), "customer"), plural(len(r.Pairs), "site pair"))
	rows := [][]string{append([]string{"from \\ to"}, r.Customers...)}
	for _, a := range r.Customers {
		row := []string{a}
		for _, b := range r.Customers {
			c := r.Matrix[a][b]
			switch {
			case c.Total == 0:
				row = append(row, "-")
			case c.Reached == 0:
				row = append(row, "none")
			case c.Reached == c.Total:
				row = append(row, "all "+strconv.Itoa(c.Total))
			default:
				row = append(row, fmt.Sprintf("%d/%d", c.Reached, c.Total))
			}
		}
		rows = append(rows, row)
	}
	fmt.Fprintln(w, "Customer reachability (site pairs reached):")
	render.Columns(w, rows)

	fmt.Fprintln(w, "\nSite pairs:")
	rows = [][]string{{"from", "to", "reached", "both ways", "route at ingress", "outcome"}}
	for _, p := range r.Pairs {
		route := routeText(p.Route)
		if p.EVPN != "" && p.Route == nil {
			route = "EVPN " + p.EVPN + " (bridged)"
		}
		rows = append(rows, []string{p.From, p.To, yesNo(p.Reached), yesNo(p.Both), route, p.Outcome})
	}
	render.Columns(w, rows)

	if len(r.Leaks) == 0 {
		fmt.Fprintln(w, "\nNo leaks: no site reaches a site of another customer.")
	} else {
		fmt.Fprintf(w, "\nLeaks (%d): sites reaching another customer's site\n", len(r.Leaks))
		for _, lk := range r.Leaks {
			ways := "one way: the reply does not come back"
			if lk.Both {
				ways = "both ways"
			}
			rts := "none of its route targets is imported (reached through a CE passing routes on)"
			if len(lk.AllowedBy) > 0 {
				rts = "route target " + strings.Join(lk.AllowedBy, ", ") + " imported by VRF " + lk.Route.VRF + " on " + lk.Route.PE
			}
			if lk.Expected {
				ways += " (the expect file allows it)"
			}
			fmt.Fprintf(w, "\n%s (%s) reaches %s (%s), %s\n  route: %s\n  allowed by: %s\n  walk:\n", lk.From, lk.FromCustomer, lk.To, lk.ToCustomer, ways, routeText(lk.Route), rts)
			var b strings.Builder
			render.Walk(&b, lk.Walk, color)
			for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
				fmt.Fprintln(w, "    "+line)
			}
		}
	}
	if checked {
		if len(r.Differences) == 0 {
			fmt.Fprintln(w, "\nAs expected: the reachability matches the expect file.")
		} else {
			fmt.Fprintf(w, "\n%d difference(s) from the expect file:\n", len(r.Differences))
			for _, d := range r.Differences {
				fmt.Fprintln(w, "  "+d)
			}
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// routeText says a VRF route in one phrase.
func routeText(r *reach.Route) string {
	if r == nil {
		return "none"
	}
	s := fmt.Sprintf("%s VRF %s %s %s", r.PE, r.VRF, r.Prefix, r.Proto)
	if r.From != "" {
		s += " from " + r.From
	}
	if len(r.RTs) > 0 {
		s += " RT " + strings.Join(r.RTs, ",")
	}
	return s
}
