//go:build oracle

package oracle

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vpnsim/vpnsim/export"
	"github.com/vpnsim/vpnsim/topologies"
)

// frrDir is where Debian's frr package installs the daemons.
const frrDir = "/usr/lib/frr"

// Run is one topology running in FRR: a network namespace per router named
// Prefix-NODE, veth pairs created directly inside the namespaces (nothing
// appears in the host's namespace), and the daemons of each router with
// their pid files, sockets and logs in Dir/NODE. A PE's VRFs are network
// namespaces too (zebra -n, FRR's netns VRF backend), created in a mount
// namespace of the PE's own where a tmpfs hides the host's /run/netns: the
// PE sees only its VRFs, and they vanish with its daemons. Down removes
// everything Up made and nothing else.
type Run struct {
	Topo   *topologies.Topology
	Prefix string // namespace prefix, unique to the run
	Dir    string // work directory, made by the caller and removed by it
	Logf   func(format string, a ...any)

	mu   sync.Mutex
	made []string            // namespaces created, in order
	vrfs map[string][]string // PE -> VRF names (from its frr.conf)
	down bool
}

// live holds every run between Up and Down, for the signal handler.
var live = struct {
	sync.Mutex
	runs     map[*Run]bool
	stopping bool
}{runs: map[*Run]bool{}}

// DownAll tears down every live run and lets no new one start (on an
// interrupt, and at the end).
func DownAll() {
	live.Lock()
	live.stopping = true
	runs := make([]*Run, 0, len(live.runs))
	for r := range live.runs {
		runs = append(runs, r)
	}
	live.Unlock()
	for _, r := range runs {
		r.Down()
	}
}

func (r *Run) ns(node string) string { return r.Prefix + "-" + node }

