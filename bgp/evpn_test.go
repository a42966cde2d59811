package bgp

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

var (
	mac1 = [6]byte{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}
	mac2 = [6]byte{0x02, 0x00, 0x00, 0x00, 0x02, 0x02}

	// what PE1 (10.0.0.1) originates
	evpnIMET = EVPNRoute{Type: EVPNInclusiveMulticast, RD: rd1, Label: 3001, NextHop: addr("10.0.0.1"),
		RouteTargets: []vrf.RouteTarget{rtA}}
	evpnMAC = EVPNRoute{Type: EVPNMACIP, RD: rd1, MAC: mac1, Label: 3002, NextHop: addr("10.0.0.1"),
		RouteTargets: []vrf.RouteTarget{rtB, rtA}}
	evpnMACIP = EVPNRoute{Type: EVPNMACIP, RD: rd1, EthernetTag: 10, MAC: mac2, IP: addr("172.16.0.1"), Label: 1<<20 - 1,
		NextHop: addr("10.0.0.1"), RouteTargets: []vrf.RouteTarget{rtA}}
	evpnVPWS = EVPNRoute{Type: EVPNEthernetAD, RD: rd2, EthernetTag: 100, Label: 3004, NextHop: addr("10.0.0.1"),
		RouteTargets: []vrf.RouteTarget{rtC}, L2Attrs: &L2Attributes{Primary: true, ControlWord: true, MTU: 1500}}
)

// evpnNet is PE1 and PE2, clients of RR1 (one reflector) or of RR1 and RR2
// respectively (two reflectors peering), every session carrying VPNv4 and
// EVPN; the reflectors decide VPNv4 themselves (Decides), as the
// simulator's do, so EVPN crosses them by GoBGP's own reflection.
type evpnNet struct {
	f        *Fabric
	rrs      []*Speaker
	pe1, pe2 *Speaker
}

func newEVPNNet(t *testing.T, reflectors int, imports []vrf.RouteTarget) *evpnNet {
	t.Helper()
	n := &evpnNet{f: newTestFabric(t)}
	for i := range reflectors {
		id := addr(fmt.Sprintf("10.0.0.%d", 100+i))
		rr, err := n.f.AddSpeaker(SpeakerConfig{Name: fmt.Sprintf("RR%d", i+1), ASN: 65000, RouterID: id, ClusterID: id, Decides: true})
		if err != nil {
			t.Fatal(err)
		}
		n.rrs = append(n.rrs, rr)
	}
	n.pe1 = addSpeaker(t, n.f, "PE1", 65000, "10.0.0.1", false)
	n.pe2 = addSpeaker(t, n.f, "PE2", 65000, "10.0.0.2", false)
	sessions := []SessionConfig{
		{A: n.rrs[0], B: n.pe1, BIsRRClientOfA: true},
		{A: n.rrs[len(n.rrs)-1], B: n.pe2, BIsRRClientOfA: true, BImports: imports},
	}
	if reflectors == 2 {
		sessions = append(sessions, SessionConfig{A: n.rrs[0], B: n.rrs[1]})
	}
	for _, c := range sessions {
		c.Family, c.EVPN = VPNv4, true
		if _, err := n.f.AddSession(c); err != nil {
			t.Fatal(err)
		}
	}
	upAll(n.f)
	settle(t, n.f)
	return n
}

// reflectVPN has every reflector reflect the VPNv4 paths it holds, until
// nothing new arrives (two reflectors need two passes).
func (n *evpnNet) reflectVPN(t *testing.T) {
	t.Helper()
	for range n.rrs {
		for _, rr := range n.rrs {
			in, err := rr.AdjRIBInVPNv4()
			if err != nil {
				t.Fatal(err)
			}
			var own []VPNPath
			for _, p := range in {
				if !p.HasCluster(rr.cfg.ClusterID) && p.OriginatorID != rr.cfg.RouterID {
					own = append(own, p)
				}
			}
			if err := rr.Reflect(own...); err != nil {
				t.Fatal(err)
			}
		}
		settle(t, n.f)
	}
}

