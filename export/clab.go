package export

import (
	"bytes"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/topologies"
)

// The containerlab topology file, as much of it as a lab needs.
type clabFile struct {
	Name     string       `yaml:"name"`
	Topology clabTopology `yaml:"topology"`
}

type clabTopology struct {
	Nodes map[string]clabNode `yaml:"nodes"` // written sorted by name
	Links []clabLink          `yaml:"links"`
}

type clabNode struct {
	Kind    string            `yaml:"kind"`
	Image   string            `yaml:"image"`
	Binds   []string          `yaml:"binds"`
	Sysctls map[string]string `yaml:"sysctls,omitempty"`
	Exec    []string          `yaml:"exec,omitempty"`
}

type clabLink struct {
	Endpoints []string `yaml:"endpoints,flow"`
}

// delMgmtDefault is the last exec command of every CE: containerlab gives
// each container a default route through its management interface eth0,
// which would win over the CE's static default toward its PE (the kernel's
// route has distance 0) and lead customer traffic out of the lab.
const delMgmtDefault = "ip route del default dev eth0"

// clab returns the containerlab topology of t: one linux node per router
// running the FRR image with its frr.conf and daemons bound in, its kernel
// settings as sysctls and exec commands, and one link per topology link
// between the simulator's interface names.
func clab(t *topologies.Topology, opts Options) ([]byte, error) {
	f := clabFile{Name: t.Name, Topology: clabTopology{Nodes: map[string]clabNode{}}}
	for _, n := range t.Nodes {
		if !exported(n) {
			continue
		}
		k := newRouter(t, n).kernel()
		node := clabNode{
			Kind:  "linux",
			Image: opts.image(),
			Binds: []string{
				n.Name + "/" + Daemons + ":/etc/frr/" + Daemons,
				n.Name + "/" + FRRConf + ":/etc/frr/" + FRRConf,
			},
			Sysctls: map[string]string{},
			Exec:    k.cmds,
		}
		for _, s := range k.sysctls {
			node.Sysctls[s[0]] = s[1]
		}
		if n.Role == topologies.RoleCE {
			node.Exec = append(node.Exec, delMgmtDefault)
		}
		f.Topology.Nodes[n.Name] = node
	}
	for _, l := range t.Links {
		if l.IsEVPN() {
			continue // FRR 8.4 runs EVPN over VXLAN only (docs/real-lab.md)
		}
		f.Topology.Links = append(f.Topology.Links, clabLink{Endpoints: []string{l.A.String(), l.B.String()}})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: the topology %s as a containerlab lab of FRR routers, written by vpnsim export.\n", ClabFile(t), t.Name)
	if t.Description != "" {
		fmt.Fprintf(&b, "# %s\n", comment(strings.TrimSpace(t.Description)))
	}
	b.WriteString("#\n")
	b.WriteString("# The host needs the kernel's MPLS modules first:\n")
	b.WriteString("#   sudo modprobe mpls_router mpls_iptunnel mpls_gso\n")
	fmt.Fprintf(&b, "#   sudo containerlab deploy -t %s\n", ClabFile(t))
	b.WriteString("# Every router's files are in its own directory: frr.conf, daemons, and\n")
	b.WriteString("# setup.sh with the commands its exec runs. A CE's last command removes\n")
	b.WriteString("# the management network's default route, so its traffic goes to its PE.\n")
	b.WriteString("# See docs/real-lab.md for what each vpnsim show table is in FRR.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("writing %s: %v", ClabFile(t), err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %v", ClabFile(t), err)
	}
	return b.Bytes(), nil
}