func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// Up creates the namespaces and links and starts every router's daemons
// with its exported configuration.
func (r *Run) Up(ctx context.Context) error {
	live.Lock()
	if live.stopping {
		live.Unlock()
		return fmt.Errorf("interrupted")
	}
	live.runs[r] = true
	live.Unlock()

	files, err := export.FRR(r.Topo, export.Options{})
	if err != nil {
		return err
	}
	frr, err := user.Lookup("frr")
	if err != nil {
		return fmt.Errorf("FRR's user: %v (apt-get install frr)", err)
	}
	uid, _ := strconv.Atoi(frr.Uid)
	gid, _ := strconv.Atoi(frr.Gid)
	for _, f := range files {
		p := filepath.Join(r.Dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	r.vrfs = map[string][]string{}
	for _, n := range r.Topo.Nodes {
		if err := os.Chown(filepath.Join(r.Dir, n.Name), uid, gid); err != nil {
			return err
		}
		conf, err := os.ReadFile(filepath.Join(r.Dir, n.Name, export.FRRConf))
		if err != nil {
			return err
		}
		if err := writeOracleConf(filepath.Join(r.Dir, n.Name)); err != nil {
			return err
		}
		for _, m := range vrfLine.FindAllSubmatch(conf, -1) {
			r.vrfs[n.Name] = append(r.vrfs[n.Name], string(m[1]))
		}
	}

	for _, n := range r.Topo.Nodes {
		// Under the lock, so that a Down from the signal handler waits for
		// a namespace being made and then removes it too.
		r.mu.Lock()
		if r.down {
			r.mu.Unlock()
			return fmt.Errorf("interrupted")
		}
		r.made = append(r.made, r.ns(n.Name))
		err := run(ctx, "ip", "netns", "add", r.ns(n.Name))
		r.mu.Unlock()
		if err != nil {
			return err
		}
		if err := run(ctx, "ip", "-n", r.ns(n.Name), "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	for _, l := range r.Topo.Links {
		a, b := l.A, l.B
		if err := run(ctx, "ip", "link", "add", a.Name, "netns", r.ns(a.Node.Name), "type", "veth",
			"peer", "name", b.Name, "netns", r.ns(b.Node.Name)); err != nil {
			return err
		}
		for _, i := range []*topologies.Interface{a, b} {
			if err := run(ctx, "ip", "-n", r.ns(i.Node.Name), "link", "set", i.Name, "up"); err != nil {
				return err
			}
		}
	}
	for _, n := range r.Topo.Nodes {
		script, err := r.startScript(n)
		if err != nil {
			return err
		}
		p := filepath.Join(r.Dir, n.Name, "oracle-start.sh")
		if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
			return err
		}
		if err := run(ctx, "ip", "netns", "exec", r.ns(n.Name), "bash", p); err != nil {
			return fmt.Errorf("starting %s: %v", n.Name, err)
		}
	}
	return nil
}

var vrfLine = regexp.MustCompile(`(?m)^vrf (\S+)$`)

// startScript is what runs in a router's namespace (under ip netns exec, in
// a mount namespace of its own): setup.sh's settings for the netns VRF
// backend and no kernel MPLS, then the daemons, then the configuration.
func (r *Run) startScript(n *topologies.Node) (string, error) {
	dir := filepath.Join(r.Dir, n.Name)
	setup, err := os.ReadFile(filepath.Join(dir, export.Setup))
	if err != nil {
		return "", err
	}
	daemons, err := os.ReadFile(filepath.Join(dir, export.Daemons))
	if err != nil {
		return "", err
	}
	vrfs := r.vrfs[n.Name]
	var b strings.Builder
	fmt.Fprintf(&b, "# %s of %s, written by the oracle suite (oracle/netns.go)\nset -e\n", n.Name, r.Topo.Name)
	if len(vrfs) > 0 {
		// Only this PE's VRFs are visible to its zebra -n: a tmpfs over
		// /run/netns in this mount namespace (ip netns exec made it a slave
		// of the host's, so nothing propagates back).
		b.WriteString("mount -t tmpfs -o size=1m,mode=0755 vpnsim-oracle /run/netns\n")
		for _, v := range vrfs {
			fmt.Fprintf(&b, "ip netns add %s\nip -n %s link set lo up\n", v, v)
		}
	}
	// setup.sh, translated: what needs kernel MPLS or VRF devices has no
	// place here (no kernel MPLS; VRFs are namespaces); an attachment
	// enslaved to a VRF device moves into the VRF's namespace instead.
	master := regexp.MustCompile(`^ip link set (\S+) master (\S+)$`)
	sc := bufio.NewScanner(bytes.NewReader(setup))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "set -e":
		case strings.HasPrefix(line, "sysctl -w net.mpls."):
		case strings.HasPrefix(line, "sysctl -w net.ipv4."):
			b.WriteString(strings.Replace(line, "sysctl -w", "sysctl -qw", 1) + "\n")
		case strings.HasPrefix(line, "ip addr add "), strings.HasPrefix(line, "ip addr replace "):
			b.WriteString(line + "\n")
		case regexp.MustCompile(`^ip link add \S+ type vrf table \d+$`).MatchString(line),
			regexp.MustCompile(`^ip link set \S+ up$`).MatchString(line) && slices.Contains(vrfs, strings.Fields(line)[3]):
		case master.MatchString(line):
			m := master.FindStringSubmatch(line)
			fmt.Fprintf(&b, "ip link set %s netns %s\nip -n %s link set %s up\n", m[1], m[2], m[2], m[1])
		default:
			return "", fmt.Errorf("%s/setup.sh: the oracle does not know how to run %q here", n.Name, line)
		}
	}
	common := fmt.Sprintf("-d -z %s/zserv.api --vty_socket %s -P 0", dir, dir)
	daemon := func(name, extra string) {
		fmt.Fprintf(&b, "%s/%s %s%s -i %s/%s.pid --log file:%s/%s.log\n", frrDir, name, common, extra, dir, name, dir, name)
	}
	zextra := ""
	if len(vrfs) > 0 {
		zextra = " -n"
	}
	daemon("zebra", zextra)
	fmt.Fprintf(&b, "for i in $(seq 100); do [ -S %s/zserv.api ] && break; sleep 0.05; done\n", dir)
	daemon("staticd", "")
	want := []string{"zebra", "staticd"}
	for _, d := range []string{"isisd", "ldpd", "bgpd"} {
		if !regexp.MustCompile(`(?m)^` + d + `=yes$`).Match(daemons) {
			continue
		}
		extra := ""
		if d == "ldpd" {
			extra = " --ctl_socket " + dir
		}
		daemon(d, extra)
		want = append(want, d)
	}
	for _, d := range want {
		fmt.Fprintf(&b, "for i in $(seq 100); do [ -S %s/%s.vty ] && break; sleep 0.05; done\n", dir, d)
	}
	fmt.Fprintf(&b, "vtysh --vty_socket %s -f %s/%s >%s/vtysh-config.log 2>&1 || { cat %s/vtysh-config.log; exit 1; }\n",
		dir, dir, oracleConf, dir, dir)
	return b.String(), nil
}

