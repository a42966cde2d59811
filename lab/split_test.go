package lab

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/bgp"
	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// BenchmarkSplitSpeakers measures the first step of docs/scale.md ("speakers
// in several processes, joined by the relay over TCP") on the 100 000-route
// network of BenchmarkVPNDistribution's shape (20 PEs, 2 route reflectors,
// 200 VRFs on 3 PEs each, 5 sites of 99 LANs: 100 000 VPN routes): the VPN
// route distribution alone, from the first route added until every PE holds
// every destination its VRFs import, with every speaker in one process
// ("one-process") and with RR1 and PE1-PE10 in one process, RR2 and
// PE11-PE20 in another ("two-processes"). Each variant runs in processes
// of its own (this test binary again, TestSplitHelper), so each one's peak
// resident memory is its own; this process only starts them and passes
// addresses between them.
//
// Within a process, sessions are the fabric's (relayed over loopback TCP,
// each PE filtered to the route targets it imports); between the two
// processes each session is a pair of external peers (bgp.ExternalPeer,
// with the same route-target filter) joined by a byte bridge in the first
// process: the same BGP messages over one more TCP hop. The reflectors
// reflect by GoBGP's own decision here, not the model's (the lab's
// decision needs the whole model in the process that holds the
// reflector): a measurement of BGP's share of the work, the share step 1
// would split. Across the processes the two reflectors see each other as
// clients (an external peer of a reflector is its client), which sends the
// same routes between them as the non-client peering within one process.
//
// Metrics: s-to-converged (the slower process, from the moment both are
// told to start), cpu-s (all processes), MB-peak-rss-max (the larger of the
// processes' peak resident memory) and, for two processes, each one's
// (MB-peak-rss-a, -b) and its CPU time (cpu-s-a, -b). Run it alone: go test -run '^$' -bench SplitSpeakers -benchtime 1x ./lab
// (VPNSIM_SPLIT_LANS=9 in the environment: the 10 000-route network).
func BenchmarkSplitSpeakers(b *testing.B) {
	if testing.Short() {
		b.Skip("minutes of work")
	}
	for _, v := range []struct {
		name  string
		roles []string
	}{
		{"one-process", []string{"all"}},
		{"two-processes", []string{"a", "b"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			var res []splitResult
			for b.Loop() {
				res = runSplit(b, v.roles)
			}
			var wall, cpu, rss float64
			for i, r := range res {
				wall, cpu, rss = max(wall, r.wall), cpu+r.cpu, max(rss, r.rssMB)
				if len(res) > 1 {
					b.ReportMetric(r.rssMB, "MB-peak-rss-"+v.roles[i])
					b.ReportMetric(r.cpu, "cpu-s-"+v.roles[i])
				}
			}
			b.ReportMetric(wall, "s-to-converged")
			b.ReportMetric(cpu, "cpu-s")
			b.ReportMetric(rss, "MB-peak-rss-max")
		})
	}
}

// splitLANs is LANs per site: 200 VRFs x 5 sites x 99 LANs + 1 000
// attachment subnets = 100 000 VPN routes.
const splitLANs = 99

const splitEnv = "VPNSIM_SPLIT_ROLE"

// splitResult is what one helper process reports.
type splitResult struct {
	wall, cpu, rssMB float64
}

