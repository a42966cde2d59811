// Package console is a router console on a running network: log in to any
// router and type what you would type on a Cisco IOS one. Commands take
// IOS abbreviations, `?` lists what may come next, Tab completes a word,
// and a mistake is answered as IOS answers it ("% Invalid input detected
// at '^' marker." with the marker under the word). Tables print in IOS's
// layout from the same typed tables as `vpnsim show` (package render).
// The console asks the network only through network.Network, so it runs
// on a network in this process or behind `vpnsim serve` alike; the line
// editing is the caller's (cmd/vpnsim/console.go).
package console

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/network"
)

// Modes of the command line.
const (
	modeExec   = "exec"
	modeConfig = "config"
	modeIf     = "config-if"
	modeVRF    = "config-vrf"
)

// Console is one user's session.
type Console struct {
	net   network.Network
	out   io.Writer
	nodes []network.Node
	// stack holds the routers logged in to: connect pushes, exit pops.
	stack []string
	mode  string
	iface string // config-if: the interface
	vrf   string // config-vrf: the VRF
	// shut are the interfaces this console shut down ("NODE IF"): IOS
	// shows them "administratively down"; the network only knows the
	// link is down.
	shut map[string]bool
	// Settle bounds each reconvergence after a change.
	Settle time.Duration
	trees  map[string]*cmd
}

// New logs in to router first of network n; output goes to out.
func New(n network.Network, first string, out io.Writer) (*Console, error) {
	c := &Console{net: n, out: out, nodes: n.Nodes(), mode: modeExec, shut: map[string]bool{}, Settle: 2 * time.Minute}
	if !c.isNode(first) {
		return nil, fmt.Errorf("no router %q; the routers are %s", first, strings.Join(c.names(), ", "))
	}
	c.stack = []string{first}
	c.trees = map[string]*cmd{modeExec: execTree(), modeConfig: configTree(), modeIf: ifTree(), modeVRF: vrfTree()}
	return c, nil
}

func (c *Console) isNode(name string) bool {
	return slices.ContainsFunc(c.nodes, func(n network.Node) bool { return n.Name == name })
}

func (c *Console) names() []string {
	var out []string
	for _, n := range c.nodes {
		out = append(out, n.Name)
	}
	return out
}

// Node is the router the console is logged in to.
func (c *Console) Node() string { return c.stack[len(c.stack)-1] }

// Done reports whether the user has logged out of the first router.
func (c *Console) Done() bool { return len(c.stack) == 0 }

// Prompt is the prompt IOS shows in the current mode: PE1#,
// PE1(config)#, PE1(config-if)#, PE1(config-vrf)#.
func (c *Console) Prompt() string {
	if c.Done() {
		return ""
	}
	if c.mode == modeExec {
		return c.Node() + "#"
	}
	return c.Node() + "(" + c.mode + ")#"
}

// Exec runs one line and prints its answer.
func (c *Console) Exec(line string) {
	if c.Done() || strings.TrimSpace(line) == "" {
		return
	}
	if strings.HasSuffix(line, "?") {
		io.WriteString(c.out, c.Help(strings.TrimSuffix(line, "?")))
		return
	}
	root := c.trees[c.mode]
	cm, a, err := parse(root, line)
	if err != nil {
		c.parseError(line, err.(*parseError))
		return
	}
	if err := cm.run(c, a); err != nil {
		fmt.Fprintf(c.out, "%% %s\n", err)
	}
}

func (c *Console) parseError(line string, e *parseError) {
	switch e.kind {
	case "ambiguous":
		fmt.Fprintf(c.out, "%% Ambiguous command:  \"%s\"\n", e.text)
	case "incomplete":
		fmt.Fprintf(c.out, "%% Incomplete command.\n\n")
	default:
		fmt.Fprintf(c.out, "%s^\n%% Invalid input detected at '^' marker.\n\n", strings.Repeat(" ", len(c.Prompt())+e.pos))
	}
}

// Help is what `?` prints after line in the current mode.
func (c *Console) Help(line string) string { return help(c, c.trees[c.mode], line) }

// Complete finishes the word at the end of line (Tab); ok is false when no
// single word fits.
func (c *Console) Complete(line string) (string, bool) { return complete(c, c.trees[c.mode], line) }

// ctx is the bound of one reconvergence.
func (c *Console) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.Settle)
}

// vrfNames are the VRFs of the current router.
func (c *Console) vrfNames() []string {
	t, err := c.net.Table(c.Node(), "vrfs", "")
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range t.VRFs {
		out = append(out, v.Name)
	}
	return out
}

// ifNames are the interfaces of the current router.
func (c *Console) ifNames() []string {
	t, err := c.net.Table(c.Node(), "interfaces", "")
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range t.Interfaces {
		if r.Interface != "lo" {
			out = append(out, r.Interface)
		}
	}
	return out
}
