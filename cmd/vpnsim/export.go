package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/export"
)

func init() { commands = append(commands, newExportCmd) }

func newExportCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "export FORMAT TOPOLOGY -o DIR",
		Short: "Turn a topology into a lab of real FRR routers (containerlab) or their configurations",
		Long: `export writes the network of a topology for real router software, to run
what you studied in vpnsim on FRR routers, on one machine or several:

  containerlab  a containerlab lab: the topology file and every router's files
  frr           every router's files alone, for routers you run yourself

Both give each router the simulator's loopback, interface names and
addresses, IS-IS with the topology's metrics, LDP, iBGP VPNv4 and the VRFs.
docs/real-lab.md says how to deploy the lab, which FRR command shows what
each vpnsim show table shows, and what FRR does differently.`,
		Example: `  vpnsim export containerlab classic -o classic-lab
  vpnsim export frr my-network.yaml -o configs`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErr("export needs a format: vpnsim export containerlab TOPOLOGY -o DIR, or vpnsim export frr TOPOLOGY -o DIR (see vpnsim export --help)")
		},
	}
	c.AddCommand(newExportClabCmd(), newExportFRRCmd())
	return c
}

// routerFiles is the part of the help both formats share: what each
// router's directory holds.
const routerFiles = `  NODE/frr.conf   the router's FRR configuration (integrated, one file):
                  its interface addresses; on provider routers IS-IS (level
                  2, wide metrics, point-to-point links, the link's metric,
                  a NET made from the loopback: 10.0.0.1 is
                  49.0001.0100.0000.0001.00) and LDP (router ID and
                  transport address the loopback, explicit null when the
                  topology says php: false); iBGP VPNv4 from lo to every
                  route reflector (reflectors: clients and cluster ID), or
                  to every other PE when there is none; per VRF on a PE a
                  "router bgp ASN vrf NAME" with its RD (rd: auto is
                  LOOPBACK:n), import and export route targets, "label vpn
                  export auto", "import vpn" and "export vpn", and static
                  routes to its CEs' LANs or eBGP to its CEs; on a CE a
                  default route to its PE, or eBGP advertising its LANs
  NODE/daemons    the FRR daemons that run: zebra and staticd, bgpd on PEs,
                  route reflectors and eBGP CEs, isisd and ldpd on provider
                  routers
  NODE/setup.sh   what FRR does not configure: the loopback address (a CE's
                  LANs on lo, so it answers for every address in them), the
                  VRF devices (ip link add A type vrf table 1001) and their
                  interfaces, MPLS input on lo and the core interfaces,
                  net.mpls.platform_labels and, for ttl-propagation: pipe,
                  net.mpls.ip_ttl_propagate=0`

// outputHelp ends every format's help: how DIR is written.
const outputHelp = `DIR must be new or empty. Beside the files, DIR gets .vpnsim-export, the list
of what the export wrote: --force replaces an earlier export's files and
never touches anything else (a directory without that list is refused, and
so is a file of yours where the export would write one). Into a new or empty
DIR the files are written all or none (into a new directory beside DIR,
renamed at the end). The same topology always gives the same bytes.`

