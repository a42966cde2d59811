package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/vpnsim/vpnsim/network"
)

func init() {
	commands = append(commands,
		func() *cobra.Command { return newChangeCmd("fail", "Take a link or a node of a running network down") },
		func() *cobra.Command {
			return newChangeCmd("restore", "Bring a link or a node of a running network back")
		},
		newMetricCmd)
}

func newChangeCmd(kind, short string) *cobra.Command {
	server := defaultServer
	c := &cobra.Command{
		Use:   kind + " (link A B | node X)",
		Short: short,
		Long: kind + ` acts on a network that vpnsim serve is running (--server, default
` + defaultServer + `) and returns once it has converged again: IGP, labels, BGP
sessions and VPN routes. A link is named by its two nodes, in either order.`,
		Example: fmt.Sprintf("  vpnsim %[1]s link P1 P2\n  vpnsim %[1]s node RR1 --server 127.0.0.1:9000", kind),
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 3 && args[0] == "link", len(args) == 2 && args[0] == "node":
				return nil
			}
			return usageErr("give link A B (two node names) or node X")
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ch := network.Change{Kind: kind, Node: args[len(args)-1]}
			if args[0] == "link" {
				ch = network.Change{Kind: kind, Link: [2]string{args[1], args[2]}}
			}
			if err := change(server, ch); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %v: converged\n", kind, args)
			return nil
		},
	}
	c.Flags().StringVar(&server, "server", defaultServer, "the `ADDRESS:PORT` of the running vpnsim serve")
	return c
}

func newMetricCmd() *cobra.Command {
	server := defaultServer
	c := &cobra.Command{
		Use:     "metric A B VALUE",
		Short:   "Set a provider link's IGP metric in a running network",
		Long:    `metric sets the IGP metric of the provider link between nodes A and B in a network that vpnsim serve is running, and returns once it has converged again.`,
		Example: "  vpnsim metric P1 P2 100",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 3 {
				return usageErr("give A B VALUE: two node names and a metric from 1 to 16777215")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := strconv.ParseUint(args[2], 10, 32)
			if err != nil || v < 1 || v > 16777215 {
				return usageErr("metric %q: want a number from 1 to 16777215", args[2])
			}
			if err := change(server, network.Change{Kind: network.Metric, Link: [2]string{args[0], args[1]}, Value: uint32(v)}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "metric %s–%s = %d: converged\n", args[0], args[1], v)
			return nil
		},
	}
	c.Flags().StringVar(&server, "server", defaultServer, "the `ADDRESS:PORT` of the running vpnsim serve")
	return c
}

// change applies a change to the network vpnsim serve runs at server, once
// it has converged again.
func change(server string, ch network.Change) error {
	t, err := openTarget(server, "", 0)
	if err != nil {
		return err
	}
	defer t.close()
	if err := t.net.Change(context.Background(), ch); err != nil {
		return remoteErr(err)
	}
	return nil
}
