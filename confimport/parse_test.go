package confimport

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
)

// FuzzParseFRR: no input panics the FRR parser or the build after it.
func FuzzParseFRR(f *testing.F) {
	f.Add([]byte("hostname PE1\ninterface eth1 vrf A\n ip address 10.0.0.1/30\nexit\nrouter bgp 65000 vrf A\n address-family ipv4 unicast\n  rt vpn both 65000:1\n"))
	f.Add([]byte("route-map M permit 10\n match ip address prefix-list P\nip prefix-list P seq 5 permit 10.0.0.0/8 le 32\n"))
	set := setTexts(f, FRR, "extranet-leak")
	f.Fuzz(func(t *testing.T, data []byte) {
		var l diag.List
		r := ParseFRR("f.conf", data, &l)
		Build("f", []*Router{r, ParseFRR("g.conf", data, &l)}, &l)
		// the input as one more router of a whole network
		Build("f", append(parseAll(FRR, set, &l), ParseFRR("f.conf", data, &l)), &l)
	})
}

// FuzzParseIOS: no input panics the IOS parser or the build after it.
func FuzzParseIOS(f *testing.F) {
	f.Add([]byte("hostname PE1\nip vrf A\n rd 65000:1\n route-target both 65000:1\ninterface Gi0/1\n ip vrf forwarding A\n ip address 10.0.0.1 255.255.255.252\n"))
	f.Add([]byte("banner motd ^C\nhello\n^C\nip route vrf A 10.1.0.0 255.255.0.0 Null0\nrouter ospf 1 vrf A\n"))
	set := setTexts(f, IOS, "extranet-leak")
	f.Fuzz(func(t *testing.T, data []byte) {
		var l diag.List
		r := ParseIOS("f.cfg", data, &l)
		Build("f", []*Router{r, ParseIOS("g.cfg", data, &l)}, &l)
		Build("f", append(parseAll(IOS, set, &l), ParseIOS("f.cfg", data, &l)), &l)
	})
}

// TestDiagnostics: what is not understood is an ignored line, what cannot
// be represented an error at its line.
func TestDiagnostics(t *testing.T) {
	for _, c := range []struct {
		f    Format
		src  string
		want string
	}{
		{FRR, "hostname R\nbfd\n peer 1.1.1.1\n", "r.conf:2: ignored: bfd"},
		{FRR, "router ospf vrf A\n", "r.conf:1:1: OSPF in VRF A"},
		{FRR, "interface eth1\n ip address 10.0.0.1/30\n ip address 10.0.0.5/30\n", "r.conf:3:2: interface eth1 has two addresses"},
		{IOS, "hostname R\nsnmp-server community x RO\nip sla 1\n", "r.cfg:3: ignored: ip sla 1"},
		{IOS, "router eigrp 1\n network 10.0.0.0\n", "r.cfg:1: ignored: router eigrp 1"},
		{IOS, "router eigrp 1\n address-family ipv4 vrf A autonomous-system 10\n", "r.cfg:2:2: EIGRP in VRF A: vpnsim's PE–CE routing is static or eBGP"},
		{FRR, "router rip vrf A\n", "r.conf:1:1: RIP in VRF A"},
		{IOS, "interface Gi0/0\n ip address 10.0.0.1 255.0.255.0\n", "r.cfg:2:2: \"10.0.0.1\" \"255.0.255.0\" is not an IPv4 address and netmask"},
		{IOS, "ip vrf A\n rd 65000:1\n route-target import 65000:x\n", "r.cfg:3:2: \"65000:x\" is not a route target"},
		{IOS, "ip route vrf A 10.1.0.0 255.255.0.0 192.168.0.2 tag 7 name x\nip route vrf A 10.2.0.0 255.255.0.0 192.168.0.2 bogus\n", "r.cfg:2: ignored: ip route vrf A 10.2.0.0"},
	} {
		var l diag.List
		file := "r.conf"
		if c.f == IOS {
			file = "r.cfg"
		}
		Parse(c.f, file, []byte(c.src), &l)
		var got []string
		for _, d := range l.Diags {
			got = append(got, Print(d))
		}
		if !strings.Contains(strings.Join(got, "\n"), c.want) {
			t.Errorf("%s %q: got %q, want %q", c.f, c.src, got, c.want)
		}
	}
}

