package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"os/exec"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/scenarios"
)

func init() { commands = append(commands, newWebCmd) }

func newWebCmd() *cobra.Command {
	var listen string
	var settle time.Duration
	var wo webOptions
	c := &cobra.Command{
		Use:   "web TOPOLOGY",
		Short: "Run a network and draw it in a web page: packets walked hop by hop, tables on a click",
		Long: `web starts the network of TOPOLOGY, as serve does, and serves a web page
that draws it: the provider core, PEs, route reflectors and CEs, each VRF in
its colour, every link's metric and state. Open the address it prints in a
browser (nothing is fetched from the internet: the page is in the binary).

  - Packet walk: pick a source node and a destination address (or, with
    --scenario, one of the scenario's ping and traceroute steps); the packet
    crosses the drawing link by link, with its header stack as boxes,
    outermost first, exactly as on the wire (labels, S bit, TTLs,
    addresses), and each router's one-line decision. Step forward and back,
    play and pause; the reply walks back; a drop shows where and why.
  - Click a node: its tables, the rows vpnsim show prints; its console.
  - Click a link: it fails (click again: it comes back). The page lists the
    events as the network converges and walks the packet again on its new
    path. Fail or restore a node from its pane.

Changes need the token printed at start: the address printed with
#token=... opens the page able to change the network; the address without
it only watches (no change, no console). The other commands change the
network with the token in VPNSIM_TOKEN:

  VPNSIM_TOKEN=TOKEN vpnsim fail --server 127.0.0.1:8179 link P1 P2

Positions come from the nodes' position keys, from the Zoo's coordinates
for an imported backbone, or from the layout vpnsim graph draws; zoom with
the wheel, pan by dragging.
A walk's frames download as pcapng (for Wireshark) from the walk's pane.

The page listens on loopback (` + defaultServer + `). For a class, --listen
0.0.0.0:8179 lets the students' browsers watch from the room's network:
vpnsim warns, since anyone who can reach the address sees the network (but
cannot change it without the token). Everything else is serve's: the
control API (docs/control-api.md) answers on the same address, and the
other commands act on the network with --server.`,
		Example: `  vpnsim web classic
  vpnsim web classic --open                   # and open it in the browser
  vpnsim web classic --scenario scenarios/separation.yaml   # its steps as walks
  vpnsim web my-lab.yaml --listen 127.0.0.1:9000
  vpnsim web classic --listen 0.0.0.0:8179    # students watch from their laptops`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serveNetwork(cmd, args[0], listen, settle, true, wo)
		},
	}
	c.Flags().StringVar(&listen, "listen", defaultServer, "the page's and control API's `ADDRESS:PORT` (beyond loopback: a warning)")
	c.Flags().BoolVar(&wo.open, "open", false, "open the page in this machine's browser (xdg-open or open)")
	c.Flags().StringVar(&wo.scenario, "scenario", "", "offer the ping and traceroute steps of scenario `FILE` as ready-made walks")
	c.Flags().DurationVar(&settle, "settle", 0, "how long to wait for the network to converge, at start and after each change\n(default: 30s, plus 1s for every 1000 customer routes)")
	return c
}

// newToken returns the token a web server wants for changes: 128 random
// bits in hex.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// printWeb prints where the page is, with and without the token, and warns
// when the address is reachable beyond this machine. It returns the page's
// address with the token, for this machine's browser.
func printWeb(out, errw io.Writer, addr string, loopback bool, token string) string {
	mine := addr
	if ap, err := netip.ParseAddrPort(addr); err == nil && ap.Addr().IsUnspecified() {
		// every address of this machine: the teacher's browser uses loopback
		mine = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), ap.Port()).String()
		addr = "THIS-MACHINE:" + strconv.Itoa(int(ap.Port()))
	}
	fmt.Fprintf(out, "web page on http://%s/#token=%s (open it here: it can change the network)\n", mine, token)
	fmt.Fprintf(out, "watch-only page on http://%s/ (changes need the token %s)\n", addr, token)
	if !loopback {
		fmt.Fprintf(errw, "warning: listening on %s, beyond loopback: anyone who can reach it sees the network and its tables; only the token's holder can change it\n", addr)
	}
	return "http://" + mine + "/#token=" + token
}

// openBrowser opens url with the desktop's opener (xdg-open on Linux and
// BSD, open on macOS), or says why it cannot; the address is printed
// anyway. done is closed when the opener has finished (at once when
// there is none).
func openBrowser(errw io.Writer, url string) (done <-chan struct{}) {
	ch := make(chan struct{})
	for _, opener := range []string{"xdg-open", "open"} {
		if path, err := exec.LookPath(opener); err == nil {
			c := exec.Command(path, url)
			if err := c.Start(); err != nil {
				fmt.Fprintf(errw, "--open: %s: %v; open the address above by hand\n", opener, err)
				close(ch)
				return ch
			}
			go func() { c.Wait(); close(ch) }()
			return ch
		}
	}
	fmt.Fprintln(errw, "--open: no xdg-open or open here; open the address above by hand")
	close(ch)
	return ch
}

// scenarioWalks are a scenario's ping and traceroute steps as walks the
// page offers (an LSP ping is left out: the page walks ICMP echoes).
func scenarioWalks(sc *scenarios.Scenario) []api.Preset {
	var out []api.Preset
	for _, st := range sc.Steps {
		var p scenarios.Probe
		switch d := st.Do.(type) {
		case *scenarios.PingStep:
			p = d.Probe
		case *scenarios.TracerouteStep:
			p = d.Probe
		default:
			continue
		}
		if p.MPLS {
			continue
		}
		label := fmt.Sprintf("step %d: %s %s %s", st.Index+1, st.Action, p.From, p.To)
		if st.Name != "" {
			label = fmt.Sprintf("step %d: %s (%s %s)", st.Index+1, st.Name, p.From, p.To)
		}
		req := api.ProbeRequest{From: p.From, To: p.To.String(), VRF: p.VRF, Size: p.Size, DF: p.DF, Walk: true}
		if st.Action == scenarios.ActPing {
			req.TTL = p.TTL
		}
		if p.Source.IsValid() {
			req.Source = p.Source.String()
		}
		if st.Action == scenarios.ActTraceroute {
			label += ", walked as one echo request"
		}
		out = append(out, api.Preset{Label: label, Probe: req})
	}
	return out
}
