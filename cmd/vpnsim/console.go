package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vpnsim/vpnsim/console"
)

func init() { commands = append(commands, newConsoleCmd) }

func newConsoleCmd() *cobra.Command {
	var server string
	var settle time.Duration
	c := &cobra.Command{
		Use:   "console TOPOLOGY [ROUTER]",
		Short: "Log in to a router of the running network and type IOS commands",
		Long: `console starts the network of TOPOLOGY (or, with --server, joins the one
vpnsim serve runs) and gives you the command line of one of its routers,
as on a Cisco IOS router: the prompt is PE1#, commands take IOS
abbreviations (sh ip ro), ? lists what may come next, Tab completes a
word, the arrow keys recall earlier lines. ROUTER is the first PE when
not given.

  show ip route [vrf NAME]                  show ip vrf [detail]
  show ip interface brief                   show mpls forwarding-table [detail]
  show mpls ldp bindings                    show mpls ldp neighbor
  show bgp vpnv4 unicast all [summary | PREFIX]
  show bgp vpnv4 unicast vrf NAME [summary] show ip bgp vpnv4 vrf NAME
  ping [vrf NAME] ADDRESS [repeat N] [source ADDRESS]
  traceroute [vrf NAME] ADDRESS
  configure terminal, interface NAME, shutdown, no shutdown, end, exit
  connect ROUTER (or ssh ROUTER) to log in to another router; exit to
  come back; exit on the first router ends the console.

A shutdown takes the interface's link down and returns once the network
has converged again, with the LDP and BGP neighbours that went down.
Lines can also come from a pipe or a file, one command per line:
  printf 'sh ip route vrf A\nping vrf A 10.1.2.1\n' | vpnsim console classic PE1

docs/console.md lists the commands and where the tables differ from IOS.`,
		Example: `  vpnsim console classic            # log in to PE1 of classic
  vpnsim console classic P1
  vpnsim console --server 127.0.0.1:8179 PE2`,
		Args: func(cmd *cobra.Command, args []string) error {
			max := 2
			if server != "" {
				max = 1
			}
			if len(args) > max || server == "" && len(args) == 0 {
				if server != "" {
					return usageErr("with --server give at most ROUTER, not %d arguments", len(args))
				}
				return usageErr("give TOPOLOGY [ROUTER], e.g. vpnsim console classic PE1")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			topo := ""
			if server == "" {
				topo, args = args[0], args[1:]
			}
			t, err := openTarget(server, topo, settle)
			if err != nil {
				return err
			}
			defer t.close()
			first := ""
			if len(args) > 0 {
				first = args[0]
				if err := t.checkNode(first); err != nil {
					return err
				}
			} else {
				for _, n := range t.net.Nodes() {
					if n.Role == "pe" {
						first = n.Name
						break
					}
				}
				if first == "" {
					first = t.net.Nodes()[0].Name
				}
			}
			return runConsole(t, first, cmd.InOrStdin(), cmd.OutOrStdout(), settle)
		},
	}
	c.Flags().StringVar(&server, "server", "", "join a running vpnsim serve at `ADDRESS:PORT` (then give ROUTER only)")
	c.Flags().DurationVar(&settle, "settle", 0, settleHelp)
	return c
}

// runConsole runs a console on in and out: with line editing when both
// are one terminal, else one command per input line, each echoed after
// its prompt.
func runConsole(t *target, first string, in io.Reader, out io.Writer, settle time.Duration) error {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if o, ok := out.(*os.File); ok && term.IsTerminal(int(o.Fd())) {
			return interactive(t, first, f, o, settle)
		}
	}
	c, err := console.New(t.net, first, out)
	if err != nil {
		return usageErr("%v", err)
	}
	if settle > 0 {
		c.Settle = settle
	}
	sc := bufio.NewScanner(in)
	for !c.Done() && sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fmt.Fprintln(out, c.Prompt()+line)
		c.Exec(line)
	}
	return sc.Err()
}

// interactive is the console on a terminal: raw mode, with history (the
// arrow keys), Tab completion and ? help as keys are typed.
func interactive(t *target, first string, in, out *os.File, settle time.Duration) error {
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return err
	}
	defer term.Restore(int(in.Fd()), state)
	tm := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "")
	c, err := console.New(t.net, first, tm)
	if err != nil {
		return usageErr("%v", err)
	}
	if settle > 0 {
		c.Settle = settle
	}
	tm.AutoCompleteCallback = func(line string, pos int, key rune) (string, int, bool) {
		switch key {
		case '\t':
			if nl, ok := c.Complete(line[:pos]); ok {
				return nl + line[pos:], len(nl), true
			}
			return line, pos, true
		case '?':
			// IOS answers ? at once, then shows the line again as typed.
			fmt.Fprintf(tm, "%s?\n%s", c.Prompt()+line, c.Help(line[:pos]))
			return line, pos, true
		case 26: // Ctrl-Z: back to EXEC mode, as IOS does
			typed := c.Prompt() + line
			c.Exec("end")
			tm.SetPrompt(c.Prompt())
			fmt.Fprintf(tm, "%s^Z\n", typed)
			return "", 0, true
		}
		return "", 0, false
	}
	fmt.Fprintf(tm, "\nvpnsim console: you are on %s. Type ? for help, exit to leave.\n\n", first)
	for !c.Done() {
		tm.SetPrompt(c.Prompt())
		line, err := tm.ReadLine()
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(tm)
			return nil
		}
		if err != nil {
			return err
		}
		c.Exec(line)
	}
	return nil
}