// runSplit starts one helper per role, joins them, starts them together
// and collects what each reports.
func runSplit(b *testing.B, roles []string) []splitResult {
	b.Helper()
	type helper struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		lines chan string
	}
	hs := make([]*helper, len(roles))
	for i, role := range roles {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSplitHelper$", "-test.v=false")
		cmd.Env = append(os.Environ(), splitEnv+"="+role)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		h := &helper{cmd: cmd, in: in, lines: make(chan string, 1024)}
		go func() {
			defer close(h.lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if line, ok := strings.CutPrefix(sc.Text(), "split: "); ok {
					h.lines <- line
				}
			}
		}()
		hs[i] = h
	}
	defer func() {
		for _, h := range hs {
			h.in.Close()
			h.cmd.Wait()
		}
	}()
	// expect reads lines from h until one starts with word; the ext
	// lines before it are returned.
	expect := func(h *helper, word string) (exts []string) {
		b.Helper()
		timeout := time.After(20 * time.Minute)
		for {
			select {
			case line, ok := <-h.lines:
				if !ok {
					b.Fatalf("a helper ended before %q", word)
				}
				if strings.HasPrefix(line, "ext ") {
					exts = append(exts, line)
					continue
				}
				if strings.HasPrefix(line, word) {
					return append(exts, line)
				}
				b.Fatalf("helper: %s (waiting for %q)", line, word)
			case <-timeout:
				b.Fatalf("no %q from a helper", word)
			}
		}
	}
	send := func(h *helper, line string) {
		if _, err := fmt.Fprintln(h.in, line); err != nil {
			b.Fatal(err)
		}
	}
	ready := make([][]string, len(hs))
	for i, h := range hs {
		ready[i] = expect(h, "ready")
	}
	if len(hs) == 2 {
		// The first helper bridges: it dials each of its own external
		// peers and the second helper's matching one.
		for _, line := range ready[1] {
			if strings.HasPrefix(line, "ext ") {
				send(hs[0], "peer "+strings.TrimPrefix(line, "ext "))
			}
		}
		send(hs[0], "bridge")
	}
	for _, h := range hs {
		expect(h, "established")
	}
	for _, h := range hs {
		send(h, "go")
	}
	res := make([]splitResult, len(hs))
	for i, h := range hs {
		f := strings.Fields(expect(h, "done")[0])
		if len(f) != 4 {
			b.Fatalf("helper reported %q", f)
		}
		for j, p := range []*float64{&res[i].wall, &res[i].cpu, &res[i].rssMB} {
			v, err := strconv.ParseFloat(f[j+1], 64)
			if err != nil {
				b.Fatal(err)
			}
			*p = v
		}
	}
	return res
}

// TestSplitHelper is one process of BenchmarkSplitSpeakers; it does nothing
// unless the benchmark started it.
func TestSplitHelper(t *testing.T) {
	role := os.Getenv(splitEnv)
	if role == "" {
		t.Skip("a helper process of BenchmarkSplitSpeakers")
	}
	if err := splitHelper(t, role, os.Stdin, os.Stdout); err != nil {
		fmt.Printf("split: error %v\n", err)
		t.Fatal(err)
	}
}

// splitNet is the network's BGP side: each PE's routes and imports, and
// how many destinations each PE holds once converged.
type splitNet struct {
	pes     []string
	ids     map[string]netip.Addr // router IDs (loopbacks)
	routes  map[string][]bgp.VPNRoute
	imports map[string][]vrf.RouteTarget
	want    map[string]uint64
	all     []bgp.VPNRoute // every PE's routes, in link order
}

func newSplitNet(t testing.TB) *splitNet {
	lans := splitLANs
	if v, err := strconv.Atoi(os.Getenv("VPNSIM_SPLIT_LANS")); err == nil && v >= 0 {
		lans = v // a smaller network, to try the benchmark quickly
	}
	return routesOf(syntheticTopo(t, gen.SyntheticOptions{P: 10, PEs: 20, RRs: 2, VRFs: 200, VRFPEs: 3, Sites: 5, Prefixes: lans, Seed: 1}))
}

