//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/api"
)

var (
	vpnsimBin = flag.String("vpnsim", "", "the vpnsim binary to test (scripts/interop.sh builds it)")
	workDir   = flag.String("dir", "", "a directory for configurations, sockets, logs and pid files (scripts/interop.sh makes one and cleans up)")
)

// The two routers outside the model: FRR is a route-reflector client of
// RR1, gobgpd an iBGP neighbour of PE1. Every socket is on 127.0.0.0/8.
const (
	frrAddr       = "127.0.0.50"
	frrRouterID   = "10.255.0.1"
	gobgpAddr     = "127.0.0.51"
	gobgpRouterID = "10.255.0.2"

	// What each advertises: FRR into VRF A (route target 65000:1) with its
	// session address as next hop, gobgpd into VRF B (65000:2) with a
	// next hop of its choice.
	frrRD, frrPrefix, frrLabel, frrRT         = "65000:99", "10.99.0.0/24", "555", "65000:1"
	gobgpRD, gobgpPrefix, gobgpLabel, gobgpRT = "65000:98", "10.98.0.0/24", "556", "65000:2"
	gobgpNextHop                              = "192.0.2.51"

	// waitLimit bounds each wait for a daemon to get somewhere; the waits
	// end as soon as the condition holds.
	waitLimit = 60 * time.Second
)

// route is one VPN route as one side reports it.
type route struct {
	RD, Prefix, NextHop, Label, RTs string
}

func (r route) key() string { return r.RD + " " + r.Prefix }

func (r route) String() string {
	return fmt.Sprintf("RD %s %s next hop %s label %s RT %s", r.RD, r.Prefix, r.NextHop, r.Label, r.RTs)
}

// say prints what the suite does and compares (go test -v shows it).
func say(format string, a ...any) { fmt.Printf(format+"\n", a...) }

type lab struct {
	root          *testing.T // the daemons live until it ends, across subtests
	dir, bin, api string
	client        *api.Client
	ports         map[string]int
}

