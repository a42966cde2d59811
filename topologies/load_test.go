package topologies

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/vrf"
)

var wantBuiltins = []string{"classic", "dual-homed", "explicit-null", "extranet", "extranet-maps", "full-mesh", "hub-and-spoke", "hub-transit", "per-ce", "per-prefix", "pipe", "primary-backup", "ring", "rr-igp", "same-as", "site-of-origin", "two-rr", "wide-area-ethernet"}

func TestBuiltinsLoadWithoutWarnings(t *testing.T) {
	if got := BuiltinNames(); !slices.Equal(got, wantBuiltins) {
		t.Fatalf("BuiltinNames() = %v, want %v", got, wantBuiltins)
	}
	for _, name := range BuiltinNames() {
		top, warns, err := Builtin(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(warns) > 0 {
			t.Errorf("%s: warnings %v", name, warns)
		}
		if top.Name != name || top.File != name {
			t.Errorf("%s: Name %q, File %q; want both %q", name, top.Name, top.File, name)
		}
		if len(top.Description) < 40 {
			t.Errorf("%s: description %q does not say what it teaches", name, top.Description)
		}
		checkConsistent(t, top)
	}
}

// The variants of classic differ from it in their provider settings only.
func TestBuiltinVariants(t *testing.T) {
	classic := mustBuiltin(t, "classic")
	for name, want := range map[string]Provider{
		"classic":       {ASN: 65000, PHP: true, TTLPropagation: TTLUniform, VPNLabelAllocation: PerVRF},
		"explicit-null": {ASN: 65000, PHP: false, TTLPropagation: TTLUniform, VPNLabelAllocation: PerVRF},
		"pipe":          {ASN: 65000, PHP: true, TTLPropagation: TTLPipe, VPNLabelAllocation: PerVRF},
		"per-prefix":    {ASN: 65000, PHP: true, TTLPropagation: TTLUniform, VPNLabelAllocation: PerPrefix},
	} {
		top := mustBuiltin(t, name)
		if top.Provider != want {
			t.Errorf("%s: provider %+v, want %+v", name, top.Provider, want)
		}
		if got, base := describe(top), describe(classic); got != base {
			t.Errorf("%s differs from classic beyond its provider settings:\n%s\nclassic:\n%s", name, got, base)
		}
	}
}

// describe prints a topology's nodes, links and VRFs, one per line.
func describe(t *Topology) string {
	var b strings.Builder
	for _, n := range t.Nodes {
		b.WriteString(n.Name + " " + string(n.Role) + " " + n.Loopback.String() + "\n")
	}
	for _, l := range t.Links {
		b.WriteString(l.A.String() + " " + l.A.Addr.String() + " " + l.B.String() + " " + l.B.Addr.String() + " " + l.VRF + " " + string(l.Routing) + "\n")
	}
	for _, v := range t.VRFs {
		b.WriteString(v.Name + " " + v.RD.String() + "\n")
	}
	return b.String()
}

func mustBuiltin(t *testing.T, name string) *Topology {
	t.Helper()
	top, _, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return top
}

func TestClassicResolved(t *testing.T) {
	top := mustBuiltin(t, "classic")
	if len(top.Nodes) != 9 || len(top.Links) != 8 || len(top.VRFs) != 2 {
		t.Fatalf("classic has %d nodes, %d links, %d VRFs; want 9, 8, 2", len(top.Nodes), len(top.Links), len(top.VRFs))
	}
	iface := func(node, name string) *Interface {
		t.Helper()
		for _, i := range top.Node(node).Interfaces {
			if i.Name == name {
				return i
			}
		}
		t.Fatalf("%s has no interface %s", node, name)
		return nil
	}
	for _, c := range []struct {
		node, ifname, addr, peer string
	}{
		{"PE1", "eth1", "100.64.0.0/31", "P1:eth1"},
		{"P1", "eth1", "100.64.0.1/31", "PE1:eth1"},
		{"P1", "eth2", "100.64.0.2/31", "P2:eth1"},
		{"P2", "eth2", "100.64.0.4/31", "PE2:eth1"},
		{"P1", "eth3", "100.64.0.6/31", "RR1:eth1"},
		{"RR1", "eth1", "100.64.0.7/31", "P1:eth3"},
		{"PE1", "eth2", "100.96.0.1/30", "A1:eth1"},
		{"A1", "eth1", "100.96.0.2/30", "PE1:eth2"},
		{"PE1", "eth3", "100.96.0.5/30", "B1:eth1"},
		{"PE2", "eth2", "192.168.12.1/30", "A2:eth1"},
		{"A2", "eth1", "192.168.12.2/30", "PE2:eth2"},
		{"PE2", "eth3", "100.96.0.9/30", "B2:eth1"},
		{"B2", "eth1", "100.96.0.10/30", "PE2:eth3"},
	} {
		i := iface(c.node, c.ifname)
		if i.Addr.String() != c.addr || i.Peer().String() != c.peer {
			t.Errorf("%s: %s toward %s, want %s toward %s", i, i.Addr, i.Peer(), c.addr, c.peer)
		}
	}
	a1 := top.Between("A1", "PE1")
	if a1.Subnet != netip.MustParsePrefix("100.96.0.0/30") || a1.A.Node.Name != "A1" || a1.VRF != "A" || a1.Routing != RoutingStatic || a1.Metric != 0 {
		t.Errorf("A1-PE1: %+v", a1)
	}
	if l := top.Between("PE2", "A2"); l.Subnet != netip.MustParsePrefix("192.168.12.0/30") {
		t.Errorf("A2-PE2 subnet %s, want the explicit 192.168.12.0/30", l.Subnet)
	}
	if l := top.Between("B2", "PE2"); l.Routing != RoutingEBGP || top.Node("B2").ASN != 65002 {
		t.Errorf("B2-PE2 routing %q, B2 asn %d", l.Routing, top.Node("B2").ASN)
	}
	if l := top.Between("P1", "RR1"); l.Metric != 10 || l.Delay != time.Millisecond || l.VRF != "" || l.Routing != "" || l.Index != 3 {
		t.Errorf("P1-RR1 defaults: %+v", l)
	}
	if got := ifNames(top.Node("PE1")); got != "eth1 eth2 eth3" {
		t.Errorf("PE1 interfaces %s", got)
	}
	if a := top.VRF("A"); a.RD != vrf.MustParseRD("65000:1") || a.Index != 1 || a.RDAuto ||
		!slices.Equal(a.Import, []vrf.RouteTarget{vrf.MustParseRouteTarget("65000:1")}) || !slices.Equal(a.Export, a.Import) {
		t.Errorf("VRF A: %+v", a)
	}
	if b := top.VRF("B"); b.Index != 2 || len(b.Import) != 1 || len(b.Export) != 1 {
		t.Errorf("VRF B: %+v", b)
	}
	if top.Node("B1").LANs[0] != netip.MustParsePrefix("10.1.1.0/24") || top.Node("PE1").Pos != (Pos{11, 3}) || top.Links[0].Pos != (Pos{26, 5}) {
		t.Errorf("B1 LANs %v, PE1 at %v, first link at %v", top.Node("B1").LANs, top.Node("PE1").Pos, top.Links[0].Pos)
	}
	if got := top.Node("PE1").VRFs(); !slices.Equal(got, []string{"A", "B"}) || !top.Node("PE2").HasVRF("B") || top.Node("P1").HasVRF("A") {
		t.Errorf("PE1 VRFs %v", got)
	}
}

func ifNames(n *Node) string {
	var s []string
	for _, i := range n.Interfaces {
		s = append(s, i.Name)
	}
	return strings.Join(s, " ")
}

// Resolution: interface names skip the ones the file gives, the allocator
// skips explicit subnets and loopbacks in its pools, and for an attachment
// the LANs of its own VRF (a VRF's LANs never constrain provider links), a CE link gives
// the PE the first usable address whatever the endpoint order, route
// targets merge, and rd: auto is kept for the PE to compute.
func TestResolve(t *testing.T) {
	top, warns, err := Parse("t.yaml", []byte(`name: resolve
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 100.64.0.2}
  PE2: {role: pe, loopback: 10.0.0.4}
  P1:  {role: p,  loopback: 10.0.0.2}
  P2:  {role: p,  loopback: 10.0.0.3}
  A1:  {role: ce, lans: [100.96.0.4/30]}
  A2:  {role: ce, lans: [10.1.2.0/24]}
  C1:  {role: ce, lans: [100.64.0.0/10]}
vrfs:
  A:
    rd: auto
    route-target: ["65000:1", "10.0.0.1:7"]
    import: ["65000:1", "4200000000:3", "1:1"]
    export: ["65000:2"]
  B: {rd: "10.0.0.1:9"}
  C: {rd: "10.0.0.1:10"}
links:
  - {endpoints: [PE1, P1]}
  - {endpoints: [P1, "P2:eth1"], subnet: 100.64.0.4/31, metric: 7, delay: 2.5ms}
  - {endpoints: ["PE1:eth2", P2]}
  - {endpoints: [PE1, A1], vrf: A, subnet: 10.9.9.0/31, routing: static}
  - {endpoints: [A1, PE2], vrf: B}
  - {endpoints: [PE1, A2], vrf: A}
  - {endpoints: [P2, PE2], subnet: 10.20.0.0/30}
  - {endpoints: [C1, PE2], vrf: C, subnet: 10.30.0.0/30}
`))
	if err != nil || len(warns) > 0 {
		t.Fatalf("Parse: %v %v", err, warns)
	}
	checkConsistent(t, top)
	var got []string
	for _, l := range top.Links {
		got = append(got, l.A.String()+"="+l.A.Addr.String()+" "+l.B.String()+"="+l.B.Addr.String())
	}
	want := []string{
		"PE1:eth1=100.64.0.0/31 P1:eth1=100.64.0.1/31",  // first /31
		"P1:eth2=100.64.0.4/31 P2:eth1=100.64.0.5/31",   // explicit, takes no slot
		"PE1:eth2=100.64.0.6/31 P2:eth2=100.64.0.7/31",  // skips .2 (PE1's loopback) and .4 (explicit)
		"PE1:eth3=10.9.9.0/31 A1:eth1=10.9.9.1/31",      // a /31 on a CE link: both addresses usable
		"A1:eth2=100.96.0.2/30 PE2:eth1=100.96.0.1/30",  // the PE takes the first usable
		"PE1:eth4=100.96.0.9/30 A2:eth1=100.96.0.10/30", // skips A1's LAN 100.96.0.4/30, in VRF A too
		"P2:eth3=10.20.0.1/30 PE2:eth2=10.20.0.2/30",    // a /30 on a provider link: the first endpoint the lower host
		"C1:eth1=10.30.0.2/30 PE2:eth3=10.30.0.1/30",    // C1's LAN 100.64.0.0/10 is VRF C's: the provider links above ignore it
	}
	if !slices.Equal(got, want) {
		t.Errorf("links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l := top.Links[1]; l.Metric != 7 || l.Delay != 2500*time.Microsecond {
		t.Errorf("P1-P2 metric %d delay %v", l.Metric, l.Delay)
	}
	a := top.VRF("A")
	rts := func(ss ...string) []vrf.RouteTarget {
		var out []vrf.RouteTarget
		for _, s := range ss {
			out = append(out, vrf.MustParseRouteTarget(s))
		}
		return out
	}
	// Sorted by wire bytes: type 0 before type 1 before type 2.
	if !a.RDAuto || a.RD != (vrf.RD{}) || a.Index != 1 ||
		!slices.Equal(a.Import, rts("1:1", "65000:1", "10.0.0.1:7", "4200000000:3")) ||
		!slices.Equal(a.Export, rts("65000:1", "65000:2", "10.0.0.1:7")) {
		t.Errorf("VRF A: auto %v RD %v import %v export %v", a.RDAuto, a.RD, a.Import, a.Export)
	}
	if b := top.VRF("B"); b.RD.Type() != 1 || b.Import != nil || b.Export != nil || b.Index != 2 {
		t.Errorf("VRF B: %+v", b)
	}
	if got := top.Node("A1").VRFs(); !slices.Equal(got, []string{"A", "B"}) {
		t.Errorf("A1 is attached in %v, want [A B]", got)
	}
}

// checkConsistent checks what every loaded topology must satisfy.
func checkConsistent(t *testing.T, top *Topology) {
	t.Helper()
	ifs := map[*Interface]bool{}
	for _, n := range top.Nodes {
		if top.Node(n.Name) != n {
			t.Errorf("Node(%q) does not find it", n.Name)
		}
		names := map[string]bool{}
		for _, i := range n.Interfaces {
			if i.Node != n || names[i.Name] || i.Name == "" {
				t.Errorf("%s: interface %s is wrong or repeated", n.Name, i)
			}
			names[i.Name] = true
			ifs[i] = true
		}
		if n.IsProvider() != n.Loopback.IsValid() {
			t.Errorf("%s (%s): loopback %v", n.Name, n.Role, n.Loopback)
		}
	}
	for i, l := range top.Links {
		if l.Index != i || l.A.Link != l || l.B.Link != l || !ifs[l.A] || !ifs[l.B] || l.A.Node == l.B.Node {
			t.Errorf("link %d (%s-%s) is not wired to its nodes", i, l.A, l.B)
		}
		if l.IsEVPN() {
			// a bridge port on the PE (no address), the host's LAN
			// address on the CE
			pe, ce := l.A, l.B
			if pe.Node.Role == RoleCE {
				pe, ce = ce, pe
			}
			if pe.Node.Role != RolePE || ce.Node.Role != RoleCE || pe.Addr.IsValid() || ce.Addr != ce.Node.LANAddress || l.VRF != "" || top.EVPN(l.EVPN) == nil {
				t.Errorf("link %d: EVPN %q attachment %s (%s) to %s (%s)", i, l.EVPN, pe, pe.Addr, ce, ce.Addr)
			}
			continue
		}
		if !l.Subnet.Contains(l.A.Addr.Addr()) || !l.Subnet.Contains(l.B.Addr.Addr()) || l.A.Addr.Addr() == l.B.Addr.Addr() ||
			l.A.Addr.Bits() != l.Subnet.Bits() || l.B.Addr.Bits() != l.Subnet.Bits() {
			t.Errorf("link %d: %s and %s do not fit %s", i, l.A.Addr, l.B.Addr, l.Subnet)
		}
		if l.IsAttachment() != (l.A.Node.Role == RoleCE || l.B.Node.Role == RoleCE) {
			t.Errorf("link %d: VRF %q between %s and %s", i, l.VRF, l.A.Node.Role, l.B.Node.Role)
		}
		if l.IsAttachment() && top.VRF(l.VRF) == nil {
			t.Errorf("link %d: VRF %q is not defined", i, l.VRF)
		}
		if l.Delay <= 0 || !l.IsAttachment() && (l.Metric < 1 || l.Metric > MaxMetric) {
			t.Errorf("link %d: metric %d delay %v", i, l.Metric, l.Delay)
		}
	}
	for i, v := range top.VRFs {
		if top.VRF(v.Name) != v || v.Index != i+1 {
			t.Errorf("VRF %s: index %d", v.Name, v.Index)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	data, _ := BuiltinSource("classic")
	path := filepath.Join(dir, "lab.yml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		arg, file, err string
	}{
		{arg: "classic", file: "classic"},
		{arg: path, file: path},
		{arg: "clasic", err: `clasic: no built-in topology has this name (did you mean "classic"?); the built-ins are ` + strings.Join(wantBuiltins, ", ") + " (a file's path contains / or ends in .yaml)"},
		{arg: "nonexistent.yaml", err: "nonexistent.yaml: no such file"},
		{arg: dir + "/", err: dir + "/: is a directory, not a file"},
		{arg: filepath.Join(dir, "missing.yaml"), err: filepath.Join(dir, "missing.yaml") + ": no such file"},
	} {
		top, _, err := Open(c.arg)
		switch {
		case c.err == "" && (err != nil || top.File != c.file || top.Name != "classic"):
			t.Errorf("Open(%q) = %v, %v", c.arg, top, err)
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("Open(%q) error\n%v\nwant\n%s", c.arg, err, c.err)
		}
		var l *diag.List
		if err != nil && !errors.As(err, &l) {
			t.Errorf("Open(%q) error is a %T, want *diag.List", c.arg, err)
		}
	}
	for arg, want := range map[string]bool{"classic": false, "a/b": true, "x.yaml": true, "x.yml": true, "x.json": false, "./classic": true} {
		if IsPath(arg) != want {
			t.Errorf("IsPath(%q) = %v", arg, !want)
		}
	}
	if _, ok := BuiltinSource("../load"); ok {
		t.Error("BuiltinSource reads outside the built-ins")
	}
}

func TestDisconnectedCoreWarns(t *testing.T) {
	top, warns, err := Parse("t.yaml", []byte(`name: apart
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
  P1:  {role: p,  loopback: 10.0.0.2}
  PE2: {role: pe, loopback: 10.0.0.3}
  P2:  {role: p,  loopback: 10.0.0.4}
  RR1: {role: rr, loopback: 10.0.0.5}
  A1:  {role: ce}
vrfs:
  A: {rd: "65000:1"}
links:
  - {endpoints: [PE1, P1]}
  - {endpoints: [P2, PE2]}
  - {endpoints: [A1, PE1], vrf: A}
`))
	want := "t.yaml:3:1: warning: the provider core is not connected: its routers fall into 3 parts that cannot reach each other: {PE1, P1}, {PE2, P2} and {RR1}"
	if err != nil || top == nil || len(warns) != 1 || warns[0].String() != want {
		t.Errorf("got %v, %v; want the warning\n%s", warns, err, want)
	}
}

func TestExternalPeersResolved(t *testing.T) {
	top, warns, err := Parse("t.yaml", []byte(base+`external-peers:
  - {name: frr1, address: 127.0.0.50, peer-of: PE1, listen: 127.0.0.1:1790}
  - {name: gobgp1, address: 127.0.0.51, asn: 65000, peer-of: PE1, listen: "127.0.0.1:1791"}
`))
	if err != nil || len(warns) > 0 {
		t.Fatalf("Parse: %v %v", err, warns)
	}
	want := []ExternalPeer{
		{Name: "frr1", Address: netip.MustParseAddr("127.0.0.50"), ASN: 65000, PeerOf: "PE1", Listen: netip.MustParseAddrPort("127.0.0.1:1790"), Pos: Pos{13, 5}},
		{Name: "gobgp1", Address: netip.MustParseAddr("127.0.0.51"), ASN: 65000, PeerOf: "PE1", Listen: netip.MustParseAddrPort("127.0.0.1:1791"), Pos: Pos{14, 5}},
	}
	if len(top.ExternalPeers) != len(want) {
		t.Fatalf("got %d external peers, want %d", len(top.ExternalPeers), len(want))
	}
	for i, p := range top.ExternalPeers {
		if *p != want[i] {
			t.Errorf("peer %d: got %+v, want %+v", i, *p, want[i])
		}
	}
	if classic, _, _ := Builtin("classic"); len(classic.ExternalPeers) != 0 {
		t.Errorf("classic has external peers: %v", classic.ExternalPeers)
	}
}

// A node's position key reaches the topology and survives the encoder.
func TestPosition(t *testing.T) {
	src := strings.Replace(base, "P1:  {role: p, loopback: 10.0.0.2}", "P1:  {role: p, loopback: 10.0.0.2, position: [0x78, -40.5]}", 1)
	topo, _, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p1, pe1 := topo.Node("P1"), topo.Node("PE1")
	if !p1.HasPosition || p1.Position != (Point{120, -40.5}) || pe1.HasPosition {
		t.Fatalf("P1 %v %v, PE1 %v: want P1 at (120, -40.5) and PE1 without a position", p1.HasPosition, p1.Position, pe1.HasPosition)
	}
	d := DocOf(topo)
	out := d.Encode()
	if !strings.Contains(string(out), "position: [120, -40.5]") {
		t.Fatalf("encoded file has no position:\n%s", out)
	}
	again, _, err := Parse("t.yaml", out)
	if err != nil || again.Node("P1").Position != p1.Position {
		t.Fatalf("round trip: %v", err)
	}
}
