package export

import (
	"fmt"
	"strings"

	"github.com/vpnsim/vpnsim/topologies"
)

// kernel is what a router needs from the Linux kernel that FRR does not
// configure itself.
type kernel struct {
	// sysctls are settings of the router's network namespace, sorted by
	// name. containerlab makes them when it creates the container, before
	// FRR starts: zebra must find MPLS labels available.
	sysctls [][2]string
	// cmds run once the router's interfaces exist: loopback and LAN
	// addresses, VRF devices and their interfaces, MPLS input on lo and
	// on every core interface.
	cmds []string
}

// kernel returns the router's kernel settings.
func (r *router) kernel() kernel {
	// ICMP errors come from the address of the interface the packet
	// arrived on, as in the simulator (Linux's default is the way back).
	k := kernel{sysctls: [][2]string{{"net.ipv4.icmp_errors_use_inbound_ifaddr", "1"}, {"net.ipv4.ip_forward", "1"}}}
	if r.n.Role == topologies.RoleCE {
		for _, lan := range r.n.LANs {
			k.cmds = append(k.cmds, fmt.Sprintf("ip addr replace %s dev lo", lanAddr(lan)))
		}
		for _, i := range r.attachments() {
			k.cmds = append(k.cmds, vlanCmds(i)...)
		}
		return k
	}
	if r.t.Provider.TTLPropagation.Pipes() {
		// Linux has one switch for all traffic: pipe-forwarded runs as
		// pipe (the setup summary says so)
		k.sysctls = append(k.sysctls, [2]string{"net.mpls.ip_ttl_propagate", "0"})
	}
	k.sysctls = append(k.sysctls, [2]string{"net.mpls.platform_labels", platformLabels})
	k.cmds = append(k.cmds, fmt.Sprintf("ip addr replace %s/32 dev lo", r.n.Loopback))
	for _, v := range r.vrfs() {
		k.cmds = append(k.cmds,
			fmt.Sprintf("ip link add %s type vrf table %d", v.Name, table(v)),
			fmt.Sprintf("ip link set %s up", v.Name))
	}
	for _, i := range r.attachments() {
		k.cmds = append(k.cmds, vlanCmds(i)...)
		k.cmds = append(k.cmds, fmt.Sprintf("ip link set %s master %s", ifName(i), i.Link.VRF))
	}
	// lo takes labelled packets too: a router that pops explicit null (or
	// any label above the bottom of the stack) sends what is left back to
	// itself through lo.
	k.cmds = append(k.cmds, "sysctl -w net.mpls.conf.lo.input=1")
	for _, i := range r.core() {
		k.cmds = append(k.cmds, fmt.Sprintf("sysctl -w net.mpls.conf.%s.input=1", i.Name))
	}
	return k
}

// vlanCmds create an attachment's 802.1Q subinterface (none without a VLAN).
func vlanCmds(i *topologies.Interface) []string {
	if i.Link.VLAN == 0 {
		return nil
	}
	return []string{
		fmt.Sprintf("ip link add link %s name %s type vlan id %d", i.Name, ifName(i), i.Link.VLAN),
		fmt.Sprintf("ip link set %s up", ifName(i)),
	}
}

// setupScript returns the router's setup.sh: the kernel settings as a
// script to run as root on a router of one's own.
func (r *router) setupScript() []byte {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# %s\n", r.title())
	b.WriteString("# The kernel settings FRR does not make. containerlab makes the same (the\n")
	b.WriteString("# node's sysctls and exec); elsewhere run this as root once the interfaces\n")
	b.WriteString("# exist and before FRR starts.\n")
	if r.n.IsProvider() {
		b.WriteString("# The kernel needs MPLS: modprobe mpls_router mpls_iptunnel mpls_gso.\n")
	}
	b.WriteString("set -e\n")
	k := r.kernel()
	for _, s := range k.sysctls {
		fmt.Fprintf(&b, "sysctl -w %s=%s\n", s[0], s[1])
	}
	for _, c := range k.cmds {
		b.WriteString(c + "\n")
	}
	return []byte(b.String())
}
