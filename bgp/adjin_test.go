package bgp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// TestAdjInMatchesGoBGP: what the relays keep of two reflectors'
// Adj-RIB-In (adjin.go) is what GoBGP lists, path for path and byte for
// byte (the NLRI and every attribute in GoBGP's order and encoding), from
// clients and from the fellow reflector (ORIGINATOR_ID, CLUSTER_LIST),
// with attributes long enough for the extended length, routes replaced,
// withdrawn, and a session that went down and came back; and that each
// PE's RIB read off the wire (VPNv4RIB) is the one GoBGP lists.
func TestAdjInMatchesGoBGP(t *testing.T) {
	f := newTestFabric(t)
	var rrs []*Speaker
	for i, name := range []string{"RR1", "RR2"} {
		id := addr(fmt.Sprintf("10.0.0.%d", 100+i))
		rr, err := f.AddSpeaker(SpeakerConfig{Name: name, ASN: 65000, RouterID: id, ClusterID: id, Decides: true})
		if err != nil {
			t.Fatal(err)
		}
		rrs = append(rrs, rr)
	}
	addSession(t, f, rrs[0], rrs[1], VPNv4, false)
	var pes []*Speaker
	var toRR1 *Session
	for i := range 3 {
		pe := addSpeaker(t, f, fmt.Sprintf("PE%d", i+1), 65000, fmt.Sprintf("10.0.0.%d", i+1), false)
		pes = append(pes, pe)
		for _, rr := range rrs {
			s := addSession(t, f, rr, pe, VPNv4, true)
			if rr == rrs[0] && i == 0 {
				toRR1 = s
			}
		}
	}
	upAll(f)
	settle(t, f)

	var manyRTs []vrf.RouteTarget
	for i := range 40 { // 320 bytes of extended communities
		manyRTs = append(manyRTs, vrf.MustParseRouteTarget(fmt.Sprintf("65000:%d", 1000+i)))
	}
	var longPath []uint32
	for i := range 70 { // an AS_PATH of 282 bytes
		longPath = append(longPath, uint32(64512+i))
	}
	var routes []VPNRoute
	for i, pe := range pes {
		for j := range 40 {
			r := VPNRoute{
				RD:           vrf.MustParseRD(fmt.Sprintf("65000:%d", 1+j%4)),
				Prefix:       netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(j), byte(i), 0}), 16+j%17),
				Label:        mpls.Label(16 + i*100 + j),
				NextHop:      pe.cfg.RouterID,
				RouteTargets: []vrf.RouteTarget{rtA},
				Origin:       uint8(j % 3),
			}
			r.Prefix = r.Prefix.Masked()
			switch j % 5 {
			case 1:
				r.ASPath, r.MED = []uint32{65001, 65002}, uint32(j)
			case 2:
				r.ASPath, r.RouteTargets = longPath, manyRTs
			case 3:
				r.LocalPref, r.SiteOfOrigin = 150, vrf.MustParseRouteTarget("65000:7").SiteOfOrigin()
			case 4:
				r.Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 99, byte(j), 1}), 32)
			}
			if j == 0 {
				r.Prefix = netip.PrefixFrom(netip.IPv4Unspecified(), 0) // a default route
			}
			routes = append(routes, r)
			if err := pe.AddVPNv4(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	settle(t, f)
	staleLocRIB := 0
	compare := func(when string) {
		t.Helper()
		for _, rr := range rrs {
			used := 0
			for _, n := range []*Speaker{rrs[0], rrs[1], pes[0], pes[1], pes[2]} {
				if _, ok := rr.wireAdjIn(n.addr.String()); n != rr && ok {
					used++
				}
			}
			if used != 4 {
				t.Fatalf("%s: %s reads %d of its 4 neighbours off the wire", when, rr.cfg.Name, used)
			}
			wire, err := rr.adjRIBInVPNv4(true)
			if err != nil {
				t.Fatal(err)
			}
			listed, err := rr.adjRIBInVPNv4(false)
			if err != nil {
				t.Fatal(err)
			}
			if len(wire) != len(listed) || len(listed) == 0 {
				t.Fatalf("%s: %s holds %d paths off the wire, %d in GoBGP", when, rr.cfg.Name, len(wire), len(listed))
			}
			for i := range listed {
				w, g := wire[i], listed[i]
				if !bytes.Equal(w.wire.nlri, g.wire.nlri) || !reflect.DeepEqual(w.wire.attrs, g.wire.attrs) ||
					w.Fingerprint() != g.Fingerprint() {
					t.Fatalf("%s: %s, %v %v from %s: off the wire\n%x %x\nGoBGP\n%x %x", when, rr.cfg.Name, g.RD, g.Prefix, g.FromPeer,
						w.wire.nlri, w.wire.attrs, g.wire.nlri, g.wire.attrs)
				}
				w.wire, g.wire = nil, nil
				if !reflect.DeepEqual(w, g) {
					t.Fatalf("%s: %s: off the wire %+v, GoBGP %+v", when, rr.cfg.Name, w, g)
				}
			}
		}
		// Each PE's RIB: its own routes and the latest route from each
		// neighbour (GoBGP's Adj-RIB-In) unless it is its own coming back
		// (ORIGINATOR_ID).
		for _, pe := range pes {
			wire, ok, err := pe.wireRIB()
			if err != nil || !ok {
				t.Fatalf("%s: %s: read off the wire: %v, %v", when, pe.cfg.Name, ok, err)
			}
			want := ribFromAdjIn(t, pe)
			if !reflect.DeepEqual(wire, want) {
				t.Fatalf("%s: %s: off the wire %d paths, from GoBGP's Adj-RIB-In %d; only off the wire:\n%s\nonly from GoBGP:\n%s", when, pe.cfg.Name,
					len(wire), len(want), onlyIn(wire, want), onlyIn(want, wire))
			}
			loc, err := pe.VPNv4Paths()
			if err != nil {
				t.Fatal(err)
			}
			for i := range loc {
				loc[i].Best = false
			}
			if d := onlyIn(wire, loc); d != "" {
				t.Fatalf("%s: %s: off the wire but not in GoBGP's Loc-RIB:\n%s", when, pe.cfg.Name, d)
			}
			staleLocRIB += len(loc) - len(wire)
			// The summary counts what the table shows.
			counts, err := pe.VPNv4PathCounts()
			if err != nil {
				t.Fatal(err)
			}
			byPeer := map[string]int{}
			for _, p := range wire {
				byPeer[p.FromPeer]++
			}
			if !reflect.DeepEqual(counts, byPeer) {
				t.Fatalf("%s: %s: summary counts %v, RIB %v", when, pe.cfg.Name, counts, byPeer)
			}
		}
	}
	compare("first")

	// RR1 reflects half of what it holds: RR2 receives those from it.
	in, err := rrs[0].AdjRIBInVPNv4()
	if err != nil {
		t.Fatal(err)
	}
	var chosen []VPNPath
	for i, p := range in {
		if i%2 == 0 && p.FromPeer != "RR2" {
			chosen = append(chosen, p)
		}
	}
	if err := rrs[0].Reflect(chosen...); err != nil {
		t.Fatal(err)
	}
	// Replace and withdraw some routes.
	for i, r := range routes {
		switch i % 7 {
		case 0:
			r.Label, r.MED = r.Label+1, 77
			if err := pes[i/40].AddVPNv4(r); err != nil {
				t.Fatal(err)
			}
		case 3:
			if err := pes[i/40].DeleteVPNv4(r.RD, r.Prefix); err != nil {
				t.Fatal(err)
			}
		}
	}
	settle(t, f)
	compare("after reflecting, replacing and withdrawing")
	// RR1 reflected two paths of some RD and prefix, one after the other
	// (the test picks them so): a PE that received another PE's path first
	// and its own second drops its own (ORIGINATOR_ID) and with it, by
	// implicit withdraw, the earlier one, as FRR's bgp_update does (its
	// "filtered" branch removes the route the peer sent before). GoBGP
	// v3.37 skips the rejected path before its Loc-RIB sees it and keeps
	// the earlier one there; the RIB read off the wire does not.
	if staleLocRIB == 0 {
		t.Error("GoBGP's Loc-RIB held no route replaced by a rejected one: wireRIB's note on GoBGP is out of date")
	}

	// A session goes down and comes back: the new relay keeps it anew.
	toRR1.SetUp(false)
	settle(t, f)
	if tbl, ok := rrs[0].wireAdjIn(pes[0].addr.String()); tbl != nil || !ok {
		t.Errorf("RR1 holds %v from PE1 off the wire (known: %v) while the session is down", tbl, ok)
	}
	compare("with a session down")
	toRR1.SetUp(true)
	settle(t, f)
	compare("after a session reset")
}