// oracleConf is frr.conf with the oracle's one change, a timer: IS-IS
// regenerates its LSP at most every lsp-gen-interval (30 s by default), so
// the LSP a router makes when its first adjacency comes up, right after the
// one it made at start-up, would wait half a minute. 1 s changes when
// routes appear, not which.
const oracleConf = "frr-oracle.conf"

func writeOracleConf(dir string) error {
	conf, err := os.ReadFile(filepath.Join(dir, export.FRRConf))
	if err != nil {
		return err
	}
	s := strings.Replace(string(conf), "\nrouter isis core\n", "\nrouter isis core\n lsp-gen-interval 1\n", 1)
	return os.WriteFile(filepath.Join(dir, oracleConf), []byte(s), 0o644)
}

// Down stops every daemon and removes every namespace the run made (the
// veths and the PEs' VRF namespaces go with them). It is safe to call more
// than once and from a signal handler's goroutine.
func (r *Run) Down() {
	r.mu.Lock()
	r.down = true
	made := slices.Clone(r.made)
	r.made = nil
	r.mu.Unlock()
	ctx := context.Background()
	pidsOf := func(ns string) []int {
		out, err := exec.Command("ip", "netns", "pids", ns).Output()
		if err != nil {
			return nil
		}
		var pids []int
		for _, f := range strings.Fields(string(out)) {
			if p, err := strconv.Atoi(f); err == nil {
				pids = append(pids, p)
			}
		}
		return pids
	}
	for _, ns := range made {
		for _, p := range pidsOf(ns) {
			syscall.Kill(p, syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, ns := range made {
		for len(pidsOf(ns)) > 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		for _, p := range pidsOf(ns) {
			syscall.Kill(p, syscall.SIGKILL)
		}
		if err := run(ctx, "ip", "netns", "del", ns); err != nil && r.Logf != nil {
			r.Logf("tear-down: %v", err)
		}
	}
	live.Lock()
	delete(live.runs, r)
	live.Unlock()
}

// vtysh runs commands on node's daemons and returns what they print.
func (r *Run) vtysh(ctx context.Context, node string, cmds ...string) ([]byte, error) {
	args := []string{"--vty_socket", filepath.Join(r.Dir, node)}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	out, err := exec.CommandContext(ctx, "vtysh", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("%s: vtysh %q: %v", node, cmds, err)
	}
	return out, nil
}

// Ready reports whether FRR's sessions are all up: every provider router
// has an IS-IS route to every other loopback and an operational LDP
// session with every neighbour, and every BGP session is established. It
// says what is missing when not.
func (r *Run) Ready(ctx context.Context) (bool, string, error) {
	t := r.Topo
	var loopbacks int
	for _, n := range t.Nodes {
		if provider(n) {
			loopbacks++
		}
	}
	for _, n := range t.Nodes {
		if provider(n) {
			out, err := r.vtysh(ctx, n.Name, "show ip route isis json")
			if err != nil {
				return false, "", err
			}
			f := Facts{}
			if err := frrIGP(f, namesOf(t), n, out); err != nil {
				return false, "", err
			}
			if len(f) < loopbacks-1 {
				return false, fmt.Sprintf("%s has IS-IS routes to %d of %d loopbacks", n.Name, len(f), loopbacks-1), nil
			}
			neigh := map[string]bool{}
			for _, i := range n.Interfaces {
				if p := i.Peer().Node; provider(p) {
					neigh[p.Loopback.String()] = true
				}
			}
			out, err = r.vtysh(ctx, n.Name, "show mpls ldp neighbor json")
			if err != nil {
				return false, "", err
			}
			var ldp struct {
				Neighbors []struct {
					NeighborID string `json:"neighborId"`
					State      string `json:"state"`
				} `json:"neighbors"`
			}
			if err := json.Unmarshal(out, &ldp); err != nil {
				return false, "", fmt.Errorf("%s ldp neighbors: %v", n.Name, err)
			}
			up := 0
			for _, x := range ldp.Neighbors {
				if neigh[x.NeighborID] && x.State == "OPERATIONAL" {
					up++
				}
			}
			if up < len(neigh) {
				return false, fmt.Sprintf("%s has %d of %d LDP sessions", n.Name, up, len(neigh)), nil
			}
		}
		d, err := os.ReadFile(filepath.Join(r.Dir, n.Name, export.Daemons))
		if err != nil {
			return false, "", err
		}
		if !bytes.Contains(d, []byte("\nbgpd=yes")) {
			continue
		}
		out, err := r.vtysh(ctx, n.Name, "show bgp vrf all summary json")
		if err != nil {
			return false, "", err
		}
		var sum map[string]map[string]json.RawMessage
		if err := json.Unmarshal(out, &sum); err != nil {
			return false, "", fmt.Errorf("%s bgp summary: %v", n.Name, err)
		}
		for vrfName, afs := range sum {
			for _, raw := range afs {
				var af struct {
					Peers map[string]struct {
						State string `json:"state"`
					} `json:"peers"`
				}
				if json.Unmarshal(raw, &af) != nil {
					continue
				}
				for addr, p := range af.Peers {
					if p.State != "Established" {
						return false, fmt.Sprintf("%s's BGP session with %s (VRF %s) is %s", n.Name, addr, vrfName, p.State), nil
					}
				}
			}
		}
	}
	return true, "", nil
}

// Collect reads FRR's tables from every router.
func (r *Run) Collect(ctx context.Context) (Raw, error) {
	raw := Raw{}
	for _, n := range r.Topo.Nodes {
		m := map[string][]byte{}
		raw[n.Name] = m
		var err error
		if provider(n) {
			if m["igp"], err = r.vtysh(ctx, n.Name, "show ip route isis json"); err != nil {
				return nil, err
			}
			if m["ldp"], err = r.vtysh(ctx, n.Name, "show mpls ldp binding json"); err != nil {
				return nil, err
			}
		}
		if speaker(n) {
			out, err := r.vtysh(ctx, n.Name, "show bgp ipv4 vpn json")
			if err != nil {
				return nil, err
			}
			var list struct {
				Routes struct {
					RDs map[string]json.RawMessage `json:"routeDistinguishers"`
				} `json:"routes"`
			}
			if err := json.Unmarshal(out, &list); err != nil {
				return nil, fmt.Errorf("%s: show bgp ipv4 vpn json: %v", n.Name, err)
			}
			var cmds []string
			for _, rd := range sortedKeys(list.Routes.RDs) {
				var prefixes map[string]json.RawMessage
				if err := json.Unmarshal(list.Routes.RDs[rd], &prefixes); err != nil {
					return nil, fmt.Errorf("%s: show bgp ipv4 vpn json, RD %s: %v", n.Name, rd, err)
				}
				for _, p := range sortedKeys(prefixes) {
					cmds = append(cmds, fmt.Sprintf("show bgp ipv4 vpn rd %s %s json", rd, p))
				}
			}
			var all []byte
			for len(cmds) > 0 {
				k := min(len(cmds), 100)
				out, err := r.vtysh(ctx, n.Name, cmds[:k]...)
				if err != nil {
					return nil, err
				}
				all = append(all, out...)
				cmds = cmds[k:]
			}
			m["vpnv4"] = all
		}
		if n.Role == topologies.RolePE {
			for _, v := range r.vrfs[n.Name] {
				if m["vrf-"+v], err = r.vtysh(ctx, n.Name, "show ip route vrf "+v+" json"); err != nil {
					return nil, err
				}
			}
		}
	}
	return raw, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
