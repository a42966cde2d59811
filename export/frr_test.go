package export

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// frrSbin is where Debian and Ubuntu install FRR's daemons.
const frrSbin = "/usr/lib/frr"

// frrTmp is where FRR's daemons keep a directory per process
// (DAEMON.PID), which a dry run leaves behind.
const frrTmp = "/var/tmp/frr"

// frrCheck is how FRR's own parsers are run on a configuration.
type frrCheck struct {
	vtysh string
	// daemons: run each daemon of the router's daemons file with -C in a
	// network namespace of its own (unshare --net) as well. This needs
	// root; without it only vtysh checks.
	daemons bool
}

// findFRR finds vtysh and says whether the daemons can run. Without FRR
// the test is skipped, unless the environment says CI=true: there FRR must
// be installed.
func findFRR(t *testing.T) frrCheck {
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		const msg = "FRR is not installed (no vtysh in PATH); Debian and Ubuntu: apt-get install frr"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true requires it")
		}
		t.Skip(msg + "; skipping FRR's dry run of the exported configurations")
	}
	c := frrCheck{vtysh: vtysh}
	switch {
	case os.Geteuid() != 0:
		t.Log("the daemons' -C check needs root; checking with vtysh --dryrun alone")
	case exec.Command("unshare", "--net", "true").Run() != nil:
		t.Log("unshare --net does not work here, and the daemons are only run in a network namespace of their own; checking with vtysh --dryrun alone")
	default:
		if _, err := os.Stat(filepath.Join(frrSbin, "zebra")); err != nil {
			t.Fatalf("vtysh is installed but FRR's daemons are not in %s: %v", frrSbin, err)
		}
		c.daemons = true
	}
	return c
}

// Every frr.conf exported from every built-in topology and the Abilene
// import passes FRR's own parsers in dry-run mode: vtysh --dryrun must
// accept every line, and (as root) each daemon the router runs reads the
// file with -C and may reject no command it owns, while every line must be
// taken by one of them.
func TestFRRAcceptsEveryConfiguration(t *testing.T) {
	frr := findFRR(t)
	checks := "vtysh --dryrun"
	if frr.daemons {
		checks += " and the daemons' -C"
	}
	for _, topo := range everyTopology(t) {
		t.Run(topo.Name, func(t *testing.T) {
			files, err := FRR(topo, Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := frrDir(t)
			if err := files.writeInto(dir); err != nil {
				t.Fatal(err)
			}
			nodes := exportedNodes(topo)
			problems := make([][]string, len(nodes))
			var wg sync.WaitGroup
			sem := make(chan struct{}, runtime.GOMAXPROCS(0))
			for i, n := range nodes {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					problems[i] = frr.check(filepath.Join(dir, n.Name))
				})
			}
			wg.Wait()
			for i, n := range nodes {
				for _, p := range problems[i] {
					t.Errorf("%s/frr.conf: %s", n.Name, p)
				}
			}
			t.Logf("%s: %d frr.conf files pass %s", topo.Name, len(nodes), checks)
		})
	}
}

// A configuration with mistakes of each kind FRR catches is rejected: the
// check can fail.
func TestFRRCheckRejectsMistakes(t *testing.T) {
	frr := findFRR(t)
	dir := frrDir(t)
	files, err := FRR(builtin(t, "classic"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := files.writeInto(dir); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "PE1", FRRConf)
	good, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(pairs ...string) func([]byte) []byte {
		return func(b []byte) []byte {
			for i := 0; i < len(pairs); i += 2 {
				if !bytes.Contains(b, []byte(pairs[i])) {
					t.Fatalf("PE1/frr.conf has no %q", pairs[i])
				}
				b = bytes.Replace(b, []byte(pairs[i]), []byte(pairs[i+1]), 1)
			}
			return b
		}
	}
	tests := []struct {
		name    string
		edit    func([]byte) []byte
		want    string
		daemons bool // only the daemons' check sees it
	}{
		{"unknown command", replace(" isis passive\n", " isis passive\n no such command\n"), "no such command", false},
		{"command of a daemon that does not run", replace("router bgp 65000\n", "router ospf\n!\nrouter bgp 65000\n"), "none of zebra, staticd, bgpd, isisd, ldpd takes \"router ospf\"", true},
		{"metric above 63 with narrow metrics", replace("metric-style wide", "metric-style narrow", "isis metric 10", "isis metric 100"), "Configuration failed", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.daemons && !frr.daemons {
				t.Skip("only the daemons' -C check catches this, and it cannot run here")
			}
			if err := os.WriteFile(conf, tc.edit(slices.Clone(good)), 0o644); err != nil {
				t.Fatal(err)
			}
			problems := frr.check(filepath.Dir(conf))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("problems %q, want one about %q", problems, tc.want)
			}
		})
	}
}