func newExportClabCmd() *cobra.Command {
	var out string
	var force bool
	opts := export.Options{Image: export.DefaultImage, Tag: export.DefaultTag}
	c := &cobra.Command{
		Use:     "containerlab TOPOLOGY -o DIR",
		Aliases: []string{"clab"},
		Short:   "Write a containerlab lab of FRR routers that runs TOPOLOGY for real",
		Long: `containerlab writes a lab that runs TOPOLOGY (a file, or a built-in's name)
on real FRR routers with containerlab (https://containerlab.dev): one
container per router, wired the way the simulator wires them.

DIR receives:
  NAME.clab.yml   the containerlab topology: one node of kind linux per
                  router, running the image --image:--image-tag with its
                  frr.conf and daemons bound into /etc/frr, its setup.sh
                  commands as exec and its sysctls; one link per topology
                  link, between the simulator's interface names
                  ("PE1:eth1"). A CE's exec also removes the default route
                  containerlab's management network gives it.
` + routerFiles + `

Deploy on a Linux host with Docker and containerlab:
  sudo modprobe mpls_router mpls_iptunnel mpls_gso
  sudo containerlab deploy -t DIR/NAME.clab.yml
  docker exec -it clab-NAME-PE1 vtysh -c 'show bgp ipv4 vpn'
docs/real-lab.md covers several hosts, the kernel settings, and which FRR
command shows what each vpnsim show table shows.

` + outputHelp,
		Example: `  vpnsim export containerlab classic -o classic-lab
  sudo containerlab deploy -t classic-lab/classic.clab.yml

  # FRR from quay.io, another version
  vpnsim export containerlab my-network.yaml -o lab --image quay.io/frrouting/frr --image-tag 8.4.1

  # write again over an earlier export
  vpnsim export containerlab ring -o ring-lab --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, args[0], out, force, opts, true)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "the directory `DIR` to write the lab into (required)")
	c.Flags().BoolVar(&force, "force", false, "replace an earlier export in DIR (only the files it wrote; nothing else is touched)")
	c.Flags().StringVar(&opts.Image, "image", opts.Image, "the FRR container `IMAGE`, without its tag")
	c.Flags().StringVar(&opts.Tag, "image-tag", opts.Tag, "the FRR image's `TAG` (the configurations are written for FRR 8.4)")
	return c
}

func newExportFRRCmd() *cobra.Command {
	var out string
	var force bool
	c := &cobra.Command{
		Use:   "frr TOPOLOGY -o DIR",
		Short: "Write the FRR configuration of every router of TOPOLOGY",
		Long: `frr writes, for every router of TOPOLOGY (a file, or a built-in's name), the
files to run it as an FRR 8.4 router on Linux, without containerlab: on
virtual machines, network namespaces or hardware of your own. Interface
names are the simulator's (eth1, eth2, ...): name your interfaces so, or
edit the files.

DIR receives a directory per router:
` + routerFiles + `

On each router, as root: sh setup.sh once its interfaces exist and before
FRR starts; then copy frr.conf and daemons to /etc/frr and start FRR.

` + outputHelp,
		Example: `  vpnsim export frr classic -o classic-configs
  vpnsim export frr my-network.yaml -o configs --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, args[0], out, force, export.Options{}, false)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "the directory `DIR` to write the configurations into (required)")
	c.Flags().BoolVar(&force, "force", false, "replace an earlier export in DIR (only the files it wrote; nothing else is touched)")
	return c
}

// runExport writes the export of the topology arg into dir and says what
// it wrote.
func runExport(cmd *cobra.Command, arg, dir string, force bool, opts export.Options, clab bool) error {
	if dir == "" {
		return usageErr("%s needs -o DIR, the directory to write into", cmd.CommandPath())
	}
	t, err := openTopology(arg)
	if err != nil {
		return err
	}
	write := export.FRR
	if clab {
		write = export.Containerlab
	}
	files, err := write(t, opts)
	if err != nil {
		return inputErr(err)
	}
	if err := files.Write(dir, force); err != nil {
		if errors.Is(err, export.ErrNotEmpty) {
			return usageErr("%s is not empty: choose a new directory, or add --force to replace an earlier export written there", dir)
		}
		if errors.Is(err, export.ErrNotOurs) {
			return usageErr("cannot write %v", err)
		}
		return usageErr("cannot write %s: %v", dir, err)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "wrote %d files to %s: frr.conf, daemons and setup.sh for each of %d routers", len(files), dir, len(t.Nodes))
	if clab {
		fmt.Fprintf(w, ", and %s\n", export.ClabFile(t))
		fmt.Fprintf(w, "deploy: sudo modprobe mpls_router mpls_iptunnel mpls_gso && sudo containerlab deploy -t %s/%s\n", dir, export.ClabFile(t))
	} else {
		fmt.Fprintln(w)
	}
	if len(t.ExternalPeers) > 0 {
		var names []string
		for _, p := range t.ExternalPeers {
			names = append(names, fmt.Sprintf("%s (peer of %s)", p.Name, p.PeerOf))
		}
		what := "the external peer"
		if len(names) > 1 {
			what += "s"
		}
		fmt.Fprintf(w, "not exported: %s %s, outside the model (a real router connects to vpnsim there); a comment in the frr.conf it peers with says so\n", what, strings.Join(names, ", "))
	}
	fmt.Fprintln(w, "what each vpnsim show table is in FRR, and what FRR does differently: docs/real-lab.md")
	return nil
}