// FuzzAdjInUpdate: any UPDATE leaves the table either broken or holding
// exactly the VPN-IPv4 routes GoBGP's parser finds in it, never panics.
func FuzzAdjInUpdate(f *testing.F) {
	msg := updateOf
	nlri := testNLRI
	reach := testReach()
	origin := []byte{0x40, 1, 1, 0}
	unreach := append([]byte{0x80, 15, byte(3 + len(nlri)), 0, 1, 128}, nlri...)
	f.Add(msg(origin, reach))
	f.Add(msg(unreach))
	f.Add(msg(origin, reach, unreach))
	f.Add(msg([]byte{0x80, 15, 3, 0, 1, 128}))
	f.Fuzz(func(t *testing.T, m []byte) {
		if len(m) < headerLen || len(m) > 4096 {
			return
		}
		m = bytes.Clone(m)
		copy(m, bytes.Repeat([]byte{0xff}, 16))
		binary.BigEndian.PutUint16(m[16:], uint16(len(m)))
		m[18] = msgUpdate
		tbl := newAdjIn()
		tbl.update(m)
		if !tbl.usable() {
			return
		}
		parsed, err := bgp.ParseBGPMessage(m)
		if err != nil {
			return // GoBGP would end the session: the table is not read then
		}
		key := func(n bgp.AddrPrefixInterface) adjKey {
			v := n.(*bgp.LabeledVPNIPAddrPrefix)
			var k adjKey
			rd, _ := v.RD.Serialize()
			copy(k[:8], rd)
			copy(k[8:12], v.Prefix.To4())
			k[12] = byte(v.IPPrefixLen())
			return k
		}
		want := map[adjKey]bool{}
		up := parsed.Body.(*bgp.BGPUpdate)
		for _, a := range up.PathAttributes {
			if r, ok := a.(*bgp.PathAttributeMpReachNLRI); ok && r.AFI == bgp.AFI_IP && r.SAFI == bgp.SAFI_MPLS_VPN {
				for _, n := range r.Value {
					want[key(n)] = true
				}
			}
		}
		for _, a := range up.PathAttributes {
			if r, ok := a.(*bgp.PathAttributeMpUnreachNLRI); ok && r.AFI == bgp.AFI_IP && r.SAFI == bgp.SAFI_MPLS_VPN {
				for _, n := range r.Value {
					delete(want, key(n))
				}
			}
		}
		got := map[adjKey]bool{}
		for k := range tbl.routes {
			got[k] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("off the wire %v, GoBGP parses %v", got, want)
		}
	})
}

