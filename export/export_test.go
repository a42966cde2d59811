package export

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/gen"
	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/topologies"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// zooFile is Abilene's backbone from the Internet Topology Zoo.
const zooFile = "../data/topology-zoo/Abilene.graphml"

// abilene imports Abilene as vpnsim import zoo does with its defaults.
func abilene(t testing.TB) *topologies.Topology {
	t.Helper()
	f, err := os.Open(zooFile)
	if err != nil {
		t.Fatalf("the Abilene import needs the Topology Zoo's GraphML: %v", err)
	}
	defer f.Close()
	g, err := graphml.Read(zooFile, f)
	if err != nil {
		t.Fatal(err)
	}
	o := gen.DefaultZooOptions()
	o.Source = zooFile
	data, _, err := gen.Zoo(g, o)
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, "Abilene.yaml", string(data))
}

func parse(t testing.TB, file, src string) *topologies.Topology {
	t.Helper()
	topo, _, err := topologies.Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func builtin(t testing.TB, name string) *topologies.Topology {
	t.Helper()
	topo, _, err := topologies.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

// everyTopology returns every built-in topology and the Abilene import.
func everyTopology(t testing.TB) []*topologies.Topology {
	var out []*topologies.Topology
	for _, name := range topologies.BuiltinNames() {
		out = append(out, builtin(t, name))
	}
	return append(out, abilene(t))
}

func exportClab(t testing.TB, topo *topologies.Topology) Files {
	t.Helper()
	files, err := Containerlab(topo, Options{})
	if err != nil {
		t.Fatalf("%s: %v", topo.Name, err)
	}
	return files
}

// file returns the content of the file at path, failing when there is none.
func (fs Files) file(t testing.TB, path string) string {
	t.Helper()
	for _, f := range fs {
		if f.Path == path {
			return string(f.Data)
		}
	}
	t.Fatalf("the export has no %s", path)
	return ""
}

// Every topology exports: a clab file and three files per router, sorted,
// each router's frr.conf naming it, the script executable, and the same
// bytes every time.
func TestEveryTopologyExports(t *testing.T) {
	for _, topo := range everyTopology(t) {
		t.Run(topo.Name, func(t *testing.T) {
			files := exportClab(t, topo)
			var want []string
			for _, n := range exportedNodes(topo) {
				want = append(want, n.Name+"/"+Daemons, n.Name+"/"+FRRConf, n.Name+"/"+Setup)
			}
			want = append(want, topo.Name+".clab.yml")
			slices.Sort(want)
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
				wantMode := os.FileMode(0o644)
				if strings.HasSuffix(f.Path, ".sh") {
					wantMode = 0o755
				}
				if f.Mode != wantMode {
					t.Errorf("%s: mode %v, want %v", f.Path, f.Mode, wantMode)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("files\n%v\nwant\n%v", got, want)
			}
			for _, n := range exportedNodes(topo) {
				if !strings.Contains(files.file(t, n.Name+"/"+FRRConf), "\nhostname "+n.Name+"\n") {
					t.Errorf("%s/frr.conf does not say hostname %s", n.Name, n.Name)
				}
			}
			frrOnly, err := FRR(topo, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(frrOnly) != len(files)-1 || slices.ContainsFunc(frrOnly, func(f File) bool { return strings.HasSuffix(f.Path, ".clab.yml") }) {
				t.Errorf("FRR gave %d files, want the %d router files without the clab file", len(frrOnly), len(files)-1)
			}
			again := exportClab(t, topo)
			for i := range files {
				if !bytes.Equal(files[i].Data, again[i].Data) {
					t.Errorf("%s differs between two exports of the same topology", files[i].Path)
				}
			}
		})
	}
}

// The whole export of classic is pinned by golden files under
// testdata/classic; go test ./export -update rewrites them.
func TestGoldenClassic(t *testing.T) {
	files := exportClab(t, builtin(t, "classic"))
	root := filepath.Join("testdata", "classic")
	if *update {
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
		if err := files.writeInto(root); err != nil {
			t.Fatal(err)
		}
	}
	var onDisk []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatalf("%v (go test ./export -update writes the golden files)", err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
		want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%v (go test ./export -update writes it)", err)
			continue
		}
		if !bytes.Equal(f.Data, want) {
			t.Errorf("%s differs from %s (go test ./export -update rewrites it):\n--- got\n%s\n--- want\n%s", f.Path, root, f.Data, want)
		}
	}
	slices.Sort(onDisk)
	if !slices.Equal(onDisk, paths) {
		t.Errorf("%s holds %v, the export %v (go test ./export -update rewrites it)", root, onDisk, paths)
	}
}

// The clab file is YAML with containerlab's structure: a name, a node per
// router (kind linux, the image, its own files bound in), and a link per
// topology link whose endpoints NODE:IF name real nodes and interfaces,
// each interface once.
func TestClabFileStructure(t *testing.T) {
	for _, topo := range everyTopology(t) {
		t.Run(topo.Name, func(t *testing.T) {
			files, err := Containerlab(topo, Options{Image: "quay.io/frrouting/frr", Tag: "8.4.1"})
			if err != nil {
				t.Fatal(err)
			}
			checkClab(t, topo, files, "quay.io/frrouting/frr:8.4.1")
		})
	}
}

// Generated providers of other shapes export too: no route reflector, three
// of them, and hundreds of VRFs (whose kernel tables must stay clear of the
// kernel's own).
func TestSyntheticNetworksExport(t *testing.T) {
	for _, o := range []gen.SyntheticOptions{
		{P: 1, PEs: 2, RRs: 0, VRFs: 1, VRFPEs: 2, Sites: 2, Prefixes: 1, Seed: 1},
		{P: 12, PEs: 5, RRs: 3, VRFs: 4, VRFPEs: 3, Sites: 3, Prefixes: 2, Seed: 7},
		{P: 4, PEs: 2, RRs: 1, VRFs: 300, VRFPEs: 1, Sites: 1, Prefixes: 1, Seed: 3},
	} {
		data, err := gen.Synthetic(o)
		if err != nil {
			t.Fatal(err)
		}
		topo := parse(t, "synthetic.yaml", string(data))
		files := exportClab(t, topo)
		checkClab(t, topo, files, DefaultImage+":"+DefaultTag)
		for _, v := range topo.VRFs {
			if n := table(v); n <= 255 {
				t.Errorf("VRF %s gets kernel table %d, one of the kernel's own", v.Name, n)
			}
		}
	}
}

// checkClab checks the structure of the export's clab file.
// exportedNodes are the nodes a lab holds: all but EVPN hosts (FRR 8.4
// runs EVPN over VXLAN only).
func exportedNodes(topo *topologies.Topology) []*topologies.Node {
	var out []*topologies.Node
	for _, n := range topo.Nodes {
		if exported(n) {
			out = append(out, n)
		}
	}
	return out
}

func checkClab(t *testing.T, topo *topologies.Topology, files Files, image string) {
	t.Helper()
	var doc struct {
		Name     string
		Topology struct {
			Nodes map[string]struct {
				Kind, Image string
				Binds, Exec []string
				Sysctls     map[string]string
			}
			Links []struct{ Endpoints []string }
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(files.file(t, topo.Name+".clab.yml")))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the clab file is not the YAML containerlab reads: %v", err)
	}
	if doc.Name != topo.Name {
		t.Errorf("name %q, want %q", doc.Name, topo.Name)
	}
	if len(doc.Topology.Nodes) != len(exportedNodes(topo)) {
		t.Errorf("%d nodes, want %d", len(doc.Topology.Nodes), len(exportedNodes(topo)))
	}
	for name, n := range doc.Topology.Nodes {
		if topo.Node(name) == nil {
			t.Errorf("node %s is not in the topology", name)
		}
		if n.Kind != "linux" || n.Image != image {
			t.Errorf("node %s: kind %q image %q, want linux and %s", name, n.Kind, n.Image, image)
		}
		for _, b := range n.Binds {
			src, dst, _ := strings.Cut(b, ":")
			files.file(t, src)
			if !strings.HasPrefix(src, name+"/") || dst != "/etc/frr/"+filepath.Base(src) {
				t.Errorf("node %s binds %s", name, b)
			}
		}
		if len(n.Binds) != 2 || len(n.Exec) == 0 || n.Sysctls["net.ipv4.ip_forward"] != "1" {
			t.Errorf("node %s: binds %v, exec %v, sysctls %v", name, n.Binds, n.Exec, n.Sysctls)
		}
	}
	var links []*topologies.Link // EVPN attachments are not exported
	for _, l := range topo.Links {
		if !l.IsEVPN() {
			links = append(links, l)
		}
	}
	if len(doc.Topology.Links) != len(links) {
		t.Fatalf("%d links, want %d", len(doc.Topology.Links), len(links))
	}
	used := map[string]bool{}
	for i, l := range doc.Topology.Links {
		want := []string{links[i].A.String(), links[i].B.String()}
		if !slices.Equal(l.Endpoints, want) {
			t.Errorf("link %d has endpoints %v, want the topology's %v", i, l.Endpoints, want)
		}
		for _, ep := range l.Endpoints {
			node, ifname, ok := strings.Cut(ep, ":")
			n := topo.Node(node)
			if !ok || n == nil || !slices.ContainsFunc(n.Interfaces, func(x *topologies.Interface) bool { return x.Name == ifname }) {
				t.Errorf("link %d endpoint %q names no interface of the topology", i, ep)
			}
			if used[ep] {
				t.Errorf("endpoint %s is used twice", ep)
			}
			used[ep] = true
		}
	}
}

// missing returns every line of want that text lacks (lines compared
// without their indentation).
func missing(text string, want ...string) []string {
	lines := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	var out []string
	for _, w := range want {
		if !lines[w] {
			out = append(out, w)
		}
	}
	return out
}

// What each topology setting becomes in the routers' files.
func TestSettingsBecomeConfiguration(t *testing.T) {
	tests := []struct {
		topology, file string
		want, not      []string
	}{
		// classic: PHP, uniform TTL, per-VRF labels, one RR.
		{"classic", "PE1/frr.conf", []string{
			"router isis core", "net 49.0001.0100.0000.0001.00", "metric-style wide",
			"interface eth1", "ip address 100.64.0.0/31", "isis network point-to-point", "isis metric 10",
			"interface eth2 vrf A", "ip address 100.96.0.1/30", "interface eth3 vrf B",
			"ip route 10.1.1.0/24 100.96.0.2 vrf A", "ip route 10.1.1.0/24 100.96.0.6 vrf B",
			"mpls ldp", "router-id 10.0.0.1", "discovery transport-address 10.0.0.1",
			"router bgp 65000", "neighbor 10.0.0.10 remote-as 65000", "neighbor 10.0.0.10 update-source lo",
			"address-family ipv4 vpn", "neighbor 10.0.0.10 activate",
			"router bgp 65000 vrf A", "rd vpn export 65000:1", "rt vpn import 65000:1", "rt vpn export 65000:1",
			"label vpn export auto", "import vpn", "export vpn", "redistribute connected", "redistribute static",
			"router bgp 65000 vrf B", "rd vpn export 65000:2",
			"maximum-paths 1", "maximum-paths ibgp 1", "bgp bestpath compare-routerid",
		}, []string{"label local advertise explicit-null", "bgp cluster-id 10.0.0.1"}},
		{"classic", "PE1/setup.sh", []string{
			"ip addr replace 10.0.0.1/32 dev lo", "ip link add A type vrf table 1001", "ip link add B type vrf table 1002",
			"ip link set eth2 master A", "ip link set eth3 master B", "sysctl -w net.mpls.conf.eth1.input=1",
			"sysctl -w net.mpls.platform_labels=1048575",
		}, []string{"sysctl -w net.mpls.conf.eth2.input=1", "sysctl -w net.mpls.ip_ttl_propagate=0"}},
		{"classic", "RR1/frr.conf", []string{
			"bgp cluster-id 10.0.0.10", "neighbor 10.0.0.1 route-reflector-client", "neighbor 10.0.0.4 route-reflector-client",
			"neighbor 10.0.0.1 update-source lo",
		}, []string{"router bgp 65000 vrf A"}},
		{"classic", "P1/frr.conf", []string{"isis metric 10", "mpls ldp", "interface eth3"}, []string{"router bgp 65000"}},
		{"classic", "P1/daemons", []string{"bgpd=no", "isisd=yes", "ldpd=yes"}, nil},
		{"classic", "PE2/frr.conf", []string{
			"neighbor 100.96.0.10 remote-as 65002", "no bgp ebgp-requires-policy",
			"ip route 10.1.2.0/24 192.168.12.2 vrf A",
		}, []string{"neighbor 100.96.0.10 as-override"}},
		// The BGP policy keys of CE–PE links and VRFs.
		{"same-as", "PE2/frr.conf", []string{"neighbor 100.96.0.14 as-override"}, []string{"neighbor 100.96.0.6 as-override"}},
		{"same-as", "C2/frr.conf", []string{"neighbor 100.96.0.21 allowas-in 1"}, nil},
		{"hub-transit", "PE4/frr.conf", []string{"neighbor 100.96.0.6 allowas-in 1"}, []string{"neighbor 100.96.0.6 as-override"}},
		{"primary-backup", "PE1/frr.conf", []string{"route-map CE-A1-IN permit 10", "set local-preference 200", "neighbor 100.96.0.2 route-map CE-A1-IN in"}, nil},
		{"site-of-origin", "PE2/frr.conf", []string{
			"set extcommunity soo 65000:101", "bgp extcommunity-list standard SOO-B1b permit soo 65000:101",
			"route-map CE-B1b-OUT deny 10", "match extcommunity SOO-B1b", "neighbor 100.96.0.18 route-map CE-B1b-OUT out",
		}, nil},
		{"extranet-maps", "PE2/frr.conf", []string{
			"ip route 10.9.0.0/16 blackhole vrf S", "ip prefix-list VRF-S-IMPORT seq 5 permit 10.100.0.0/16 le 32",
			"route-map vpn import VRF-S-IMPORT", "ip prefix-list VRF-A-EXPORT seq 10 permit 0.0.0.0/0", "route-map vpn export VRF-A-EXPORT",
		}, nil},
		{"extranet-maps", "PE1/frr.conf", []string{"ip route 0.0.0.0/0 192.168.255.2 vrf A"}, []string{"blackhole"}},
		{"classic", "B2/frr.conf", []string{
			"router bgp 65002", "bgp router-id 10.1.2.1", "neighbor 100.96.0.9 remote-as 65000", "network 10.1.2.0/24",
			"ip address 100.96.0.10/30",
		}, []string{"ip route 0.0.0.0/0 100.96.0.9", "vrf B"}},
		{"classic", "B2/daemons", []string{"bgpd=yes", "isisd=no", "ldpd=no"}, nil},
		{"classic", "A1/frr.conf", []string{"ip route 0.0.0.0/0 100.96.0.1", "ip address 100.96.0.2/30"}, []string{"router bgp 65000"}},
		{"classic", "A1/daemons", []string{"bgpd=no"}, nil},
		{"classic", "A1/setup.sh", []string{"ip addr replace 10.1.1.1/24 dev lo", "sysctl -w net.ipv4.icmp_errors_use_inbound_ifaddr=1"}, []string{"sysctl -w net.mpls.platform_labels=1048575"}},
		{"classic", "classic.clab.yml", []string{"- ip route del default dev eth0", "image: frrouting/frr:v8.4.1"}, nil},
		// php: false advertises explicit null.
		{"explicit-null", "P1/frr.conf", []string{"label local advertise explicit-null"}, nil},
		// ttl-propagation: pipe stops the kernel copying TTLs.
		{"pipe", "P1/setup.sh", []string{"sysctl -w net.mpls.ip_ttl_propagate=0"}, nil},
		{"pipe", "pipe.clab.yml", []string{`net.mpls.ip_ttl_propagate: "0"`}, nil},
		// per-prefix labels are not FRR 8.4's; the file says so.
		{"per-prefix", "PE1/frr.conf", []string{"! vpn-label-allocation per-prefix: FRR 8.4 allocates one VPN label per VRF", "label vpn export auto"}, nil},
		// rd: auto is LOOPBACK:n on each PE; A1 speaks eBGP to both PEs.
		{"dual-homed", "PE1/frr.conf", []string{"rd vpn export 10.0.0.1:1"}, nil},
		{"dual-homed", "PE2/frr.conf", []string{"rd vpn export 10.0.0.2:1"}, nil},
		{"dual-homed", "A1/frr.conf", []string{"router bgp 65001", "neighbor 100.96.0.1 remote-as 65000", "neighbor 100.96.0.5 remote-as 65000"}, nil},
		// no RR: every PE peers with every other one.
		{"full-mesh", "PE2/frr.conf", []string{"neighbor 10.0.0.1 remote-as 65000", "neighbor 10.0.0.3 remote-as 65000"}, []string{"neighbor 10.0.0.2 remote-as 65000", "route-reflector-client"}},
		// two RRs peer with each other, the PEs with both.
		{"two-rr", "RR1/frr.conf", []string{"neighbor 10.0.0.11 remote-as 65000", "bgp cluster-id 10.0.0.10"}, []string{"neighbor 10.0.0.11 route-reflector-client"}},
		{"two-rr", "PE1/frr.conf", []string{"neighbor 10.0.0.10 activate", "neighbor 10.0.0.11 activate"}, nil},
		// extranet: several import targets on one line.
		{"extranet", "PE2/frr.conf", []string{"rt vpn import 65000:1 65000:2 65000:9", "rt vpn export 65000:9", "rt vpn import 65000:1 65000:9"}, nil},
		{"hub-and-spoke", "PE1/frr.conf", []string{"rt vpn import 65000:20", "rt vpn export 65000:10"}, nil},
		// the metric of each link, both ends.
		{"ring", "PE1/frr.conf", []string{"isis metric 10", "isis metric 20"}, nil},
		{"ring", "PE3/frr.conf", []string{"isis metric 20", "isis metric 10"}, nil},
	}
	exports := map[string]Files{}
	for _, tc := range tests {
		files, ok := exports[tc.topology]
		if !ok {
			files = exportClab(t, builtin(t, tc.topology))
			exports[tc.topology] = files
		}
		text := files.file(t, tc.file)
		if m := missing(text, tc.want...); len(m) > 0 {
			t.Errorf("%s %s lacks %q:\n%s", tc.topology, tc.file, m, text)
		}
		for _, n := range tc.not {
			if len(missing(text, n)) == 0 {
				t.Errorf("%s %s has %q, which it should not", tc.topology, tc.file, n)
			}
		}
	}
}

// FRR needs IS-IS's wide metrics before an interface's metric above 63,
// and VRFs before the BGP instances that import into them.
func TestBlockOrder(t *testing.T) {
	text := exportClab(t, abilene(t)).file(t, "PE1/frr.conf")
	order := []string{"router isis core", "interface eth1", "mpls ldp", "router bgp 65000\n", "router bgp 65000 vrf A"}
	at := -1
	for _, s := range order {
		i := strings.Index(text, "\n"+s)
		if i <= at {
			t.Fatalf("%q is not after %q in PE1/frr.conf:\n%s", s, order, text)
		}
		at = i
	}
}

func TestNET(t *testing.T) {
	for lo, want := range map[string]string{
		"10.0.0.1":        "49.0001.0100.0000.0001.00",
		"10.255.0.12":     "49.0001.0102.5500.0012.00",
		"192.168.100.254": "49.0001.1921.6810.0254.00",
	} {
		if got := net(netip.MustParseAddr(lo)); got != want {
			t.Errorf("net(%s) = %s, want %s", lo, got, want)
		}
	}
}

// Names a Linux kernel or containerlab would refuse are errors that point
// into the file and say what to change.
func TestNamesALabRefuses(t *testing.T) {
	const head = "name: bad\nprovider: {asn: 65000}\nnodes:\n  PE1: {role: pe, loopback: 10.0.0.1}\n  P1: {role: p, loopback: 10.0.0.2}\n  A1: {role: ce, lans: [10.1.1.0/24]}\n"
	tests := []struct{ name, src, want string }{
		{"slash", head + "vrfs:\n  A: {rd: \"65000:1\", route-target: [\"65000:1\"]}\nlinks:\n  - {endpoints: [\"PE1:ge-0/0/1\", P1]}\n  - {endpoints: [A1, PE1], vrf: A}\n",
			`bad.yaml:10:5: PE1:ge-0/0/1: "ge-0/0/1" cannot be a Linux interface name in a lab (at most 15 letters, digits, - and _); rename it, e.g. PE1:eth2, or leave the name out`},
		{"eth0", head + "vrfs:\n  A: {rd: \"65000:1\", route-target: [\"65000:1\"]}\nlinks:\n  - {endpoints: [\"PE1:eth0\", P1]}\n  - {endpoints: [A1, PE1], vrf: A}\n",
			"bad.yaml:10:5: PE1:eth0: eth0 is containerlab's management interface"},
		{"long VRF", head + "vrfs:\n  CUSTOMER_WITH_A_LONG_NAME: {rd: \"65000:1\", route-target: [\"65000:1\"]}\nlinks:\n  - {endpoints: [PE1, P1]}\n  - {endpoints: [A1, PE1], vrf: CUSTOMER_WITH_A_LONG_NAME}\n",
			"bad.yaml:8:3: VRF CUSTOMER_WITH_A_LONG_NAME: a lab makes every VRF a Linux VRF device"},
		{"VRF named like the management interface", head + "vrfs:\n  eth0: {rd: \"65000:1\", route-target: [\"65000:1\"]}\nlinks:\n  - {endpoints: [PE1, P1]}\n  - {endpoints: [A1, PE1], vrf: eth0}\n",
			"bad.yaml:8:3: VRF eth0: a lab makes every VRF a Linux device of the same name, and every router already has a device called eth0"},
		{"VRF named like an interface", head + "vrfs:\n  eth1: {rd: \"65000:1\", route-target: [\"65000:1\"]}\nlinks:\n  - {endpoints: [PE1, P1]}\n  - {endpoints: [A1, PE1], vrf: eth1}\n",
			"bad.yaml:8:3: VRF eth1: a lab makes every VRF a Linux device of the same name, and PE1 already has a device called eth1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			topo := parse(t, "bad.yaml", tc.src)
			for _, f := range []func(*topologies.Topology, Options) (Files, error){FRR, Containerlab} {
				files, err := f(topo, Options{})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want one containing %q", err, tc.want)
				}
				if files != nil {
					t.Errorf("files %v with an error", files)
				}
			}
		})
	}
}

