package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/scenarios"
	"github.com/vpnsim/vpnsim/topologies"
)

// logger is the program's logger: BGP speakers' warnings and errors with
// --verbose, nothing otherwise.
func logger() *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// openTopology loads a topology file or a built-in by name; every problem
// becomes an exit-2 error, warnings go to standard error.
func openTopology(arg string) (*topologies.Topology, error) {
	if topologies.IsPath(arg) {
		if data, err := os.ReadFile(arg); err == nil && scenarios.IsScenario(data) {
			return nil, usageErr("%s is a scenario file, not a topology: run it with vpnsim run %s", arg, arg)
		}
	}
	t, warns, err := topologies.Open(arg)
	for _, w := range warns {
		fmt.Fprintln(os.Stderr, w)
	}
	if err != nil {
		return nil, inputErr(err)
	}
	return t, nil
}

// inputErr turns a loader's error into an exit-2 error with its message.
func inputErr(err error) error {
	var l *diag.List
	if errors.As(err, &l) {
		return usageErr("%s", l.Error())
	}
	return usageErr("%v", err)
}

// startLab builds and converges the network of a topology, saying so on
// standard error when it takes more than a second.
func startLab(arg string, settle time.Duration) (*lab.Lab, error) {
	if settle < 0 {
		return nil, usageErr("--settle %v: give a positive duration, or leave it out for the automatic bound", settle)
	}
	pr := &stepLog{w: os.Stderr, live: progressFlag || isTerminal(os.Stderr), tty: isTerminal(os.Stderr)}
	var running atomic.Pointer[lab.Lab]
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		select {
		case <-done:
			return
		case <-time.After(time.Second):
			pr.show(fmt.Sprintf("converging %s...", arg))
		}
		// a line that moves while a step runs: how long, and the BGP
		// fabric's counts so far
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			line := fmt.Sprintf("  %5.1f s  building the network and starting its BGP speakers", time.Since(start).Seconds())
			if l := running.Load(); l != nil {
				p := l.Fabric().Progress()
				line = fmt.Sprintf("  %5.1f s  BGP: %d of %d sessions up, %d UPDATEs passed",
					time.Since(start).Seconds(), p.Established, p.Sessions, p.Updates)
				if v, ok := l.VPNProgress(); ok {
					line += fmt.Sprintf("; VPN routes: %s received %d of %d, PEs received %d of %d",
						v.RR, v.RRReceived, v.RRWant, v.PEsReceived, v.PEsWant)
				}
			}
			pr.moving(line)
			select {
			case <-done:
				pr.moving("")
				return
			case <-tick.C:
			}
		}
	}()
	defer func() {
		close(done)
		<-finished
	}()
	t0 := time.Now()
	t, err := openTopology(arg)
	if err != nil {
		return nil, err
	}
	pr.step(fmt.Sprintf("topology read (%d nodes, %d links)", len(t.Nodes), len(t.Links)), time.Since(t0))
	settle = settleFor(t, settle)
	skipAudit, why, err := auditChoice(t)
	if err != nil {
		return nil, err
	}
	if why != "" {
		pr.step(why, -1)
	}
	t0 = time.Now()
	l, err := lab.New(t, lab.Options{Logger: logger(), Verbose: verbose, NoRIBAudit: skipAudit, Progress: pr.step})
	var bad *lab.InputError
	if errors.As(err, &bad) {
		return nil, usageErr("%v", err)
	}
	if err != nil {
		return nil, err
	}
	pr.step("network built, BGP speakers started", time.Since(t0))
	running.Store(l)
	ctx, cancel := context.WithTimeout(context.Background(), settle)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		release(l)
		return nil, fmt.Errorf("%s: %v (waited %s; raise --settle if the network is large)", t.Name, err, settle)
	}
	return l, nil
}

// exitAfterCommand is set by main: the process ends when the command
// returns. Tests run commands in one process and leave it false.
var exitAfterCommand bool

// release lets go of a network a one-shot command has finished with. When
// the process is about to end it does nothing: a graceful close has every
// speaker withdraw every route from every neighbour (GoBGP works through
// it like a convergence in reverse, 15 s at 100 000 routes) and the exit
// frees it all at once. Otherwise it closes the network.
func release(l *lab.Lab) {
	if !exitAfterCommand {
		l.Close()
	}
}

// stepLog prints a convergence's steps to standard error once it has
// taken more than a second: the steps before that at once, the rest as
// they end. A quick network prints nothing. With live set (standard error
// is a terminal, or --progress) a status line moves between the steps at
// least once a second: on a terminal it is rewritten in place, otherwise
// one line is printed per second.
type stepLog struct {
	mu        sync.Mutex
	w         io.Writer
	live, tty bool
	shown     bool
	pending   []string
	lastLive  time.Time
	onScreen  bool // a live line is on the terminal's last line
}