func evpnPaths(t *testing.T, sp *Speaker) []EVPNPath {
	t.Helper()
	p, err := sp.EVPNPaths()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// evpnReceived is r as PE2 holds it from its reflector: ORIGINATOR_ID PE1,
// the reflectors' cluster IDs, LOCAL_PREF 100 (90 is not set: reflectors
// with Decides install no LOCAL_PREF stand-in).
func evpnReceived(r EVPNRoute, n *evpnNet) EVPNPath {
	p := EVPNPath{EVPNRoute: r, From: n.rrs[len(n.rrs)-1].Name(), PeerRouterID: n.rrs[len(n.rrs)-1].cfg.RouterID,
		OriginatorID: addr("10.0.0.1"), LocalPref: 100, Best: true}
	p.RouteTargets = sortedRTs(r.RouteTargets)
	for i := len(n.rrs) - 1; i >= 0; i-- {
		p.ClusterList = append(p.ClusterList, n.rrs[i].cfg.ClusterID)
	}
	if r.Type == EVPNInclusiveMulticast {
		p.PMSITunnelType = 6
	}
	return p
}

// TestEVPNThroughReflectors: each route type PE1 originates reaches PE2
// through one or two reflectors whole (RD, ESI, tag, MAC, IP, label, next
// hop, route targets, PMSI tunnel, Layer 2 attributes), beside a VPNv4
// route; withdrawing it removes it everywhere.
func TestEVPNThroughReflectors(t *testing.T) {
	for _, reflectors := range []int{1, 2} {
		n := newEVPNNet(t, reflectors, nil)
		if err := n.pe1.AddVPNv4(route1); err != nil {
			t.Fatal(err)
		}
		settle(t, n.f)
		n.reflectVPN(t)
		for _, r := range []EVPNRoute{evpnIMET, evpnMAC, evpnMACIP, evpnVPWS} {
			name := fmt.Sprintf("%d reflector(s), %v", reflectors, r)
			if err := n.pe1.AddEVPN(r); err != nil {
				t.Fatal(err)
			}
			settle(t, n.f)
			want := []EVPNPath{evpnReceived(r, n)}
			if got := evpnPaths(t, n.pe2); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: PE2 holds\n %+v\nwant %+v", name, got, want)
			}
			// The reflectors took it into their Loc-RIB: their import
			// policy rejects VPNv4 only.
			for _, rr := range n.rrs {
				if got := evpnPaths(t, rr); len(got) == 0 || !got[0].Best || got[0].Label != r.Label {
					t.Errorf("%s: %s holds %+v, want PE1's path as best", name, rr.Name(), got)
				}
			}
			if got := vpnPaths(t, n.pe2); len(got) != 1 || got[0].Prefix != pfx1 || got[0].Label != route1.Label {
				t.Errorf("%s: PE2's VPNv4 table is %+v, want route1 alone", name, got)
			}
			if err := n.pe1.DeleteEVPN(EVPNRoute{Type: r.Type, RD: r.RD, ESI: r.ESI, EthernetTag: r.EthernetTag, MAC: r.MAC, IP: r.IP, NextHop: r.NextHop}); err != nil {
				t.Fatal(err)
			}
			settle(t, n.f)
			for _, sp := range append([]*Speaker{n.pe1, n.pe2}, n.rrs...) {
				if got := evpnPaths(t, sp); len(got) != 0 {
					t.Errorf("%s: withdrawn, %s still holds %+v", name, sp.Name(), got)
				}
			}
		}
		if got := vpnPaths(t, n.pe2); len(got) != 1 {
			t.Errorf("%d reflector(s): PE2's VPNv4 table is %+v, want route1 alone", reflectors, got)
		}
	}
}

