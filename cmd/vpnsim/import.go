package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/graphml"
)

func init() { commands = append(commands, newImportCmd) }

func newImportCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "import FORMAT FILE",
		Short: "Make a topology file from a real network's map (Internet Topology Zoo GraphML)",
		Long: `import turns a network drawn in another format into a vpnsim topology file.
One format so far: zoo, the GraphML of the Internet Topology Zoo, real
provider backbones (see vpnsim import zoo --help).`,
		Example: `  vpnsim import zoo Abilene.graphml -o abilene.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErr("import needs a format: vpnsim import zoo FILE.graphml (see vpnsim import zoo --help)")
		},
	}
	c.AddCommand(newImportZooCmd())
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
