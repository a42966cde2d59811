package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/confimport"
	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/topologies"
)

func init() { commands = append(commands, newImportCmd) }

func newImportCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "import FORMAT FILE...",
		Short: "Make a topology file from real router configurations (FRR, IOS) or a backbone map (Zoo)",
		Long: `import turns a network described in another format into a vpnsim topology file:

  frr  FRR integrated configurations (frr.conf), one per router
  ios  Cisco IOS / IOS-XE running-configs, one per router
  zoo  the GraphML of the Internet Topology Zoo, real provider backbones`,
		Example: `  vpnsim import frr configs/ -o network.yaml
  vpnsim import ios pe1.cfg pe2.cfg p1.cfg ce1.cfg ce2.cfg -o network.yaml
  vpnsim import zoo Abilene.graphml -o abilene.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErr("import needs a format: vpnsim import frr|ios DIR|FILE... or vpnsim import zoo FILE.graphml (see vpnsim import --help)")
		},
	}
	c.AddCommand(newImportZooCmd(), newImportConfCmd(confimport.FRR), newImportConfCmd(confimport.IOS))
	return c
}

func newImportZooCmd() *cobra.Command {
	o := gen.DefaultZooOptions()
	var out string
	c := &cobra.Command{
		Use:   "zoo FILE.graphml",
		Short: "Turn an Internet Topology Zoo backbone into a provider network with customers",
		Long: `zoo reads a backbone from the Internet Topology Zoo (GraphML, as the Zoo
publishes it) and writes a topology file: the real core as P routers, plus
the PEs, route reflectors and customers you ask for. Validate, show, ping and
run scenarios on it like on any topology. The Zoo's GraphML files are at
http://www.topology-zoo.org/dataset.html.