// TestExportMapSettingRTsIsAnError: an IOS export map that sets route
// targets changes what other VRFs import: vpnsim's maps only filter.
func TestExportMapSettingRTsIsAnError(t *testing.T) {
	pe := `hostname PE1
ip vrf A
 rd 65000:1
 route-target both 65000:1
 export map SET-RT
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
interface Gi0/1
 ip vrf forwarding A
 ip address 192.168.0.1 255.255.255.252
route-map SET-RT permit 10
 set extcommunity rt 65000:9 additive
router bgp 65000
`
	ce := "hostname CE1\ninterface Gi0/0\n ip address 192.168.0.2 255.255.255.252\ninterface Loopback0\n ip address 10.1.1.1 255.255.255.0\n"
	var l diag.List
	Build("t", []*Router{ParseIOS("pe1.cfg", []byte(pe), &l), ParseIOS("ce1.cfg", []byte(ce), &l)}, &l)
	if err := l.Err(); err == nil || !strings.Contains(err.Error(), `pe1.cfg:12:1: route map SET-RT used as a VRF import or export map: "set extcommunity rt 65000:9 additive" cannot be represented`) {
		t.Errorf("got %v", err)
	}
}

// TestSessionsAgainstThePlan: a PE missing from the reflector's VPNv4
// neighbours would be cut off in the real network but not in vpnsim's
// (which peers every PE with every reflector): an error at the line.
func TestSessionsAgainstThePlan(t *testing.T) {
	dir := filepath.Join("testdata", "ios", "classic")
	files, err := Files(IOS, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		drop, want string
	}{
		{" neighbor 10.0.0.3 activate\n", "rr1.cfg:1:1: RR1 has no VPNv4 session with PE2 (neighbor 10.0.0.3 activated in address-family vpnv4)"},
		{" neighbor 10.0.0.3 route-reflector-client\n", "rr1.cfg:23:1: RR1 peers with PE PE2 without route-reflector-client"},
	} {
		var l diag.List
		var routers []*Router
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(f) == "rr1.cfg" {
				data = []byte(strings.Replace(string(data), c.drop, "", 1))
			}
			routers = append(routers, ParseIOS(f, data, &l))
		}
		Build("classic", routers, &l)
		if err := l.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("without %q: got %v, want %q", c.drop, err, c.want)
		}
	}
}

// TestCELinkAddresses: vpnsim gives the PE the first address of a CE link;
// a configuration the other way round swaps them (a warning), and a VRF
// static route through the CE follows the CE's new address. A CE uplink on
// a /24 is a link vpnsim cannot number: an error.
func TestCELinkAddresses(t *testing.T) {
	pe := `hostname PE1
ip vrf A
 rd 65000:1
 route-target both 65000:1
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
interface Gi0/1
 ip vrf forwarding A
 ip address 192.168.0.2 255.255.255.252
router bgp 65000
ip route vrf A 10.1.1.0 255.255.255.0 192.168.0.1
ip route vrf A 10.9.0.0 255.255.0.0 192.168.0.1
`
	ce := "hostname CE1\ninterface Gi0/0\n ip address 192.168.0.1 255.255.255.252\ninterface Loopback0\n ip address 10.1.1.1 255.255.255.0\nip route 0.0.0.0 0.0.0.0 192.168.0.2\n"
	var l diag.List
	d := Build("t", []*Router{ParseIOS("pe1.cfg", []byte(pe), &l), ParseIOS("ce1.cfg", []byte(ce), &l)}, &l)
	if l.HasErrors() {
		t.Fatal(l.Error())
	}
	if !strings.Contains(l.Error(), "pe1.cfg:7:1: warning: interface Gi0/1 (192.168.0.2/30): vpnsim gives the PE the first address of a CE link, so PE1 and CE1 swap addresses") {
		t.Errorf("warnings: %s", l.Error())
	}
	if len(d.VRFs) != 1 || len(d.VRFs[0].Static) != 1 || d.VRFs[0].Static[0].NextHop.String() != "192.168.0.2" || d.VRFs[0].Static[0].Prefix.String() != "10.9.0.0/16" {
		t.Errorf("VRF statics: %+v, want 10.9.0.0/16 via the CE's new address 192.168.0.2", d.VRFs)
	}

	wide := strings.Replace(strings.Replace(pe, "192.168.0.2 255.255.255.252", "192.168.0.254 255.255.255.0", 1), "192.168.0.1\n", "192.168.0.2\n", -1)
	wideCE := strings.Replace(ce, "192.168.0.1 255.255.255.252", "192.168.0.2 255.255.255.0", 1)
	l = diag.List{}
	Build("t", []*Router{ParseIOS("pe1.cfg", []byte(wide), &l), ParseIOS("ce1.cfg", []byte(wideCE), &l)}, &l)
	if err := l.Err(); err == nil || !strings.Contains(err.Error(), "shares 192.168.0.0/24 with") || !strings.Contains(err.Error(), "vpnsim's links are /30 or /31") {
		t.Errorf("a /24 CE link: got %v", err)
	}
}