// TestEVPNPathsSorted: several routes at once, listed by type, RD, ESI,
// tag, MAC, IP and next hop; the local ones on PE1 with no sender.
func TestEVPNPathsSorted(t *testing.T) {
	n := newEVPNNet(t, 1, nil)
	evpnIMET2 := evpnIMET
	evpnIMET2.RD, evpnIMET2.NextHop = rd2, addr("10.0.0.2")
	if err := n.pe1.AddEVPN(evpnVPWS, evpnMACIP, evpnIMET, evpnMAC); err != nil {
		t.Fatal(err)
	}
	if err := n.pe2.AddEVPN(evpnIMET2); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	var got []string
	for _, p := range evpnPaths(t, n.pe1) {
		got = append(got, fmt.Sprintf("%v from %q", p.EVPNRoute, p.From))
	}
	want := []string{
		`[1][10.0.0.2:7][00000000000000000000][100] from ""`,
		`[2][65000:1][0][02:00:00:00:01:01][invalid IP] from ""`,
		`[2][65000:1][10][02:00:00:00:02:02][172.16.0.1] from ""`,
		`[3][65000:1][0][10.0.0.1] from ""`,
		`[3][10.0.0.2:7][0][10.0.0.2] from "RR1"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PE1's EVPN table:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEVPNOnlyWhereConfigured: a session without EVPN carries none (PE1
// keeps its own route), and EVPN rides only beside VPNv4.
func TestEVPNOnlyWhereConfigured(t *testing.T) {
	f := newTestFabric(t)
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	ce := addSpeaker(t, f, "CE1", 65001, "192.168.0.1", false)
	if _, err := f.AddSession(SessionConfig{A: pe1, B: ce, Family: IPv4Unicast, EVPN: true}); err == nil ||
		!strings.Contains(err.Error(), "beside VPNv4 only") {
		t.Errorf("EVPN on an IPv4 unicast session: %v, want refused", err)
	}
	addSession(t, f, pe1, pe2, VPNv4, false)
	upAll(f)
	if err := pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	if err := pe1.AddEVPN(evpnIMET, evpnMAC); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	if got := evpnPaths(t, pe2); len(got) != 0 {
		t.Errorf("PE2 got EVPN over a VPNv4-only session: %+v", got)
	}
	if got := evpnPaths(t, pe1); len(got) != 2 || got[0].From != "" {
		t.Errorf("PE1's own EVPN routes: %+v", got)
	}
	if got := vpnPaths(t, pe2); len(got) != 1 {
		t.Errorf("PE2's VPNv4 table: %+v, want route1", got)
	}
}

// TestEVPNRouteTargetFilter: a reflector's route-target filter toward a PE
// applies to EVPN as to VPNv4 (RFC 4684): only the routes carrying a
// target the PE imports reach it.
func TestEVPNRouteTargetFilter(t *testing.T) {
	n := newEVPNNet(t, 1, []vrf.RouteTarget{rtB})
	if err := n.pe1.AddEVPN(evpnIMET, evpnMAC, evpnMACIP); err != nil { // rtA; rtA and rtB; rtA
		t.Fatal(err)
	}
	settle(t, n.f)
	if got, want := evpnPaths(t, n.pe2), []EVPNPath{evpnReceived(evpnMAC, n)}; !reflect.DeepEqual(got, want) {
		t.Errorf("PE2 importing %v holds\n %+v\nwant %+v", rtB, got, want)
	}
}

// TestEVPNRouteChecks: what AddEVPN refuses, with a sentence.
func TestEVPNRouteChecks(t *testing.T) {
	f := newTestFabric(t)
	pe := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	for _, c := range []struct {
		r    EVPNRoute
		want string
	}{
		{EVPNRoute{Type: 4, RD: rd1, NextHop: addr("10.0.0.1")}, "route type 4 is not"},
		{EVPNRoute{Type: 2, RD: rd1, NextHop: addr("10.0.0.1"), Label: 1 << 20}, "does not fit in 20 bits"},
		{EVPNRoute{Type: 3, RD: rd1}, "next hop invalid IP is not"},
		{EVPNRoute{Type: 3, RD: rd1, NextHop: addr("10.0.0.1"), IP: addr("1.2.3.4")}, "type 2 route only"},
		{EVPNRoute{Type: 2, RD: rd1, NextHop: addr("10.0.0.1"), L2Attrs: &L2Attributes{}}, "type 1 route only"},
		{EVPNRoute{Type: 1, RD: rd1, NextHop: addr("10.0.0.1"), RouteTargets: []vrf.RouteTarget{{0, 3}}}, "not a route target"},
		{EVPNRoute{Type: 2, RD: rd1, NextHop: addr("10.0.0.1"), ESI: [10]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, "ESI type 1 must end with a zero octet"},
		{EVPNRoute{Type: 2, RD: rd1, NextHop: addr("10.0.0.1"), ESI: [10]byte{6}}, "ESI type 6 is not 0 to 5"},
		{EVPNRoute{Type: 3, RD: rd1, NextHop: addr("10.0.0.1"), ESI: [10]byte{0, 1}}, "has no ESI"},
		{EVPNRoute{Type: 2, RD: rd1, NextHop: addr("10.0.0.1"), IP: netip.MustParseAddr("::ffff:1.2.3.4")}, "IPv4-mapped"},
	} {
		if err := pe.AddEVPN(c.r); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddEVPN(%+v) = %v, want %q", c.r, err, c.want)
		}
	}
}

// The NLRI and PMSI Tunnel attribute bytes PE2 received, against RFC 7432
// section 7 and RFC 6514 section 5 written out by hand, and read back by
// GoBGP's own decoder.
func TestEVPNWireBytes(t *testing.T) {
	n := newEVPNNet(t, 1, nil)
	if err := n.pe1.AddEVPN(evpnIMET, evpnMACIP, evpnVPWS); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	got := map[string][][]byte{}
	if err := n.pe2.rib(L2VPNEVPN, func(p *api.Path, _ string) error {
		got[string(p.NlriBinary)] = p.PattrsBinary
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rd := []byte{0, 0, 0xfd, 0xe8, 0, 0, 0, 1} // 65000:1, type 0
	rd2b := []byte{0, 1, 10, 0, 0, 2, 0, 7}    // 10.0.0.2:7, type 1
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, c := range []struct {
		name      string
		nlri      []byte
		pmsi      []byte // the PMSI Tunnel attribute, nil if none
		gobgpText string
	}{
		{"type 3", cat([]byte{3, 17}, rd, []byte{0, 0, 0, 0, 32, 10, 0, 0, 1}),
			// optional transitive, type 22, length 9: flags, tunnel type 6, label 3001<<4, tunnel ID
			[]byte{0xc0, 22, 9, 0, 6, 0x00, 0xbb, 0x90, 10, 0, 0, 1},
			"[type:multicast][rd:65000:1][etag:0][ip:10.0.0.1]"},
		{"type 2", cat([]byte{2, 37}, rd, make([]byte, 10), []byte{0, 0, 0, 10, 48}, mac2[:], []byte{32, 172, 16, 0, 1, 0xff, 0xff, 0xf1}), nil,
			"[type:macadv][rd:65000:1][etag:10][mac:02:00:00:00:02:02][ip:172.16.0.1]"},
		{"type 1", cat([]byte{1, 25}, rd2b, make([]byte, 10), []byte{0, 0, 0, 100, 0x00, 0xbb, 0xc1}), nil,
			"[type:A-D][rd:10.0.0.2:7][esi:single-homed][etag:100]"},
	} {
		attrs, ok := got[string(c.nlri)]
		if !ok {
			t.Errorf("%s: PE2 has no path with NLRI % x; it has %d others", c.name, c.nlri, len(got))
			continue
		}
		var nlri bgp.EVPNNLRI
		if err := nlri.DecodeFromBytes(c.nlri); err != nil || nlri.String() != c.gobgpText {
			t.Errorf("%s: GoBGP reads %q (%v), want %q", c.name, nlri.String(), err, c.gobgpText)
		}
		var pmsi []byte
		for _, a := range attrs {
			if len(a) > 1 && a[1] == 22 {
				pmsi = a
			}
		}
		if !bytes.Equal(pmsi, c.pmsi) {
			t.Errorf("%s: PMSI Tunnel attribute % x, want % x", c.name, pmsi, c.pmsi)
		}
		if c.pmsi != nil {
			var a bgp.PathAttributePmsiTunnel
			if err := a.DecodeFromBytes(pmsi); err != nil || a.TunnelType != bgp.PMSI_TUNNEL_TYPE_INGRESS_REPL || a.Label>>4 != 3001 {
				t.Errorf("%s: GoBGP reads the PMSI Tunnel attribute as %v (%v)", c.name, &a, err)
			}
		}
	}
	// the Layer 2 Attributes extended community of the type 1 route:
	// type 0x06 subtype 0x04, flags P and C, MTU 1500
	found := false
	for _, a := range got[string(cat([]byte{1, 25}, rd2b, make([]byte, 10), []byte{0, 0, 0, 100, 0x00, 0xbb, 0xc1}))] {
		found = found || bytes.Contains(a, []byte{0x06, 0x04, 0x00, 0x06, 0x05, 0xdc, 0, 0})
	}
	if !found {
		t.Error("type 1: no Layer 2 Attributes extended community 06 04 00 06 05 dc 00 00")
	}
}

// evpnWire is GoBGP's NLRI bytes for r.
func evpnWire(t testing.TB, r EVPNRoute) []byte {
	b, err := evpnNLRI(r).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEVPNFromWireRefuses(t *testing.T) {
	mac := evpnWire(t, evpnMACIP)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "length does not match"},
		{"cut", mac[:20], "length does not match"},
		{"type 4", []byte{4, 8, 0, 0, 0, 0, 0, 0, 0, 0}, "route type 4"},
		{"RD type 3", func() []byte { b := bytes.Clone(mac); b[3] = 3; return b }(), "route distinguisher type 3"},
		{"MAC length 47", func() []byte { b := bytes.Clone(mac); b[2+8+14] = 47; return b }(), "48-bit MAC"},
		{"IP length 24", func() []byte { b := bytes.Clone(mac); b[2+8+21] = 24; return b }(), "IP address length 24"},
		{"label cut", func() []byte { b := bytes.Clone(mac[:len(mac)-1]); b[1]--; return b }(), "octets of labels"},
		{"type 3 with IPv6", func() []byte {
			b := evpnWire(t, evpnIMET)
			b[2+8+4] = 128
			return b
		}(), "originating router's IPv4"},
	} {
		if _, err := evpnFromWire(c.b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// FuzzEVPNFromWire: on any bytes evpnFromWire either refuses or reads a
// route that GoBGP's constructors write back to the same route; where
// GoBGP's own decoder reads the bytes too, the two agree.
func FuzzEVPNFromWire(f *testing.F) {
	for _, r := range []EVPNRoute{evpnIMET, evpnMAC, evpnMACIP, evpnVPWS} {
		f.Add(evpnWire(f, r))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := evpnFromWire(b)
		if err != nil {
			return
		}
		if r.IP.Is4In6() {
			return // GoBGP writes it as IPv4; AddEVPN refuses one
		}
		if r.Type == EVPNInclusiveMulticast {
			r.Label = 0 // the PMSI Tunnel attribute's
		}
		if r.Type != EVPNInclusiveMulticast {
			r.NextHop = addr("10.0.0.1")
		}
		again, err := evpnFromWire(evpnWire(t, r))
		if err != nil {
			t.Fatalf("% x: read %+v, written back it reads as an error: %v", b, r, err)
		}
		if again.Type != EVPNInclusiveMulticast {
			again.NextHop = addr("10.0.0.1")
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("% x: read %+v, written back %+v", b, r, again)
		}
		g, ok := gobgpEVPN(b)
		if !ok {
			return
		}
		var label uint32
		switch d := g.RouteTypeData.(type) {
		case *bgp.EVPNEthernetAutoDiscoveryRoute:
			label = d.Label
			if d.ETag != r.EthernetTag {
				t.Fatalf("% x: tag %d, GoBGP %d", b, r.EthernetTag, d.ETag)
			}
		case *bgp.EVPNMacIPAdvertisementRoute:
			label = d.Labels[0]
			if !bytes.Equal(d.MacAddress, r.MAC[:]) || d.ETag != r.EthernetTag || (len(d.IPAddress) > 0) != r.IP.IsValid() {
				t.Fatalf("% x: %+v, GoBGP %+v", b, r, d)
			}
			if r.IP.IsValid() && !net.IP(r.IP.AsSlice()).Equal(d.IPAddress) {
				t.Fatalf("% x: IP %v, GoBGP %v", b, r.IP, d.IPAddress)
			}
		case *bgp.EVPNMulticastEthernetTagRoute:
			if d.ETag != r.EthernetTag || !net.IP(r.NextHop.AsSlice()).Equal(d.IPAddress) {
				t.Fatalf("% x: %+v, GoBGP %+v", b, r, d)
			}
			return
		}
		if mpls.Label(label>>4) != r.Label {
			t.Fatalf("% x: label %d, GoBGP's field %#x", b, r.Label, label)
		}
	})
}

// gobgpEVPN decodes b with GoBGP's decoder, which panics on some short
// routes: those count as not read.
func gobgpEVPN(b []byte) (n *bgp.EVPNNLRI, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	n = &bgp.EVPNNLRI{}
	return n, n.DecodeFromBytes(b) == nil
}

// TestEVPNTwoReflectorsEachPE: PE1 and PE2 clients of both RR1 and RR2,
// which peer: PE2 holds PE1's route once from each reflector, and a
// withdrawal leaves no stale copy anywhere (the loss GoBGP has between
// reflectors peering as non-clients, see reflect.go).
func TestEVPNTwoReflectorsEachPE(t *testing.T) {
	f := newTestFabric(t)
	var rrs []*Speaker
	for i := range 2 {
		id := addr(fmt.Sprintf("10.0.0.%d", 100+i))
		rr, err := f.AddSpeaker(SpeakerConfig{Name: fmt.Sprintf("RR%d", i+1), ASN: 65000, RouterID: id, ClusterID: id, Decides: true})
		if err != nil {
			t.Fatal(err)
		}
		rrs = append(rrs, rr)
	}
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	cfgs := []SessionConfig{{A: rrs[0], B: rrs[1]}}
	for _, rr := range rrs {
		for _, pe := range []*Speaker{pe1, pe2} {
			cfgs = append(cfgs, SessionConfig{A: rr, B: pe, BIsRRClientOfA: true})
		}
	}
	for _, c := range cfgs {
		c.Family, c.EVPN = VPNv4, true
		if _, err := f.AddSession(c); err != nil {
			t.Fatal(err)
		}
	}
	upAll(f)
	for _, r := range []EVPNRoute{evpnIMET, evpnMACIP} {
		if err := pe1.AddEVPN(r); err != nil {
			t.Fatal(err)
		}
		settle(t, f)
		var got []string
		for _, p := range evpnPaths(t, pe2) {
			got = append(got, fmt.Sprintf("%v label %d from %s originator %v", p.EVPNRoute, p.Label, p.From, p.OriginatorID))
		}
		want := []string{
			fmt.Sprintf("%v label %d from RR1 originator 10.0.0.1", r, r.Label),
			fmt.Sprintf("%v label %d from RR2 originator 10.0.0.1", r, r.Label),
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: PE2 holds\n%s\nwant\n%s", r, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if err := pe1.DeleteEVPN(r); err != nil {
			t.Fatal(err)
		}
		settle(t, f)
		for _, sp := range append([]*Speaker{pe1, pe2}, rrs...) {
			if got := evpnPaths(t, sp); len(got) != 0 {
				t.Errorf("%v withdrawn: %s still holds %+v", r, sp.Name(), got)
			}
		}
	}
}

// The RIB audit names an EVPN path it finds missing in GoBGP's words.
func TestDescribeDiffEVPN(t *testing.T) {
	k := string(evpnWire(t, evpnMACIP))
	got := describeDiff(map[string]digest{k: {1, 2}}, map[string]digest{}, L2VPNEVPN)
	if want := "[type:macadv][rd:65000:1][etag:10][mac:02:00:00:00:02:02][ip:172.16.0.1] not received"; got != want {
		t.Errorf("describeDiff = %q, want %q", got, want)
	}
	if fams := (&Session{cfg: SessionConfig{Family: VPNv4, EVPN: true}}).families(); !reflect.DeepEqual(fams, []Family{VPNv4, L2VPNEVPN}) {
		t.Errorf("an EVPN session's audited families: %v", fams)
	}
}

// TestEVPNFullMesh: PE to PE without a reflector, a multi-homed type 2
// route (ESI type 3, MAC-based) and a type 1 route arrive whole beside
// VPNv4.
func TestEVPNFullMesh(t *testing.T) {
	f := newTestFabric(t)
	pe1 := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	if _, err := f.AddSession(SessionConfig{A: pe1, B: pe2, Family: VPNv4, EVPN: true}); err != nil {
		t.Fatal(err)
	}
	upAll(f)
	mh := evpnMAC
	mh.ESI = [10]byte{3, 0x02, 0, 0, 0, 0, 0x01, 0, 0, 7}
	if err := pe1.AddEVPN(mh, evpnVPWS); err != nil {
		t.Fatal(err)
	}
	if err := pe1.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
	var want []EVPNPath
	for _, r := range []EVPNRoute{evpnVPWS, mh} {
		p := EVPNPath{EVPNRoute: r, From: "PE1", PeerRouterID: addr("10.0.0.1"), LocalPref: 100, Best: true}
		p.RouteTargets = sortedRTs(r.RouteTargets)
		want = append(want, p)
	}
	if got := evpnPaths(t, pe2); !reflect.DeepEqual(got, want) {
		t.Errorf("PE2 holds\n %+v\nwant %+v", got, want)
	}
	if got := vpnPaths(t, pe2); len(got) != 1 || got[0].FromPeer != "PE1" {
		t.Errorf("PE2's VPNv4 table: %+v", got)
	}
}