What it makes:
  - every node of the graph's largest connected part is a P router named
    after its label (New York becomes New_York; a repeated label gets -2,
    -3, ...; the original label stays in the node's description);
  - every edge is a link whose IGP metric is its great-circle length in km,
    so shortest paths are the short way round the map (metric 100 where a
    node has no position); parallel edges are merged, self loops dropped,
    and the parts of a graph that is not connected are dropped with a warning;
  - --pes PEs (PE1, PE2, ...), each hanging off its own core node: the ones
    --attach names, or nodes picked by --seed; --rrs route reflectors the same;
  - --vrfs customers (VRFs A, B, C, ...; RD and route target 65000:n), each
    with --sites sites (CEs A1, A2, ...) spread over the PEs, each site with
    --prefixes LANs. Site s of every customer uses 10.s.1.0/24, 10.s.2.0/24,
    ...: the customers use the same addresses, so the file shows that VRFs
    keep them apart.
  - loopbacks are 10.255.x.y, link subnets are left to the loader.

The file starts with a comment that cites the Zoo and its licence (CC BY
4.0): keep it when you share the file. The same file and options always
give the same bytes. Warnings (what was dropped or made up) go to standard
error. Exit status 2 for a file that is not GraphML or options that make no
sense; the message says which.`,
		Example: `  vpnsim import zoo Abilene.graphml -o abilene.yaml
  vpnsim ping abilene.yaml A1 10.2.1.1     # A1 to A2 across the US backbone
  vpnsim graph abilene.yaml | dot -Tsvg -o abilene.svg

  # three PEs on chosen cities, three customers of three sites each
  vpnsim import zoo Abilene.graphml --attach New_York,Chicago,Seattle --vrfs 3 --sites 3 -o abilene.yaml

  # the largest backbone, 16 PEs, 2 route reflectors, 50 customers
  vpnsim import zoo Kdl.graphml --pes 16 --rrs 2 --vrfs 50 --sites 4 -o kdl.yaml

  # another placement of the PEs
  vpnsim import zoo Geant2012.graphml --seed 7`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("import zoo needs one GraphML file, e.g. vpnsim import zoo Abilene.graphml (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			o.Source = file
			if cmd.Flags().Changed("attach") && !cmd.Flags().Changed("pes") {
				o.PEs = len(o.Attach)
			}
			stop := progress(cmd.ErrOrStderr(), "importing "+file+"...")
			y, err := importZoo(cmd.ErrOrStderr(), file, o)
			stop()
			if err != nil {
				return err
			}
			return output(cmd, out, y)
		},
	}
	f := c.Flags()
	f.StringVarP(&out, "output", "o", "", "write the topology to `FILE` (whole or not at all) instead of standard output")
	f.IntVar(&o.PEs, "pes", o.PEs, "provider edge routers, each on its own core node (with --attach: as many as it names)")
	f.StringSliceVar(&o.Attach, "attach", nil, "core nodes the PEs attach to, one per PE, by name or Zoo label, e.g. New_York,Chicago (default: picked by --seed)")
	f.IntVar(&o.RRs, "rrs", o.RRs, "route reflectors (0: the PEs peer in a full mesh)")
	f.IntVar(&o.VRFs, "vrfs", o.VRFs, "customers, one VRF each")
	f.IntVar(&o.Sites, "sites", o.Sites, "sites (CEs) per customer, 1 to 254")
	f.IntVar(&o.Prefixes, "prefixes", o.Prefixes, "LAN prefixes per site, 0 to 255")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the choices the options leave open (where the PEs and RRs attach)")
	return c
}

// importZoo reads a GraphML file and imports it, printing the warnings.
func importZoo(errOut io.Writer, file string, o gen.ZooOptions) ([]byte, error) {
	r, err := os.Open(file)
	if err != nil {
		return nil, usageErr("%s: cannot read it: %v", file, pathErr(err))
	}
	defer r.Close()
	g, err := graphml.Read(file, r)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	y, warns, err := gen.Zoo(g, o)
	for _, w := range warns {
		fmt.Fprintln(errOut, w)
	}
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return y, nil
}

// pathErr is the reason inside a file system error, without the path the
// message already names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// output writes a generated topology to standard output, or to the file
// path (whole or not at all) and says so on standard error.
func output(cmd *cobra.Command, path string, y []byte) error {
	if path == "" {
		_, err := cmd.OutOrStdout().Write(y)
		return err
	}
	if err := writeFile(path, func(w io.Writer) error {
		_, err := w.Write(y)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s; check it with: vpnsim validate %s\n", path, path)
	return nil
}

// progress prints msg on w if the work takes more than a second; call the
// function it returns when the work is done.
func progress(w io.Writer, msg string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-done:
		case <-time.After(time.Second):
			fmt.Fprintln(w, msg)
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// importConfLong is the --help of import frr and import ios; %s is the
// dialect's description, %s its example.
const importConfLong = `%s reads one configuration per router (%s)
and writes the network they make as a vpnsim topology, to standard output
or -o FILE. A DIR argument means every configuration under it (%s).
docs/import.md has the whole table of what is read.

What it infers:
  - roles: a router with interfaces in VRFs is a PE; one with
    route-reflector-client neighbours and no VRF interfaces an RR; one
    with MPLS/LDP and neither a P; one without MPLS a CE;
  - links: two interfaces of different routers in the same /30 or /31;
    the IS-IS metric or OSPF cost of the interfaces (for OSPF without a
    cost, the reference bandwidth over the interface's bandwidth, as IOS
    derives it); LDP off on a link where an end does not run it;
  - loopbacks: the /32 on the loopback interface (else the router-id);
    a CE's LANs: its addresses not on a link, and its BGP networks, that
    the network can reach (a PE's static route toward the CE, or the CE's
    BGP advertisement);
  - VRFs: rd, route targets (import, export, both), import and export
    maps over prefix lists; a VRF defined differently on some PE becomes
    VRF NAME--PE there (the customer stays NAME); RDs that differ per PE
    become rd: auto;
  - attachments: eBGP when the PE has a neighbour at the CE's address in
    the VRF (as-override, allowas-in, soo, local-preference and metric
    from its route map), static otherwise; static VRF routes to a CE's
    address or to null0;
  - provider: the AS of the PEs' router bgp; explicit null; TTL
    propagation; the label allocation mode; label ranges.

A line the model has no place for is printed as FILE:LINE: ignored: LINE
(standard error). A line that would change what the network does and
cannot be represented is an error with its place: exit status 2, nothing
written.`

func newImportConfCmd(f confimport.Format) *cobra.Command {
	var out, name string
	what := map[confimport.Format][3]string{
		confimport.FRR: {"frr", "FRR's integrated frr.conf", "files named\nfrr.conf or *.conf"},
		confimport.IOS: {"ios", "IOS/IOS-XE running-config", "files named\n*.cfg, *.conf, *.txt, *.ios or without an extension"},
	}[f]
	short := map[confimport.Format]string{
		confimport.FRR: "Turn FRR router configurations (frr.conf) into a topology",
		confimport.IOS: "Turn Cisco IOS/IOS-XE running-configs into a topology",
	}[f]
	example := map[confimport.Format]string{
		confimport.FRR: `  vpnsim export frr classic -o classic-frr     # any FRR lab's configs will do
  vpnsim import frr classic-frr -o classic-again.yaml
  vpnsim verify classic-again.yaml`,
		confimport.IOS: `  vpnsim import ios confimport/testdata/ios/extranet-leak -o extranet.yaml
  vpnsim verify extranet.yaml --expect confimport/testdata/ios/extranet-leak.expect.yaml
  vpnsim import ios pe1.cfg pe2.cfg rr.cfg ce-a1.cfg ce-a2.cfg`,
	}[f]
	c := &cobra.Command{
		Use:     what[0] + " DIR|FILE...",
		Short:   short,
		Long:    fmt.Sprintf(importConfLong, "import "+what[0], what[1], what[2]),
		Example: example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("import %s needs the configurations: a directory or one file per router, e.g. vpnsim import %s configs/", what[0], what[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" {
				name = confimport.Name(args)
			}
			y, err := importConf(cmd.ErrOrStderr(), f, name, args)
			if err != nil {
				return err
			}
			return output(cmd, out, y)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "write the topology to `FILE` (whole or not at all) instead of standard output")
	c.Flags().StringVar(&name, "name", "", "the topology's `NAME` (default: the first argument's base name)")
	return c
}

// importConf reads configurations and returns the topology's text; the
// warnings go to errOut.
func importConf(errOut io.Writer, f confimport.Format, name string, args []string) ([]byte, error) {
	var l diag.List
	d, err := confimport.Import(f, name, args, &l)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	l.Sort()
	for _, w := range l.Diags {
		if w.Warning {
			fmt.Fprintln(errOut, confimport.Print(w))
		}
	}
	if l.HasErrors() {
		var msgs []string
		for _, e := range l.Diags {
			if !e.Warning {
				msgs = append(msgs, e.String())
			}
		}
		return nil, usageErr("%s", strings.Join(msgs, "\n"))
	}
	y := d.Encode()
	// what import writes must load: a check, not a second opinion
	if _, _, err := topologies.Parse(name+".yaml", y); err != nil {
		return nil, usageErr("the imported topology does not load (please report it with the configurations):\n%v", err)
	}
	return y, nil
}