// routesOf reads a topology's BGP side without running it: the VPN routes
// each PE advertises once converged (each attachment subnet and CE LAN
// under its VRF's RD and export targets, next hop the PE's loopback,
// labels counted from 16 per PE), its imports, and how many destinations
// each PE then holds.
func routesOf(topo *topologies.Topology) *splitNet {
	n := &splitNet{ids: map[string]netip.Addr{}, routes: map[string][]bgp.VPNRoute{}, imports: map[string][]vrf.RouteTarget{}, want: map[string]uint64{}}
	for _, x := range topo.Nodes {
		switch x.Role {
		case topologies.RolePE:
			n.pes = append(n.pes, x.Name)
			n.ids[x.Name] = x.Loopback
		case topologies.RoleRR:
			n.ids[x.Name] = x.Loopback
		}
	}
	type dest struct {
		rd vrf.RD
		p  netip.Prefix
	}
	for _, ln := range topo.Links {
		if !ln.IsAttachment() {
			continue
		}
		ce, pn := ln.AttachmentEnds()
		v := topo.VRF(ln.VRF)
		n.imports[pn.Name] = append(n.imports[pn.Name], v.Import...)
		for _, p := range append([]netip.Prefix{ln.Subnet}, ce.LANs...) {
			r := bgp.VPNRoute{RD: v.RD, Prefix: p, Label: mpls.Label(16 + len(n.routes[pn.Name])), NextHop: pn.Loopback, RouteTargets: v.Export}
			n.routes[pn.Name] = append(n.routes[pn.Name], r)
			n.all = append(n.all, r)
		}
	}
	for _, pe := range n.pes {
		seen := map[dest]bool{}
		for _, r := range n.all {
			for _, rt := range r.RouteTargets {
				if slices.Contains(n.imports[pe], rt) {
					seen[dest{r.RD, r.Prefix}] = true
					break
				}
			}
		}
		n.want[pe] = uint64(len(seen))
	}
	return n
}

// BenchmarkGoBGPRelay is the plain GoBGP baseline (gobgpRelay: PE1
// originates the routes, RR1 reflects them to PE2) for the routes of the
// network gen --help's 100k example makes, every PE's routes from one PE:
// scripts/bench-cli.sh divides the command line's time by it (the issue's
// ratio). s-relay is the relay's time from the first route added to PE2
// holding them all.
func BenchmarkGoBGPRelay(b *testing.B) {
	n := routesOf(syntheticTopo(b, gen.SyntheticOptions{P: 1000, PEs: 20, RRs: 2, VRFs: 200, VRFPEs: 3, Sites: 5, Prefixes: 100, Seed: 1}))
	var d time.Duration
	for b.Loop() {
		d += gobgpRelay(b, n.all)
	}
	b.ReportMetric(float64(len(n.all)), "routes")
	b.ReportMetric(d.Seconds()/float64(b.N), "s-relay")
}

// side says, for a role, which reflectors and PEs are local.
func (n *splitNet) local(role, name string) bool {
	if role == "all" {
		return true
	}
	first := name == "RR1" || slices.Index(n.pes, name) >= 0 && slices.Index(n.pes, name) < len(n.pes)/2
	return first == (role == "a")
}

