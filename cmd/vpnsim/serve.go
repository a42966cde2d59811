package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/web"
)

func init() { commands = append(commands, newServeCmd) }

// defaultServer is where serve listens and where --server points by default.
const defaultServer = "127.0.0.1:8179"

func newServeCmd() *cobra.Command {
	var listen string
	var settle time.Duration
	var withWeb bool
	c := &cobra.Command{
		Use:   "serve TOPOLOGY",
		Short: "Run a network until interrupted, with a control API for other commands",
		Long: `serve starts the network of TOPOLOGY, waits until it has converged, and keeps
it running until interrupted (Ctrl-C closes every BGP session cleanly and
exits 0). It prints the address and port of every BGP speaker, and then one
line per event: a session up or down, routes learned or withdrawn, a change
made through the API.

While it runs, other vpnsim commands act on it with --server ADDRESS:PORT (the
control API's address, printed at start; default ` + defaultServer + `):

  vpnsim ping --server 127.0.0.1:8179 A1 10.1.2.1
  vpnsim traceroute --server 127.0.0.1:8179 A1 10.1.2.1
  vpnsim trace --server 127.0.0.1:8179 A1 10.1.2.1
  vpnsim show --server 127.0.0.1:8179 P1 lfib
  vpnsim fail --server 127.0.0.1:8179 link P1 P2
  vpnsim restore --server 127.0.0.1:8179 link P1 P2

The API is HTTP with JSON on a loopback address only; docs/control-api.md
describes it. With --web the same address also serves the web page of
vpnsim web (see vpnsim web --help): then changes need the token printed at
start, and --listen may name an address beyond loopback.

A topology with external-peers lets real BGP routers (FRR, GoBGP, a lab
router) join: serve prints, for each, the address and port its route
reflector or PE listens on and what the router must be configured with, and
then its session's events. Routes it advertises appear in the VRFs that
import them, marked unresolved (code u): docs/real-peers.md.`,
		Example: `  vpnsim serve classic
  vpnsim serve my-lab.yaml --listen 127.0.0.1:9000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serveNetwork(cmd, args[0], listen, settle, withWeb, webOptions{})
		},
	}
	c.Flags().StringVar(&listen, "listen", defaultServer, "the control API's loopback `ADDRESS:PORT` (with --web, any address)")
	c.Flags().BoolVar(&withWeb, "web", false, "also serve the web page (vpnsim web) and require the token for changes")
	c.Flags().DurationVar(&settle, "settle", 0, "how long to wait for the network to converge, at start and after each change\n(default: 30s, plus 1s for every 1000 customer routes)")
	return c
}

func stamp() string { return time.Now().Format("15:04:05") }

func printSpeakers(w io.Writer, l *lab.Lab) {
	fmt.Fprintf(w, "%s: %d nodes, %d links, converged\n", l.Topo.Name, len(l.Topo.Nodes), len(l.Topo.Links))
	fmt.Fprintln(w, "BGP speakers (real sockets, loopback only):")
	for _, sp := range l.Fabric().Speakers() {
		c := sp.Config()
		fmt.Fprintf(w, "  %-10s AS %-10d router ID %-15s listening on %s\n", c.Name, c.ASN, c.RouterID, sp.ListenAddr())
	}
}

// printExternalPeers prints, one line per external peer, where its
// speaker listens and what a router must be configured with to join.
func printExternalPeers(w io.Writer, l *lab.Lab) {
	peers := l.Fabric().ExternalPeers()
	if len(peers) == 0 {
		return
	}
	fmt.Fprintln(w, "External peers (real routers connect here; docs/real-peers.md):")
	for _, e := range peers {
		c := e.Config().Speaker.Config()
		role := "iBGP neighbour of PE " + c.Name
		if c.ClusterID.IsValid() {
			role = "route-reflector client of " + c.Name
		}
		fmt.Fprintf(w, "  %-10s %s listening on %s: connect from %s, AS %d (iBGP), address family VPNv4 (AFI 1, SAFI 128), a router ID other than %s; %s never dials\n",
			e.Name(), role, e.ListenAddr(), e.Config().Address, e.Config().ASN, c.RouterID, c.Name)
	}
}

// eventLog prints what changed in the BGP fabric since it last looked.
type eventLog struct {
	w        io.Writer
	sessions map[string]bool
	paths    map[string]int
	external map[string]bgp.ExternalState
}

func newEventLog(w io.Writer) *eventLog {
	return &eventLog{w: w, sessions: map[string]bool{}, paths: map[string]int{}, external: map[string]bgp.ExternalState{}}
}

// reportExternal prints an external peer's session going up or down and
// the connections its speaker refused.
func (e *eventLog) reportExternal(l *lab.Lab) {
	for _, p := range l.Fabric().ExternalPeers() {
		st := p.State()
		was := e.external[st.Name]
		e.external[st.Name] = st
		name := "external session " + st.Speaker + "–" + st.Name
		if st.Refused > was.Refused {
			fmt.Fprintf(e.w, "%s  %s refused %s\n", stamp(), st.Speaker, st.LastRefused)
		}
		why := ""
		if st.LastError != "" && st.LastError != was.LastError {
			why = ": " + st.LastError
		}
		newConn := st.Sessions > was.Sessions
		switch {
		case st.Established && was.Established && newConn:
			fmt.Fprintf(e.w, "%s  %s replaced by a new connection from %s\n", stamp(), name, st.Address)
		case st.Established && !was.Established:
			// The negotiated hold time: the smaller of the two OPENs'
			// (RFC 4271 section 4.2); KEEPALIVEs go every third of it.
			hold := ""
			if st.HoldTime > 0 {
				hold = fmt.Sprintf(", hold time %d s", st.HoldTime)
			}
			fmt.Fprintf(e.w, "%s  %s up (from %s%s)\n", stamp(), name, st.Address, hold)
		case !st.Established && was.Established:
			// Why it ended, wanted or not: the NOTIFICATION with its code
			// and subcode and who sent it (hold timer expiry, a Cease).
			if st.LastDown != "" {
				why = ": " + st.LastDown
			}
			fmt.Fprintf(e.w, "%s  %s down%s\n", stamp(), name, why)
		case !st.Established && newConn && why != "":
			fmt.Fprintf(e.w, "%s  %s: a connection from %s ended before it was established%s\n", stamp(), name, st.Address, why)
		}
	}
}

func (e *eventLog) report(l *lab.Lab) {
	for _, s := range l.Fabric().Sessions() {
		st := s.State()
		name := st.A + "–" + st.B
		if was, ok := e.sessions[name]; ok && was != st.Established {
			state := "down"
			if st.Established {
				state = "up"
			}
			fmt.Fprintf(e.w, "%s  session %s %s\n", stamp(), name, state)
		}
		e.sessions[name] = st.Established
	}
	e.reportExternal(l)
	for _, sp := range l.Fabric().Speakers() {
		ps, err := sp.VPNv4Paths()
		if err != nil {
			continue
		}
		n := len(ps)
		if ip, err := sp.IPv4Paths(); err == nil {
			n += len(ip)
		}
		if was, ok := e.paths[sp.Name()]; ok && was != n {
			verb := "learned"
			if n < was {
				verb = "withdrew"
			}
			fmt.Fprintf(e.w, "%s  %s %s %d paths (now %d)\n", stamp(), sp.Name(), verb, abs(n-was), n)
		} else if !ok {
			fmt.Fprintf(e.w, "%s  %s holds %d paths\n", stamp(), sp.Name(), n)
		}
		e.paths[sp.Name()] = n
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// serverClient returns the API client for --server, or nil without it.
// serverWait is how long a --server command waits for a serve that is
// still starting.
const serverWait = 30 * time.Second

func serverClient(addr string) (*api.Client, error) {
	if addr == "" {
		return nil, nil
	}
	c, err := api.NewClient(addr)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	// A script may start serve in the background and talk to it at once:
	// while nothing listens yet, keep trying for a while, and say so.
	c.Wait = serverWait
	// a server started by vpnsim web wants its token for changes
	c.Token = os.Getenv("VPNSIM_TOKEN")
	c.Refused = func(tries int) {
		if tries == 10 {
			fmt.Fprintf(os.Stderr, "nothing listens at %s yet; waiting up to %s for vpnsim serve to start...\n", addr, serverWait)
		}
	}
	return c, nil
}

// remoteErr turns an API error into the command's error: exit 2 for a
// request the network cannot satisfy (unknown node, bad address).
func remoteErr(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return usageErr("%v", err)
}

// webOptions are vpnsim web's own: open the page, offer a scenario's walks.
type webOptions struct {
	open     bool
	scenario string
}

func serveNetwork(cmd *cobra.Command, topo, listen string, settle time.Duration, withWeb bool, wo webOptions) error {
	ap, err := netip.ParseAddrPort(listen)
	if err != nil || !ap.Addr().Is4() {
		return usageErr("--listen %q: give an IPv4 ADDRESS:PORT, e.g. %s", listen, defaultServer)
	}
	if !ap.Addr().IsLoopback() && !withWeb {
		return usageErr("--listen %q: the control API listens on a loopback address only, e.g. %s (vpnsim web, or serve --web, may listen beyond it)", listen, defaultServer)
	}
	token := ""
	if withWeb {
		token = newToken()
	}
	var presets []api.Preset
	if wo.scenario != "" {
		sc, err := loadScenario(wo.scenario)
		if err != nil {
			return err
		}
		if presets = scenarioWalks(sc); len(presets) == 0 {
			return usageErr("--scenario %s: it has no ping or traceroute step to walk", wo.scenario)
		}
		if n := sc.Topology.Name; n != topo && n != strings.TrimSuffix(filepath.Base(topo), filepath.Ext(topo)) {
			fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s is written for topology %s; its walks may name nodes %s lacks\n", wo.scenario, n, topo)
		}
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return usageErr("cannot listen on %s: %v (is another vpnsim serve running? choose another --listen)", listen, err)
	}
	l, err := startLab(topo, settle)
	if err != nil {
		ln.Close()
		return err
	}
	defer l.Close()
	settle = settleFor(l.Topo, settle)
	stdout := cmd.OutOrStdout()
	printSpeakers(stdout, l)
	printExternalPeers(stdout, l)
	srv := api.NewServer(l, settle)
	srv.Token = token
	srv.Presets = presets
	// every event line serve prints also goes to the pages' event stream
	out := io.MultiWriter(stdout, &api.LineWriter{S: srv})
	ev := newEventLog(out)
	srv.OnChange = func(what string) { fmt.Fprintf(out, "%s  %s\n", stamp(), what) }
	srv.Lock(ev.report)
	var h http.Handler = srv
	if withWeb {
		h = web.Mux(srv)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	fmt.Fprintf(stdout, "control API on http://%s (Ctrl-C stops)\n", ln.Addr())
	if withWeb {
		page := printWeb(stdout, cmd.ErrOrStderr(), ln.Addr().String(), ap.Addr().IsLoopback(), token)
		if wo.open {
			openBrowser(cmd.ErrOrStderr(), page)
		}
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	changed := l.Fabric().Changed()
	for {
		select {
		case <-sig:
			fmt.Fprintf(out, "%s  stopping: closing every session\n", stamp())
			srv.CloseEvents()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			hs.Shutdown(ctx)
			cancel()
			return nil
		case <-changed:
			srv.Lock(func(l *lab.Lab) {
				if len(l.Topo.ExternalPeers) > 0 {
					// A router outside the model changes BGP on
					// its own: bring the VRFs up to date.
					ctx, cancel := context.WithTimeout(context.Background(), settle)
					defer cancel()
					if err := l.Converge(ctx); err != nil {
						fmt.Fprintf(out, "%s  %v\n", stamp(), err)
					}
				}
				ev.report(l)
			})
		}
	}
}