// frrDir returns a new directory that FRR's daemons, which drop root for
// their own user before they read a configuration, can read.
func frrDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "vpnsim-frr-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	noSuchCommand = regexp.MustCompile(`No such command on config line (\d+): ?(.*)$`)
	// rejected are the other messages of a daemon that did not take its
	// configuration: a command that failed, a file it could not read, a
	// configuration its YANG model refused.
	rejected = regexp.MustCompile(`on config line \d+|vty_read_config|failed to validate|^%`)
)

// check runs FRR's parsers on dir/frr.conf and returns what they reject.
func (c frrCheck) check(dir string) []string {
	conf := filepath.Join(dir, FRRConf)
	var problems []string
	out, err := exec.Command(c.vtysh, "--dryrun", "-f", conf).CombinedOutput()
	if err != nil {
		problems = append(problems, fmt.Sprintf("vtysh --dryrun -f %s: %v: %s", conf, err, bytes.TrimSpace(out)))
	}
	if !c.daemons {
		return problems
	}
	daemons, err := runningDaemons(filepath.Join(dir, Daemons))
	if err != nil {
		return append(problems, err.Error())
	}
	data, err := os.ReadFile(conf)
	if err != nil {
		return append(problems, err.Error())
	}
	forDaemons := filepath.Join(dir, "daemons-check.conf")
	if err := os.WriteFile(forDaemons, withoutVtyshLines(data), 0o644); err != nil {
		return append(problems, err.Error())
	}
	refused := map[int]int{} // line number -> daemons that have no such command
	text := map[int]string{}
	for _, d := range daemons {
		lines, err := c.dryRun(d, forDaemons, dir)
		if err != nil {
			problems = append(problems, err.Error())
		}
		seen := map[int]bool{} // a daemon logs each message twice
		for _, l := range lines {
			if m := noSuchCommand.FindStringSubmatch(l); m != nil {
				n, _ := strconv.Atoi(m[1])
				if !seen[n] {
					seen[n] = true
					refused[n]++
					text[n] = m[2]
				}
				continue
			}
			if rejected.MatchString(l) {
				problems = append(problems, d+" -C: "+l)
			}
		}
	}
	var lines []int
	for n, k := range refused {
		if k == len(daemons) {
			lines = append(lines, n)
		}
	}
	slices.Sort(lines)
	for _, n := range lines {
		problems = append(problems, fmt.Sprintf("line %d: none of %s takes %q", n, strings.Join(daemons, ", "), text[n]))
	}
	return problems
}

// withoutVtyshLines turns into comments the lines of an integrated
// configuration that only vtysh handles, keeping every other line where it
// is. vtysh -b sends each daemon only the blocks it owns; a daemon reading
// the whole file itself would take the "exit" that ends another daemon's
// block as leaving configuration mode, and refuse every line after it. FRR
// finds where a block ends without its exit.
func withoutVtyshLines(conf []byte) []byte {
	lines := strings.Split(string(conf), "\n")
	for i, l := range lines {
		switch strings.TrimSpace(l) {
		case "exit", "service integrated-vtysh-config":
			lines[i] = "!"
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// dryRun runs one daemon with -C on conf in a network namespace of its
// own, and returns its output lines.
func (c frrCheck) dryRun(daemon, conf, dir string) ([]string, error) {
	cmd := exec.Command("unshare", "--net", "--", filepath.Join(frrSbin, daemon), "-C", "-f", conf,
		"-i", filepath.Join(dir, daemon+".pid"), "--vty_socket", dir)
	out, err := cmd.CombinedOutput()
	if cmd.Process != nil { // unshare execs the daemon: the same process
		os.RemoveAll(filepath.Join(frrTmp, daemon+"."+strconv.Itoa(cmd.Process.Pid)))
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err != nil {
		return lines, fmt.Errorf("%s -C -f %s: %v", daemon, conf, err)
	}
	return lines, nil
}

// runningDaemons reads a daemons file: zebra and staticd, and every daemon
// it sets to yes.
func runningDaemons(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := []string{"zebra", "staticd"}
	for _, l := range strings.Split(string(data), "\n") {
		if d, ok := strings.CutSuffix(l, "=yes"); ok && !strings.Contains(d, "_") && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}