// splitHelper runs one role: it builds its speakers and sessions, prints
// its external peers, bridges (role a of two), waits for every session,
// starts on "go" and reports when its PEs hold what they should.
func splitHelper(t *testing.T, role string, stdin io.Reader, stdout io.Writer) error {
	n := newSplitNet(t)
	f := bgp.NewFabric(bgp.Options{NoRIBAudit: true})
	defer f.Close()
	sps := map[string]*bgp.Speaker{}
	names := append([]string{"RR1", "RR2"}, n.pes...)
	for _, name := range names {
		if !n.local(role, name) {
			continue
		}
		cfg := bgp.SpeakerConfig{Name: name, ASN: 65000, RouterID: n.ids[name]}
		if strings.HasPrefix(name, "RR") {
			cfg.ClusterID = cfg.RouterID
		}
		sp, err := f.AddSpeaker(cfg)
		if err != nil {
			return err
		}
		sps[name] = sp
	}
	var sessions []*bgp.Session
	var exts []*bgp.ExternalPeer
	extOf := map[[2]string]*bgp.ExternalPeer{} // local, remote
	next := 0
	addExt := func(local, remote string, imports []vrf.RouteTarget) error {
		next++
		side := 1
		if role == "b" {
			side = 2
		}
		e, err := f.AddExternalPeer(bgp.ExternalPeerConfig{Name: remote + "~" + local, Speaker: sps[local], ASN: 65000,
			Address: netip.AddrFrom4([4]byte{127, 88, byte(side), byte(next)}), Listen: netip.MustParseAddrPort("127.0.0.1:0"), Imports: imports})
		if err != nil {
			return err
		}
		e.SetUp(true)
		exts = append(exts, e)
		extOf[[2]string{local, remote}] = e
		fmt.Fprintf(stdout, "split: ext %s %s %s %s\n", remote, local, e.ListenAddr(), e.Config().Address)
		return nil
	}
	for _, rr := range []string{"RR1", "RR2"} {
		for _, pe := range n.pes {
			switch {
			case n.local(role, rr) && n.local(role, pe):
				s, err := f.AddSession(bgp.SessionConfig{A: sps[rr], B: sps[pe], Family: bgp.VPNv4, BIsRRClientOfA: true, BImports: n.imports[pe]})
				if err != nil {
					return err
				}
				sessions = append(sessions, s)
			case n.local(role, rr):
				if err := addExt(rr, pe, n.imports[pe]); err != nil {
					return err
				}
			case n.local(role, pe):
				if err := addExt(pe, rr, nil); err != nil {
					return err
				}
			}
		}
	}
	if role == "all" {
		s, err := f.AddSession(bgp.SessionConfig{A: sps["RR1"], B: sps["RR2"], Family: bgp.VPNv4})
		if err != nil {
			return err
		}
		sessions = append(sessions, s)
	} else {
		other := map[string]string{"a": "RR2", "b": "RR1"}[role]
		if err := addExt(map[string]string{"a": "RR1", "b": "RR2"}[role], other, nil); err != nil {
			return err
		}
	}
	for _, s := range sessions {
		s.SetUp(true)
	}
	fmt.Fprintln(stdout, "split: ready")
	in := bufio.NewScanner(stdin)
	if role == "a" {
		var bridges sync.WaitGroup
		defer bridges.Wait()
		for in.Scan() {
			line := in.Text()
			if line == "bridge" {
				break
			}
			// peer LOCAL-THERE REMOTE-THERE LISTEN ACCEPTS: the other
			// process's external peer named LOCAL-THERE on its speaker
			// REMOTE-THERE... printed as "ext REMOTE LOCAL LISTEN ACCEPTS"
			// from its side: its remote is our local.
			fl := strings.Fields(strings.TrimPrefix(line, "peer "))
			if len(fl) != 4 {
				return fmt.Errorf("bad peer line %q", line)
			}
			ours := extOf[[2]string{fl[0], fl[1]}]
			if ours == nil {
				return fmt.Errorf("no external peer of %s for %s here", fl[0], fl[1])
			}
			theirListen, theirAddr := fl[2], fl[3]
			c1, err := dialFrom(ours.Config().Address.String(), ours.ListenAddr().String())
			if err != nil {
				return err
			}
			c2, err := dialFrom(theirAddr, theirListen)
			if err != nil {
				return err
			}
			bridges.Add(2)
			go func() { defer bridges.Done(); io.Copy(c1, c2); c1.Close() }()
			go func() { defer bridges.Done(); io.Copy(c2, c1); c2.Close() }()
			defer c1.Close()
			defer c2.Close()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for !allUp(sessions, exts) {
		select {
		case <-f.Changed():
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("sessions not established: %w", ctx.Err())
		}
	}
	fmt.Fprintln(stdout, "split: established")
	if !in.Scan() || in.Text() != "go" {
		return fmt.Errorf("expected go, got %q", in.Text())
	}
	cpu0, start := cpuTime(), time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(n.pes))
	for _, pe := range n.pes {
		if sp := sps[pe]; sp != nil {
			wg.Go(func() {
				if err := sp.AddVPNv4(n.routes[pe]...); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	for {
		done := true
		for _, pe := range n.pes {
			if sp := sps[pe]; sp != nil {
				have, err := sp.VPNv4DestinationCount()
				if err != nil {
					return err
				}
				if have < n.want[pe] {
					done = false
					break
				}
			}
		}
		if done {
			break
		}
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("PEs not converged: %w", ctx.Err())
		}
	}
	fmt.Fprintf(stdout, "split: done %.2f %.1f %.0f\n", time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds(), peakRSSMB())
	in.Scan() // until the benchmark closes our standard input
	return nil
}

func allUp(sessions []*bgp.Session, exts []*bgp.ExternalPeer) bool {
	for _, s := range sessions {
		if !s.State().Established {
			return false
		}
	}
	for _, e := range exts {
		if !e.State().Established {
			return false
		}
	}
	return true
}

// dialFrom connects to addr from the loopback address from.
func dialFrom(from, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	return d.Dial("tcp4", addr)
}