// onlyIn lists the paths of a that b lacks, one per line.
func onlyIn(a, b []VPNPath) string {
	seen := map[string]int{}
	for _, p := range b {
		seen[fmt.Sprintf("%+v", p)]++
	}
	var out []string
	for _, p := range a {
		k := fmt.Sprintf("%+v", p)
		if seen[k] > 0 {
			seen[k]--
			continue
		}
		out = append(out, k)
	}
	return strings.Join(out, "\n")
}

// ribFromAdjIn is sp's RIB as RFC 4271 and FRR make it from what GoBGP
// holds: its own routes (GoBGP's Loc-RIB) and, from each neighbour, the
// route it sent last (GoBGP's Adj-RIB-In) unless sp rejects it, sorted
// as VPNv4RIB sorts.
func ribFromAdjIn(t *testing.T, sp *Speaker) []VPNPath {
	t.Helper()
	var out []VPNPath
	err := sp.rib(VPNv4, func(p *api.Path, from string) error {
		if from == "" {
			v, err := vpnPath(p)
			v.Best = false
			out = append(out, v)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	peers, err := sp.peers()
	if err != nil {
		t.Fatal(err)
	}
	for addr, peer := range peers {
		err := sp.listPath(&api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: addr, Family: VPNv4.api(), EnableOnlyBinary: true},
			func(d *api.Destination) {
				for _, p := range d.Paths {
					v, err := vpnPath(p)
					if err != nil {
						t.Error(err)
					}
					if v.OriginatorID == sp.cfg.RouterID {
						continue
					}
					v.FromPeer, v.Best = sp.peerName(addr), false
					v.PeerRouterID = netip.MustParseAddr(peer.GetState().GetRouterId())
					out = append(out, v)
				}
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(out, compareVPNPaths)
	return out
}

// TestAdjInDropsUnusedAttributes: a session that carried many attribute
// sets, each replaced by the next, keeps only the sets its routes use.
func TestAdjInDropsUnusedAttributes(t *testing.T) {
	tbl := newAdjIn()
	for med := range 5000 {
		tbl.update(updateOf([]byte{0x40, 1, 1, 0}, []byte{0x80, 4, 4, byte(med >> 24), byte(med >> 16), byte(med >> 8), byte(med)}, testReach()))
	}
	if !tbl.usable() || tbl.count() != 1 {
		t.Fatalf("usable %v, %d routes; want one route", tbl.usable(), tbl.count())
	}
	if len(tbl.attrs) > 1025 {
		t.Errorf("%d attribute sets kept for one route", len(tbl.attrs))
	}
	var med uint32
	tbl.each(false, func(_ []byte, attrs [][]byte) {
		for _, a := range attrs {
			if a[1] == attrMED {
				med = binary.BigEndian.Uint32(a[3:])
			}
		}
	})
	if med != 4999 {
		t.Errorf("the route carries MED %d, want the last one sent, 4999", med)
	}
}

// testNLRI is a VPN-IPv4 NLRI: label 100001, RD 65000:1, 10.1.0.0/24.
var testNLRI = []byte{112, 0x01, 0x86, 0xa1, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 10, 1, 0}

// testReach is an MP_REACH_NLRI attribute of testNLRI behind 10.0.0.1.
func testReach() []byte {
	return append([]byte{0x80, 14, byte(17 + len(testNLRI)), 0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1, 0}, testNLRI...)
}

// updateOf is a whole UPDATE message carrying attrs (each whole) and
// nothing else.
func updateOf(attrs ...[]byte) []byte {
	var a []byte
	for _, x := range attrs {
		a = append(a, x...)
	}
	b := make([]byte, headerLen, headerLen+4+len(a))
	copy(b, bytes.Repeat([]byte{0xff}, 16))
	b[18] = msgUpdate
	b = append(b, 0, 0, byte(len(a)>>8), byte(len(a)))
	b = append(b, a...)
	binary.BigEndian.PutUint16(b[16:], uint16(len(b)))
	return b
}