// External peers live outside the model: the router they peer with says
// they are not exported, and nothing else mentions them.
func TestExternalPeersNamedNotExported(t *testing.T) {
	data, err := os.ReadFile("../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "external-peers:\n  - {name: frr1, address: 127.0.0.50, peer-of: RR1, listen: 127.0.0.1:1790}\n"...)
	topo, _, err := topologies.Parse("classic-external.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	files, err := FRR(topo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		has := strings.Contains(string(f.Data), "external peer frr1 (127.0.0.50, AS 65000) is not exported")
		if want := f.Path == "RR1/frr.conf"; has != want {
			t.Errorf("%s: mentions frr1 %v, want %v", f.Path, has, want)
		}
	}
}

// pipe-forwarded has no Linux counterpart (one switch for all traffic):
// it runs as pipe, and the setup summary says so.
func TestPipeForwardedExportsAsPipe(t *testing.T) {
	data, err := os.ReadFile("../topologies/pipe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "ttl-propagation: pipe ", "ttl-propagation: pipe-forwarded ", 1))
	topo, _, err := topologies.Parse("pipe-forwarded.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if topo.Provider.TTLPropagation != topologies.TTLPipeForwarded {
		t.Fatalf("ttl-propagation %q, want pipe-forwarded", topo.Provider.TTLPropagation)
	}
	files := exportClab(t, topo)
	if text := files.file(t, "P1/setup.sh"); !strings.Contains(text, "sysctl -w net.mpls.ip_ttl_propagate=0") {
		t.Errorf("P1/setup.sh does not turn TTL propagation off:\n%s", text)
	}
	if text := files.file(t, "P1/frr.conf"); !strings.Contains(text, "Linux has no pipe-forwarded") {
		t.Errorf("P1/frr.conf does not say pipe-forwarded runs as pipe:\n%s", text)
	}
}

// An EVPN attachment is named in its PE's frr.conf as not exported, its
// host left out; a VLAN on an IP-VPN attachment becomes an 802.1Q
// subinterface on both ends.
func TestEVPNAndVLANExport(t *testing.T) {
	files := exportClab(t, builtin(t, "wide-area-ethernet"))
	pe1 := files.file(t, "PE1/frr.conf")
	for _, want := range []string{
		"! interface eth3: attachment of EVPN X (X1:eth1) is not exported: FRR 8.4 runs EVPN over VXLAN only, not over MPLS",
		"interface eth4.100 vrf Y",
	} {
		if !strings.Contains(pe1, want) {
			t.Errorf("PE1/frr.conf lacks %q:\n%s", want, pe1)
		}
	}
	for _, f := range []string{"PE1/setup.sh", "Y1/setup.sh"} {
		text := files.file(t, f)
		for _, want := range []string{"ip link add link eth", "type vlan id 100"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", f, want, text)
			}
		}
	}
	if !strings.Contains(files.file(t, "PE1/setup.sh"), "ip link set eth4.100 master Y") {
		t.Errorf("PE1/setup.sh does not bind eth4.100 to VRF Y")
	}
	for _, f := range files {
		if strings.HasPrefix(f.Path, "X1/") || strings.HasPrefix(f.Path, "W2/") {
			t.Errorf("%s: an EVPN host is exported", f.Path)
		}
	}
}