func TestInterop(t *testing.T) {
	if *vpnsimBin == "" || *workDir == "" {
		t.Fatal("run through scripts/interop.sh (make interop): it builds vpnsim and gives -vpnsim and -dir")
	}
	for _, tool := range []string{"/usr/lib/frr/bgpd", "vtysh", "gobgpd", "gobgp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install frr gobgpd", tool)
		}
	}
	l := &lab{root: t, dir: *workDir, bin: *vpnsimBin, ports: map[string]int{}}
	for _, p := range []string{"api", "rr1-listen", "pe1-listen", "bgpd", "gobgpd", "gobgpd-api"} {
		l.ports[p] = freePort(t)
	}
	l.api = fmt.Sprintf("127.0.0.1:%d", l.ports["api"])
	var err error
	if l.client, err = api.NewClient(l.api); err != nil {
		t.Fatal(err)
	}
	topo := l.writeTopology(t)
	serve := l.startServe(t, topo)

	// What the simulated network advertises: every VPN route RR1 holds
	// from a simulated PE.
	var model []route
	for _, r := range l.show(t, "RR1", "vpnv4", "") {
		if !strings.HasPrefix(r["status"], "u") && strings.Contains(r["status"], ">") {
			model = append(model, rowRoute(r))
		}
	}
	say("the model advertises %d VPN routes (RR1's table):", len(model))
	for _, r := range model {
		say("  %v", r)
	}
	if len(model) == 0 {
		t.Fatal("RR1 holds no VPN route")
	}

	t.Run("FRR", func(t *testing.T) { l.frr(t, model) })
	t.Run("GoBGP", func(t *testing.T) { l.gobgp(t, model) })
	t.Run("split horizon", func(t *testing.T) {
		// PE1 learned FRR's route over iBGP and does not pass it to its
		// iBGP neighbour gobgpd; FRR never hears of gobgpd's route.
		if l.frrTable(t)[gobgpRD+" "+gobgpPrefix].RD != "" {
			t.Errorf("FRR holds gobgpd's route, which only PE1 learned")
		}
		if _, ok := l.gobgpTable(t)[frrRD+" "+frrPrefix]; ok {
			t.Errorf("gobgpd holds FRR's route: PE1 passed an iBGP route to an iBGP neighbour")
		}
		say("compared: FRR does not hold %s %s and gobgpd does not hold %s %s (iBGP split horizon at PE1)", gobgpRD, gobgpPrefix, frrRD, frrPrefix)
	})

	say("vpnsim serve reported:")
	for _, line := range serve.lines() {
		if strings.Contains(line, "external") || strings.Contains(line, "refused") {
			say("  %s", line)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (l *lab) path(name string) string { return filepath.Join(l.dir, name) }

func (l *lab) write(t *testing.T, name, text string) string {
	t.Helper()
	p := l.path(name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeTopology is the built-in classic topology with the two external peers.
func (l *lab) writeTopology(t *testing.T) string {
	t.Helper()
	classic, err := os.ReadFile("../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	peers := fmt.Sprintf(`
external-peers:
  - {name: frr1, address: %s, asn: 65000, peer-of: RR1, listen: 127.0.0.1:%d}
  - {name: gobgp1, address: %s, asn: 65000, peer-of: PE1, listen: 127.0.0.1:%d}
`, frrAddr, l.ports["rr1-listen"], gobgpAddr, l.ports["pe1-listen"])
	say("topology: classic plus%s", strings.TrimRight(peers, "\n"))
	return l.write(t, "topology.yaml", string(classic)+peers)
}

// process is a daemon the suite started, in its own process group; the
// pid file lets scripts/interop.sh kill it should the suite itself die.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}

	mu  sync.Mutex
	out []string
}

func (p *process) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.out)
}

// start runs a daemon with its output in DIR/NAME.log until the whole
// suite ends; ready is closed at the first output line that starts with
// readyPrefix, if given.
func (l *lab) start(t *testing.T, name string, stop syscall.Signal, readyPrefix string, args ...string) (*process, chan struct{}) {
	t.Helper()
	log, err := os.Create(l.path(name + ".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	say("starting %s: %s", name, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	pids, err := os.OpenFile(l.path("pids"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(pids, cmd.Process.Pid)
		pids.Close()
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(r)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(log, line)
			p.mu.Lock()
			p.out = append(p.out, line)
			p.mu.Unlock()
			if readyPrefix != "" && strings.HasPrefix(line, readyPrefix) {
				once.Do(func() { close(ready) })
			}
		}
		io.Copy(io.Discard, r)
	}()
	go func() {
		cmd.Wait()
		w.Close()
		log.Close()
		close(p.done)
	}()
	l.root.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, stop)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
		say("stopped %s (%v)", name, cmd.ProcessState)
	})
	return p, ready
}

func (l *lab) startServe(t *testing.T, topo string) *process {
	t.Helper()
	p, ready := l.start(t, "serve", syscall.SIGINT, "control API on", l.bin, "serve", topo, "--listen", l.api)
	select {
	case <-ready:
	case <-p.done:
		t.Fatalf("vpnsim serve ended: %s", strings.Join(p.lines(), "\n"))
	case <-time.After(waitLimit):
		t.Fatalf("vpnsim serve did not start: %s", strings.Join(p.lines(), "\n"))
	}
	for _, line := range p.lines() {
		if strings.Contains(line, "listening on 127.0.0.1:") {
			say("serve: %s", strings.TrimSpace(line))
		}
	}
	return p
}

// show runs `vpnsim show --server API NODE TABLE [--vrf V] --format json`.
func (l *lab) show(t *testing.T, node, table, vrf string) []map[string]string {
	t.Helper()
	args := []string{"show", "--server", l.api, node, table, "--format", "json"}
	if vrf != "" {
		args = append(args, "--vrf", vrf)
	}
	out, err := exec.Command(l.bin, args...).Output()
	if err != nil {
		t.Fatalf("vpnsim %s: %v", strings.Join(args, " "), err)
	}
	var tbl struct{ Rows []map[string]string }
	if err := json.Unmarshal(out, &tbl); err != nil {
		t.Fatalf("vpnsim %s: %v", strings.Join(args, " "), err)
	}
	return tbl.Rows
}

func rowRoute(r map[string]string) route {
	return route{RD: r["rd"], Prefix: r["prefix"], NextHop: r["next_hop"], Label: r["label"], RTs: r["route_targets"]}
}

// eventually checks cond until it holds or waitLimit passes, and fails with
// cond's last word on what is missing.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after %v: %s", what, waitLimit, why)
		}
		time.Sleep(250 * time.Millisecond) // polling a daemon that has no events to offer
	}
}

// compare checks that have holds every route of want with the same next
// hop, label and route targets, and nothing else but the routes in own.
func compare(t *testing.T, who string, want []route, have map[string]route, own ...string) {
	t.Helper()
	for _, w := range want {
		h, ok := have[w.key()]
		switch {
		case !ok:
			t.Errorf("%s lacks %v", who, w)
		case h != w:
			t.Errorf("%s holds %v, want %v", who, h, w)
		default:
			say("  ok  %s holds RD %s %s: next hop %s, label %s, RT %s", who, h.RD, h.Prefix, h.NextHop, h.Label, h.RTs)
		}
	}
	for k, h := range have {
		if !slices.ContainsFunc(want, func(w route) bool { return w.key() == k }) && !slices.Contains(own, k) {
			t.Errorf("%s holds %v, which it should not", who, h)
		}
	}
}

// checkInModel waits until the route from outside shows in the VRFs of the
// simulated PEs that should take it, marked unresolved (code u), and in no
// other VRF.
func (l *lab) checkInModel(t *testing.T, from string, rd, prefix, nextHop, label, rt string, in map[string]bool) {
	t.Helper()
	// First the speaker the router peers with holds it, marked u and
	// without * or > (its next hop does not resolve in the model, so it
	// is no candidate, RFC 4271 section 9.1.2.1; a reflector never
	// reflects it).
	speaker := map[string]string{"frr1": "RR1", "gobgp1": "PE1"}[from]
	eventually(t, speaker+" holds the route from "+from, func() (bool, string) {
		for _, r := range l.show(t, speaker, "vpnv4", "") {
			if r["rd"] == rd && r["prefix"] == prefix {
				return true, ""
			}
		}
		return false, speaker + " does not hold it yet"
	})
	for _, r := range l.show(t, speaker, "vpnv4", "") {
		if r["rd"] == rd && r["prefix"] == prefix {
			if got := rowRoute(r); r["from"] != from || got.NextHop != nextHop || got.Label != label || got.RTs != rt || r["status"] != "ui" {
				t.Errorf("%s's BGP table: %v, want status ui (from outside the model, next hop unresolved)", speaker, r)
			} else {
				say("  ok  %s's BGP table holds %v from %s, status %s", speaker, got, from, r["status"])
			}
		}
	}
	var found map[string]map[string]string
	eventually(t, "the route from "+from+" reaches the model", func() (bool, string) {
		found = map[string]map[string]string{}
		for _, pe := range []string{"PE1", "PE2"} {
			for _, v := range []string{"A", "B"} {
				for _, r := range l.show(t, pe, "routes", v) {
					if r["prefix"] == prefix {
						found[pe+" VRF "+v] = r
					}
				}
			}
		}
		for k := range in {
			if found[k] == nil {
				var b strings.Builder
				for _, pe := range []string{"PE1", "PE2"} {
					fmt.Fprintf(&b, "\n%s vpnv4: %v", pe, l.show(t, pe, "vpnv4", ""))
				}
				return false, k + " does not show it yet" + b.String()
			}
		}
		return true, ""
	})
	for _, pe := range []string{"PE1", "PE2"} {
		for _, v := range []string{"A", "B"} {
			k := pe + " VRF " + v
			r := found[k]
			switch {
			case !in[k] && r != nil:
				t.Errorf("%s shows %s from %s: %v", k, prefix, from, r)
			case !in[k]:
				say("  ok  %s does not show %s %s from %s", k, rd, prefix, from)
			case r["code"] != "u" || r["next_hop"] != nextHop || r["from"] != "RD "+rd || r["via"] != "-":
				t.Errorf("%s shows %v, want code u (unresolved), next hop %s, from RD %s", k, r, nextHop, rd)
			default:
				say("  ok  %s shows %s %s unresolved (code u), next hop %s, not forwarded", k, r["from"], prefix, nextHop)
			}
		}
	}
}

// frr runs FRR's bgpd alone (no zebra, its own port, vty socket and pid
// file) as RR1's route-reflector client.
func (l *lab) frr(t *testing.T, model []route) {
	vty := l.path("frr")
	if err := os.MkdirAll(vty, 0o755); err != nil {
		t.Fatal(err)
	}
	text := frrConfig(l.ports["rr1-listen"])
	conf := l.write(t, "bgpd.conf", text)
	say("FRR's bgpd.conf:\n%s", text)
	l.start(t, "bgpd", syscall.SIGTERM, "", "/usr/lib/frr/bgpd", "-Z", "-S", "-P", "0",
		"-f", conf, "-i", l.path("bgpd.pid"), "--vty_socket", vty,
		"-p", strconv.Itoa(l.ports["bgpd"]), "-l", frrAddr, "--log", "file:"+l.path("bgpd-frr.log"))

	eventually(t, "FRR holds the model's routes", func() (bool, string) {
		have, err := l.readFRR()
		if err != nil {
			return false, err.Error() // bgpd may not be listening on its vty socket yet
		}
		for _, w := range model {
			if have[w.key()].RD == "" {
				return false, "FRR lacks " + w.String()
			}
		}
		return true, ""
	})
	// The hostname capability names the node FRR peers with, not the
	// machine vpnsim runs on.
	if text, err := l.vtysh("show bgp neighbors json"); err != nil {
		t.Errorf("show bgp neighbors json: %v", err)
	} else {
		var nbrs map[string]struct {
			Hostname string `json:"hostname"`
		}
		if err := json.Unmarshal([]byte(text), &nbrs); err != nil {
			t.Errorf("show bgp neighbors json: %v", err)
		}
		for addr, nb := range nbrs {
			if nb.Hostname != "RR1" {
				t.Errorf("FRR's neighbour %s has hostname %q, want RR1", addr, nb.Hostname)
			} else {
				say("  ok  FRR shows its neighbour %s as hostname %s", addr, nb.Hostname)
			}
		}
	}
	say("comparing FRR's `show bgp ipv4 vpn json` (and per prefix, for labels and route targets) with the model:")
	compare(t, "FRR", model, l.frrTable(t), frrRD+" "+frrPrefix)

	say("FRR advertises RD %s %s label %s RT %s (next hop: its session address %s):", frrRD, frrPrefix, frrLabel, frrRT, frrAddr)
	// Its next hop is FRR's session address, outside the model: RR1 holds
	// the path but never reflects it, so no PE sees it.
	l.checkInModel(t, "frr1", frrRD, frrPrefix, frrAddr, frrLabel, frrRT, map[string]bool{})
	l.notForwarded(t, "A1", "10.99.0.1", "PE1")
}

// notForwarded pings an address the route from outside covers: the ingress
// PE has no route for it and answers unreachable.
func (l *lab) notForwarded(t *testing.T, from, to, pe string) {
	t.Helper()
	r, err := l.client.Ping(api.ProbeRequest{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != "unreachable" || r.ReplyFrom != pe {
		t.Errorf("ping %s %s: %+v, want unreachable from %s", from, to, r, pe)
		return
	}
	say("  ok  ping %s %s: %s from %s (no route: not forwarded)", from, to, r.Result, r.ReplyFrom)
}

func frrConfig(rrPort int) string {
	return fmt.Sprintf(`frr defaults traditional
hostname frr1
!
! The route target of the route FRR originates; defined before the
! network statement that names it.
route-map VPNSIM-RT permit 10
 set extcommunity rt %[4]s
!
router bgp 65000
 bgp router-id %[1]s
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 127.0.0.1 remote-as 65000
 neighbor 127.0.0.1 port %[2]d
 neighbor 127.0.0.1 update-source %[3]s
 neighbor 127.0.0.1 timers connect 1
 !
 address-family ipv4 vpn
  neighbor 127.0.0.1 activate
  network %[5]s rd %[6]s label %[7]s route-map VPNSIM-RT
 exit-address-family
!
`, frrRouterID, rrPort, frrAddr, frrRT, frrPrefix, frrRD, frrLabel)
}

func (l *lab) vtysh(cmd string) ([]byte, error) {
	out, err := exec.Command("vtysh", "--vty_socket", l.path("frr"), "-c", cmd).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("vtysh -c %q: %v: %s", cmd, err, out)
	}
	return out, nil
}

// frrTable reads FRR's VPN table (see readFRR).
func (l *lab) frrTable(t *testing.T) map[string]route {
	t.Helper()
	m, err := l.readFRR()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readFRR reads FRR's VPN table: `show bgp ipv4 vpn json` for the routes
// and their next hops, `show bgp ipv4 vpn PREFIX json` for labels and
// route targets.
func (l *lab) readFRR() (map[string]route, error) {
	var tbl struct {
		Routes struct {
			RDs map[string]map[string][]struct {
				Nexthops []struct{ IP string } `json:"nexthops"`
			} `json:"routeDistinguishers"`
		} `json:"routes"`
	}
	text, err := l.vtysh("show bgp ipv4 vpn json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(text, &tbl); err != nil {
		return nil, err
	}
	out := map[string]route{}
	prefixes := map[string]bool{}
	for rd, m := range tbl.Routes.RDs {
		for prefix, paths := range m {
			r := route{RD: rd, Prefix: prefix}
			if len(paths) > 0 && len(paths[0].Nexthops) > 0 {
				r.NextHop = paths[0].Nexthops[0].IP
			}
			out[r.key()] = r
			prefixes[prefix] = true
		}
	}
	for prefix := range prefixes {
		var detail map[string]struct {
			Paths []struct {
				RemoteLabel *int `json:"remoteLabel"`
				ExtComm     struct {
					String string `json:"string"`
				} `json:"extendedCommunity"`
			} `json:"paths"`
		}
		text, err := l.vtysh("show bgp ipv4 vpn " + prefix + " json")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(text, &detail); err != nil {
			return nil, err
		}
		for rd, d := range detail {
			r, ok := out[rd+" "+prefix]
			if !ok || len(d.Paths) == 0 {
				continue
			}
			if p := d.Paths[0]; p.RemoteLabel != nil {
				r.Label = strconv.Itoa(*p.RemoteLabel)
			}
			var rts []string
			for _, f := range strings.Fields(d.Paths[0].ExtComm.String) {
				if rt, ok := strings.CutPrefix(f, "RT:"); ok {
					rts = append(rts, rt)
				}
			}
			r.RTs = strings.Join(rts, " ")
			out[r.key()] = r
		}
	}
	return out, nil
}

// gobgp runs gobgpd as PE1's iBGP neighbour, with its API on loopback.
func (l *lab) gobgp(t *testing.T, model []route) {
	text := gobgpConfig(l.ports["gobgpd"], l.ports["pe1-listen"])
	conf := l.write(t, "gobgpd.yaml", text)
	say("gobgpd.yaml:\n%s", text)
	l.start(t, "gobgpd", syscall.SIGTERM, "", "gobgpd", "-f", conf, "-t", "yaml",
		"--api-hosts", fmt.Sprintf("127.0.0.1:%d", l.ports["gobgpd-api"]), "--pprof-disable", "-p")
	// gobgpd's gRPC API comes up some time after the process starts (on a
	// loaded machine the CLI's first calls time out): wait for it to answer
	eventually(t, "gobgpd's API answers", func() (bool, string) {
		out, err := l.gobgpCLI("global")
		if err != nil {
			return false, fmt.Sprintf("%v: %s", err, bytes.TrimSpace(out))
		}
		return true, ""
	})

	// An iBGP neighbour of a PE gets the PE's own routes, nothing else.
	var want []route
	for _, r := range l.show(t, "PE1", "vpnv4", "") {
		if r["from"] == "local" {
			want = append(want, rowRoute(r))
		}
	}
	eventually(t, "gobgpd holds PE1's routes", func() (bool, string) {
		have := l.gobgpTable(t)
		for _, w := range want {
			if _, ok := have[w.key()]; !ok {
				return false, "gobgpd lacks " + w.String()
			}
		}
		return true, ""
	})
	say("comparing `gobgp global rib -a vpnv4 -j` with PE1's own routes (%d of the model's %d):", len(want), len(model))
	compare(t, "gobgpd", want, l.gobgpTable(t))

	args := []string{"global", "rib", "-a", "vpnv4", "add", gobgpPrefix, "label", gobgpLabel, "rd", gobgpRD, "rt", gobgpRT, "nexthop", gobgpNextHop}
	say("gobgp %s", strings.Join(args, " "))
	if out, err := l.gobgpCLI(args...); err != nil {
		t.Fatalf("gobgp: %v: %s", err, out)
	}
	l.checkInModel(t, "gobgp1", gobgpRD, gobgpPrefix, gobgpNextHop, gobgpLabel, gobgpRT, map[string]bool{"PE1 VRF B": true})
	l.notForwarded(t, "B1", "10.98.0.1", "PE1")
}

func gobgpConfig(port, pe1Port int) string {
	return fmt.Sprintf(`global:
  config:
    as: 65000
    router-id: %[1]s
    port: %[2]d
    local-address-list: [%[3]s]
neighbors:
  - config:
      neighbor-address: 127.0.0.1
      peer-as: 65000
    transport:
      config:
        local-address: %[3]s
        remote-port: %[4]d
    timers:
      config:
        connect-retry: 1
    afi-safis:
      - config:
          afi-safi-name: l3vpn-ipv4-unicast
`, gobgpRouterID, port, gobgpAddr, pe1Port)
}

func (l *lab) gobgpCLI(args ...string) ([]byte, error) {
	return exec.Command("gobgp", append([]string{"-u", "127.0.0.1", "-p", strconv.Itoa(l.ports["gobgpd-api"])}, args...)...).CombinedOutput()
}

// gobgpTable reads gobgpd's VPN table through its CLI.
func (l *lab) gobgpTable(t *testing.T) map[string]route {
	t.Helper()
	out, err := l.gobgpCLI("global", "rib", "-a", "vpnv4", "-j")
	if err != nil {
		t.Fatalf("gobgp global rib: %v: %s", err, out)
	}
	var rib map[string][]struct {
		NLRI struct {
			Prefix string `json:"prefix"`
			Labels []int  `json:"labels"`
		} `json:"nlri"`
		Attrs []struct {
			Type    int             `json:"type"`
			Nexthop string          `json:"nexthop"`
			Value   json.RawMessage `json:"value"`
		} `json:"attrs"`
	}
	if err := json.Unmarshal(out, &rib); err != nil {
		t.Fatalf("gobgp global rib: %v: %s", err, out)
	}
	have := map[string]route{}
	for key, paths := range rib {
		if len(paths) == 0 {
			continue
		}
		p := paths[0]
		rd := key[:strings.LastIndex(key, ":")]
		r := route{RD: rd, Prefix: p.NLRI.Prefix}
		if len(p.NLRI.Labels) > 0 {
			r.Label = strconv.Itoa(p.NLRI.Labels[0])
		}
		for _, a := range p.Attrs {
			switch a.Type {
			case 14: // MP_REACH_NLRI
				r.NextHop = a.Nexthop
			case 16: // EXTENDED COMMUNITIES
				var ecs []struct {
					Subtype int    `json:"subtype"`
					Value   string `json:"value"`
				}
				json.Unmarshal(a.Value, &ecs)
				var rts []string
				for _, ec := range ecs {
					if ec.Subtype == 2 {
						rts = append(rts, ec.Value)
					}
				}
				r.RTs = strings.Join(rts, " ")
			}
		}
		have[r.key()] = r
	}
	return have
}