func (p *stepLog) step(step string, took time.Duration) {
	line := fmt.Sprintf("  %-42s %8s\n", step, took.Round(time.Millisecond))
	if took < 0 { // a note, not a timed step
		line = "  " + step + "\n"
	}
	if strings.HasPrefix(step, "BGP RIBs audited") {
		line = strings.TrimSuffix(line, "\n") + "  (--no-rib-audit skips it)\n"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		p.clearLive()
		io.WriteString(p.w, line)
		return
	}
	p.pending = append(p.pending, line)
}

func (p *stepLog) show(header string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, header)
	for _, line := range p.pending {
		io.WriteString(p.w, line)
	}
	p.shown, p.pending = true, nil
}

// moving shows the status line (an empty one clears it).
func (p *stepLog) moving(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.live || !p.shown {
		return
	}
	switch {
	case line == "":
		p.clearLive()
	case p.tty:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.onScreen = true
	case time.Since(p.lastLive) >= time.Second:
		fmt.Fprintln(p.w, line)
		p.lastLive = time.Now()
	}
}

func (p *stepLog) clearLive() {
	if p.onScreen {
		io.WriteString(p.w, "\r\x1b[K")
		p.onScreen = false
	}
}

// settleHelp is the --settle flag's help; the flag's default, 0, means
// settleFor's automatic bound.
const settleHelp = "how long to wait for the network to converge before giving up\n(default: 30s, plus 0.1ms for every customer route times every PE and route reflector)"

// settleFor returns flag, or when it is 0 (the default) a bound that
// grows with the network: 30 s, plus 0.1 ms per customer route (CE LANs
// and attachment subnets, each a VPN route) per BGP speaker of the
// provider (PEs and route reflectors): a reflector's work is its routes
// times its neighbours. The 100 000-route network of gen --help (22
// speakers) converges in about a minute on two cores, 100 PEs at 100 000
// routes in about four (docs/performance.md): bounds of 250 s and 1 050 s.
// A network that never converges is still reported in reasonable time.
func settleFor(t *topologies.Topology, flag time.Duration) time.Duration {
	if flag > 0 {
		return flag
	}
	speakers := 0
	for _, n := range t.Nodes {
		if n.Role == topologies.RolePE || n.Role == topologies.RoleRR {
			speakers++
		}
	}
	return 30*time.Second + time.Duration(customerRoutes(t)*max(speakers, 1))*100*time.Microsecond
}

// customerRoutes counts the VPN routes a topology's PEs will advertise:
// each attachment subnet and each CE LAN.
func customerRoutes(t *topologies.Topology) int {
	routes := 0
	for _, n := range t.Nodes {
		routes += len(n.LANs)
	}
	for _, ln := range t.Links {
		if ln.VRF != "" {
			routes++
		}
	}
	return routes
}

// auditLimit is the size, in VPN routes, above which the RIB audit is left
// out unless --rib-audit asks for it. Below it the audit costs a fraction
// of a second; at 100 000 routes it took 29-42 s, as long again as
// converging (docs/performance.md), for a check of the BGP library's
// consistency that small networks exercise as well.
const auditLimit = 20000

// auditChoice says whether to skip the RIB audit and, when the size of
// the network decided it, the line that tells the user so.
func auditChoice(t *topologies.Topology) (skip bool, why string, err error) {
	switch {
	case ribAudit && noRIBAudit:
		return false, "", usageErr("--rib-audit and --no-rib-audit: give one of them")
	case ribAudit:
		return false, "", nil
	case noRIBAudit:
		return true, "", nil
	}
	if n := customerRoutes(t); n > auditLimit {
		return true, fmt.Sprintf("RIB audit left out: %d VPN routes > %d (--rib-audit runs it)", n, auditLimit), nil
	}
	return false, "", nil
}

func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, usageErr("%q is not an IPv4 address (e.g. 10.1.2.1)", s)
	}
	return a, nil
}

var noColor, progressFlag bool

// useColor reports whether output to w should be coloured: a terminal, and
// neither --no-color nor NO_COLOR.
func useColor(w io.Writer) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// startCapture writes every frame of l to path as pcapng until the returned
// function is called; the file appears whole when that function succeeds.
func startCapture(l *lab.Lab, path string) (finish func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	if err := mayReplace(path); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dirOf(path), ".vpnsim-*.pcapng")
	if err != nil {
		return nil, usageErr("cannot write %s: %v", path, err)
	}
	f.Chmod(0o644)
	c, err := capture.New(f, l.Net)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	stop := l.Watch(c, false)
	return func() error {
		stop()
		err := errors.Join(c.Close(), f.Close())
		if err == nil {
			err = os.Rename(f.Name(), path)
		}
		if err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("writing %s: %v", path, err)
		}
		return nil
	}, nil
}

// loadScenario loads a scenario file; a topology given instead gets a
// sentence that says so.
func loadScenario(path string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Load(path)
	if err == nil {
		return sc, nil
	}
	if data, rerr := os.ReadFile(path); rerr == nil && !scenarios.IsScenario(data) {
		if _, _, terr := topologies.Parse(path, data); terr == nil {
			return nil, usageErr("%s is a topology file, not a scenario: a scenario names it in its topology key (see docs/spec/scenario.md); to look at it, try vpnsim show %s NODE routes", path, path)
		}
	}
	return nil, inputErr(err)
}
