//go:build oracle

package oracle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

var (
	flagTopologies = flag.String("topologies", "", "comma-separated topologies to run (default: every built-in and "+zooName+")")
	flagDir        = flag.String("dir", "", "work directory (default: a new one under the system's temporary directory, removed at the end)")
	flagPrefix     = flag.String("prefix", "", "namespace name prefix, unique to the run (default: vo and 6 random hex digits)")
	flagRecord     = flag.Bool("record", false, "write FRR's output to testdata/frr/TOPOLOGY/ (for the unit tests)")
	flagBound      = flag.Duration("bound", 150*time.Second, "the longest wait for FRR to converge, per topology")
	flagHold       = flag.Duration("hold", 0, "keep each topology's FRR running this long after comparing, to look at it with vtysh --vty_socket DIR/NODE (an interrupt ends it and tears down)")
	flagQuiet      = flag.Duration("quiet", 35*time.Second, "with differences left, how long FRR's tables must stay the same to count as converged (more than eBGP's 30 s advertisement interval)")
)

// zooName is the Topology Zoo backbone the suite runs besides the
// built-ins: Abilene with vpnsim import zoo's defaults (4 PEs, 1 route
// reflector, 2 customers of 2 sites).
const zooName = "zoo-abilene"

// madeDir is the work directory the suite made (and removes, also on an
// interrupt); "" when -dir named one.
var madeDir string

func zooTopology() (*topologies.Topology, error) {
	file := "../data/topology-zoo/Abilene.graphml"
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := graphml.Read(file, f)
	if err != nil {
		return nil, err
	}
	opts := gen.DefaultZooOptions()
	opts.Source = "Abilene.graphml"
	data, _, err := gen.Zoo(g, opts)
	if err != nil {
		return nil, err
	}
	data = []byte(strings.Replace(string(data), "\nname: ", "\nname: "+zooName+" #", 1))
	t, _, err := topologies.Parse(zooName+".yaml", data)
	return t, err
}

func TestMain(m *testing.M) {
	flag.Parse()
	// An interrupt tears down what the suite made before it exits.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "oracle: %v: tearing down\n", s)
		DownAll()
		if madeDir != "" {
			os.RemoveAll(madeDir)
		}
		os.Exit(130)
	}()
	code := m.Run()
	DownAll()
	os.Exit(code)
}

func TestOracle(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("the oracle creates network namespaces: run it as root (make oracle)")
	}
	for _, d := range []string{"zebra", "staticd", "isisd", "ldpd", "bgpd"} {
		if _, err := os.Stat(filepath.Join(frrDir, d)); err != nil {
			t.Fatalf("%s/%s is missing: apt-get install frr", frrDir, d)
		}
	}
	if out, err := exec.Command(filepath.Join(frrDir, "zebra"), "--version").Output(); err == nil {
		// the allow-list speaks of FRR 8.4 (Debian's); another version may differ
		t.Logf("%s", strings.SplitN(string(out), "\n", 2)[0])
	}
	allow, err := DefaultAllowList()
	if err != nil {
		t.Fatal(err)
	}
	prefix := *flagPrefix
	if prefix == "" {
		b := make([]byte, 3)
		rand.Read(b)
		prefix = "vo" + hex.EncodeToString(b)
	}
	base := *flagDir
	if base == "" {
		// FRR's daemons run as the frr user: the work directory must be
		// reachable by it (t.TempDir's is not).
		base, err = os.MkdirTemp("", "vpnsim-oracle-")
		if err != nil {
			t.Fatal(err)
		}
		madeDir = base
		defer os.RemoveAll(base)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	names := append(topologies.BuiltinNames(), zooName)
	if *flagTopologies != "" {
		names = strings.Split(*flagTopologies, ",")
	}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			var topo *topologies.Topology
			var err error
			if name == zooName {
				topo, err = zooTopology()
			} else {
				topo, _, err = topologies.Builtin(name)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(topo.EVPNs) > 0 {
				// FRR 8.4 runs EVPN over VXLAN only: the export leaves
				// EVPN attachments and their hosts out (docs/real-lab.md),
				// and the oracle has no FRR to compare them with
				t.Skipf("%s has EVPN instances, which FRR 8.4 cannot run over MPLS", name)
			}
			dir := filepath.Join(base, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			oracle(t, topo, &Run{Topo: topo, Prefix: fmt.Sprintf("%s-%02d", prefix, i), Dir: dir, Logf: t.Logf}, allow)
		})
	}
}

func oracle(t *testing.T, topo *topologies.Topology, r *Run, allow AllowList) {
	ctx := context.Background()
	start := time.Now()
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(ctx); err != nil {
		l.Close()
		t.Fatal(err)
	}
	sim, err := SimFacts(l)
	l.Close()
	if err != nil {
		t.Fatal(err)
	}

	defer r.Down()
	if err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var (
		rows      []Row
		last      Facts
		lastRaw   Raw
		stable    time.Time
		converged string
		lastWhy   = "-"
	)
	for {
		time.Sleep(2 * time.Second)
		waited := time.Since(start)
		ok, why, err := r.Ready(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if why != lastWhy {
			t.Logf("%5.1fs %s", waited.Seconds(), why)
			lastWhy = why
		}
		if !ok {
			if waited > *flagBound {
				t.Fatalf("FRR did not converge within %v: %s", *flagBound, why)
			}
			continue
		}
		raw, err := r.Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		frr, err := FRRFacts(topo, raw)
		if err != nil {
			t.Fatal(err)
		}
		rows = Compare(frr, sim)
		allow.Apply(topo.Name, rows)
		lastRaw = raw
		if len(Failing(rows)) == 0 && last != nil && equalFacts(last, frr) {
			// twice in a row, so that a match on the way is not taken for the end
			converged = "FRR's tables match"
			break
		}
		if last == nil || !equalFacts(last, frr) {
			last, stable = frr, time.Now()
		}
		if time.Since(stable) >= *flagQuiet {
			converged = fmt.Sprintf("FRR's tables unchanged for %v", *flagQuiet)
			break
		}
		if waited > *flagBound {
			converged = fmt.Sprintf("gave up waiting after %v", *flagBound)
			break
		}
	}
	counts := map[string]int{}
	for e := range last {
		counts[e.Table]++
	}
	var parts []string
	for _, tb := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", tb, counts[tb]))
	}
	t.Logf("%s after %.1fs (%d routers); FRR entries compared: %s; %d differences, %d allowed",
		converged, time.Since(start).Seconds(), len(topo.Nodes), strings.Join(parts, ", "), len(rows), len(rows)-len(Failing(rows)))
	if len(rows) > 0 {
		var b strings.Builder
		Print(&b, rows)
		t.Logf("differences:\n%s", b.String())
	}
	if *flagHold > 0 {
		t.Logf("holding for %v: vtysh --vty_socket %s/NODE; namespaces %s-NODE", *flagHold, r.Dir, r.Prefix)
		time.Sleep(*flagHold)
	}
	if *flagRecord {
		if err := WriteRaw(filepath.Join("testdata", "frr", topo.Name), lastRaw); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(Failing(rows)); n > 0 {
		t.Errorf("%d differences not in the allow-list (oracle/allow.yaml)", n)
	}
}

func equalFacts(a, b Facts) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]string) bool { return maps.Equal(x, y) })
}