// readSet parses a configuration set of testdata with edit applied to
// each file's text.
func readSet(t *testing.T, f Format, set string, edit func(base, text string) string) ([]*Router, *diag.List) {
	t.Helper()
	files, err := Files(f, []string{filepath.Join("testdata", string(f), set)})
	if err != nil {
		t.Fatal(err)
	}
	l := &diag.List{}
	var routers []*Router
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		routers = append(routers, Parse(f, file, []byte(edit(filepath.Base(file), string(data))), l))
	}
	return routers, l
}

// TestLDPOnLinks: LDP runs on a core link when both ends run it: mpls ip
// on the interface, or IOS's mpls ldp autoconfig under the IGP for the
// interfaces it covers (ip ospf ... area, or a network statement); a link
// with an end without it is ldp: false.
func TestLDPOnLinks(t *testing.T) {
	noLDP := func(d topologies.Doc) []string {
		var out []string
		for _, l := range d.Links {
			if l.NoLDP {
				out = append(out, l.A+" "+l.B)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		edit func(base, text string) string
		want []string
	}{
		{"mpls ip everywhere", func(_, s string) string { return s }, nil},
		{"autoconfig over network statements", func(_, s string) string {
			s = strings.ReplaceAll(s, " mpls ip\n", "")
			return strings.ReplaceAll(s, "router ospf 10\n", "router ospf 10\n mpls ldp autoconfig\n")
		}, nil},
		{"no mpls ip on PE2", func(base, s string) string {
			if base == "pe2.cfg" {
				return strings.ReplaceAll(s, " mpls ip\n", "")
			}
			return s
		}, []string{"PE2:GigabitEthernet0/0 P1:GigabitEthernet0/2"}},
	} {
		routers, l := readSet(t, IOS, "hub-and-spoke", c.edit)
		d := Build("hs", routers, l)
		if l.HasErrors() {
			t.Fatalf("%s: %v", c.name, l.Error())
		}
		if got := noLDP(d); !slices.Equal(got, c.want) {
			t.Errorf("%s: ldp false on %v, want %v", c.name, got, c.want)
		}
	}
}

// setTexts reads a test set's files.
func setTexts(f *testing.F, format Format, set string) map[string][]byte {
	files, err := Files(format, []string{filepath.Join("testdata", string(format), set)})
	if err != nil {
		f.Fatal(err)
	}
	out := map[string][]byte{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out[file] = data
		f.Add(data)
	}
	return out
}

// parseAll parses a set read by setTexts, in file order.
func parseAll(format Format, set map[string][]byte, l *diag.List) []*Router {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []*Router
	for _, n := range names {
		out = append(out, Parse(format, n, set[n], l))
	}
	return out
}

// TestLinkMTU: IOS's interface mtu becomes the link's mtu, the smaller of
// the two ends' (a frame larger than either is lost).
func TestLinkMTU(t *testing.T) {
	routers, l := readSet(t, IOS, "classic", func(base, s string) string {
		switch base {
		case "pe1.cfg":
			return strings.Replace(s, " description to P1\n", " description to P1\n mtu 9000\n", 1)
		case "p1.cfg":
			return strings.Replace(s, " description to PE1\n", " description to PE1\n mtu 1600\n", 1)
		}
		return s
	})
	d := Build("classic", routers, l)
	if l.HasErrors() {
		t.Fatal(l.Error())
	}
	for _, lk := range d.Links {
		want := 0
		if lk.A == "PE1:GigabitEthernet1" {
			want = 1600
		}
		if lk.MTU != want {
			t.Errorf("%s %s: mtu %d, want %d", lk.A, lk.B, lk.MTU, want)
		}
	}
}

// TestCELANsReachable: a CE's address is a LAN only when the network can
// reach it: a PE's VRF static route toward a static CE covers it, or an
// eBGP CE advertises it (network, or redistribute connected).
func TestCELANsReachable(t *testing.T) {
	extra := "interface Loopback9\n ip address 10.99.0.1 255.255.255.255\n!\n"
	for _, c := range []struct {
		name string
		edit func(base, s string) string
		ce   string
		want []string
	}{
		{"static CE, loopback not routed", func(base, s string) string {
			if base == "a1.cfg" {
				return extra + s
			}
			return s
		}, "A1", []string{"10.1.1.0/24"}},
		{"static CE, loopback routed by the PE", func(base, s string) string {
			switch base {
			case "a1.cfg":
				return extra + s
			case "pe1.cfg":
				return s + "ip route vrf A 10.99.0.1 255.255.255.255 192.168.11.2\n"
			}
			return s
		}, "A1", []string{"10.99.0.1/32", "10.1.1.0/24"}},
		{"eBGP CE, loopback not advertised", func(base, s string) string {
			if base == "b2.cfg" {
				return extra + s
			}
			return s
		}, "B2", []string{"10.1.2.0/24"}},
		{"eBGP CE redistributing connected", func(base, s string) string {
			if base == "b2.cfg" {
				return extra + strings.Replace(s, " address-family ipv4\n", " address-family ipv4\n  redistribute connected\n", 1)
			}
			return s
		}, "B2", []string{"10.99.0.1/32", "10.1.2.0/24"}},
	} {
		routers, l := readSet(t, IOS, "classic", c.edit)
		d := Build("classic", routers, l)
		if l.HasErrors() {
			t.Fatalf("%s: %s", c.name, l.Error())
		}
		var got []string
		for _, n := range d.Nodes {
			if n.Name == c.ce {
				for _, p := range n.LANs {
					got = append(got, p.String())
				}
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: LANs %v, want %v (%s)", c.name, got, c.want, l.Error())
		}
	}
}

// TestIOSAddressFamilies: an IOS-XE VRF's IPv6 address family keeps its
// route targets to itself; a static route's tag is no reason to drop it.
func TestIOSAddressFamilies(t *testing.T) {
	src := `vrf definition A
 rd 65000:1
 address-family ipv4
  route-target both 65000:1
 exit-address-family
 address-family ipv6
  route-target both 65000:6
 exit-address-family
ip route vrf A 10.1.0.0 255.255.0.0 192.168.0.2 tag 7
`
	var l diag.List
	r := ParseIOS("r.cfg", []byte(src), &l)
	v := r.VRFs["A"]
	if len(v.Import) != 1 || v.Import[0].String() != "65000:1" || len(v.Export) != 1 {
		t.Errorf("route targets %v %v, want 65000:1 only", v.Import, v.Export)
	}
	if len(r.Statics) != 1 || r.Statics[0].Prefix.String() != "10.1.0.0/16" {
		t.Errorf("statics %+v", r.Statics)
	}
	if got := l.Error(); got != "r.cfg:6:1: warning: ignored: address-family ipv6" {
		t.Errorf("diagnostics: %s, want the IPv6 address family ignored", got)
	}
}

// TestIOSDot1QSubinterfaces: an attachment on 802.1Q subinterfaces
// (interface GigabitEthernet2.100 with encapsulation dot1Q 100 on the PE,
// and on the CE) is a link with vlan 100 between the parent interfaces;
// tags that differ at the two ends are an error.
func TestIOSDot1QSubinterfaces(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ceVLAN  string
		wantErr string
	}{
		{"same tag", "100", ""},
		{"tags differ", "200", "is on VLAN 200, its other end PE1:GigabitEthernet2.100 on VLAN 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routers, l := readSet(t, IOS, "classic", func(base, s string) string {
				switch base {
				case "pe1.cfg":
					return strings.Replace(s, "interface GigabitEthernet2\n description A1\n", "interface GigabitEthernet2.100\n description A1\n encapsulation dot1Q 100\n", 1)
				case "a1.cfg":
					return strings.Replace(s, "interface GigabitEthernet0/0\n description uplink\n", "interface GigabitEthernet0/0."+tc.ceVLAN+"\n description uplink\n encapsulation dot1Q "+tc.ceVLAN+"\n", 1)
				}
				return s
			})
			d := Build("classic", routers, l)
			if tc.wantErr != "" {
				if !l.HasErrors() || !strings.Contains(l.Error(), tc.wantErr) {
					t.Fatalf("errors %v, want one saying %q", l.Error(), tc.wantErr)
				}
				return
			}
			if l.HasErrors() {
				t.Fatal(l.Error())
			}
			found := false
			for _, lk := range d.Links {
				if lk.B == "PE1:GigabitEthernet2" || lk.A == "PE1:GigabitEthernet2" {
					found = true
					if lk.VLAN != 100 {
						t.Errorf("%s %s: vlan %d, want 100", lk.A, lk.B, lk.VLAN)
					}
				}
			}
			if !found {
				t.Errorf("no link on PE1:GigabitEthernet2 in %+v", d.Links)
			}
		})
	}
}
