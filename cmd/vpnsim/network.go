package main

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

// target is the network a command acts on: a topology started in this
// process, or the network `vpnsim serve` runs (--server). Commands ask it
// questions through network.Network only; lab is set for what only a
// network in this process can do (a capture).
type target struct {
	net  network.Network
	lab  *lab.Lab
	name string // the topology's file or name, for messages
}

// openTarget starts the topology arg, or with server joins the network
// served there.
func openTarget(server, arg string, settle time.Duration) (*target, error) {
	if server != "" {
		c, err := serverClient(server)
		if err != nil {
			return nil, err
		}
		r, err := api.Dial(c)
		if err != nil {
			return nil, remoteErr(err)
		}
		return &target{net: r, name: r.Name}, nil
	}
	l, err := startLab(arg, settle)
	if err != nil {
		return nil, err
	}
	return &target{net: l, lab: l, name: l.Topo.File}, nil
}

// close lets go of a network started here (see release).
func (t *target) close() {
	if t.lab != nil {
		release(t.lab)
	}
}

// checkNode makes sure a node named on the command line exists.
func (t *target) checkNode(name string) error {
	var names []string
	for _, n := range t.net.Nodes() {
		names = append(names, n.Name)
	}
	if !slices.Contains(names, name) {
		return usageErr("%s has no node %q; its nodes are %v", t.name, name, names)
	}
	return nil
}

// probe runs a probe command (ping, trace, traceroute): args are TOPOLOGY
// FROM TO, or FROM TO with --server. It opens the network, captures
// (--pcap) and records the walk (--walk) around do, and prints the walk.
func probe(args []string, f *probeFlags, out io.Writer, do func(n network.Network, from string, dst netip.Addr, o network.ProbeOptions) error) error {
	topo := ""
	if f.server == "" {
		topo, args = args[0], args[1:]
	} else if f.pcap != "" {
		return usageErr("--pcap writes the frames of a network in this process: leave out --server")
	}
	o, err := f.options()
	if err != nil {
		return err
	}
	dst, err := parseAddr(args[1])
	if err != nil {
		return err
	}
	t, err := openTarget(f.server, topo, f.settle)
	if err != nil {
		return err
	}
	defer t.close()
	if err := t.checkNode(args[0]); err != nil {
		return err
	}
	if t.lab != nil {
		if _, err := t.lab.Source(args[0], f.vrf); err != nil {
			return usageErr("%v", err)
		}
	}
	finish, err := startCapture(t.lab, f.pcap)
	if err != nil {
		return err
	}
	if f.walk {
		o.Walk = &network.Walk{}
	}
	err = do(t.net, args[0], dst, o)
	if ferr := finish(); ferr != nil {
		return ferr
	}
	if err != nil {
		return remoteErr(err)
	}
	if o.Walk != nil {
		render.Walk(out, o.Walk, useColor(out))
		fmt.Fprintln(out)
	}
	return nil
}
