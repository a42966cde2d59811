package bgp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"reflect"
	"testing"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// TestAdjInMatchesGoBGP: what the relays keep of two reflectors'
// Adj-RIB-In (adjin.go) is what GoBGP lists, path for path and byte for
// byte (the NLRI and every attribute in GoBGP's order and encoding), from
// clients and from the fellow reflector (ORIGINATOR_ID, CLUSTER_LIST),
// with attributes long enough for the extended length, routes replaced,
// withdrawn, and a session that went down and came back.
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
	compare := func(when string) {
		t.Helper()
		for _, rr := range rrs {
			used := 0
			for _, n := range []*Speaker{rrs[0], rrs[1], pes[0], pes[1], pes[2]} {
				if n != rr && rr.wireAdjIn(n.addr.String()) != nil {
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
			api, err := rr.adjRIBInVPNv4(false)
			if err != nil {
				t.Fatal(err)
			}
			if len(wire) != len(api) || len(api) == 0 {
				t.Fatalf("%s: %s holds %d paths off the wire, %d in GoBGP", when, rr.cfg.Name, len(wire), len(api))
			}
			for i := range api {
				w, g := wire[i], api[i]
				if !bytes.Equal(w.wire.NlriBinary, g.wire.NlriBinary) || !reflect.DeepEqual(w.wire.PattrsBinary, g.wire.PattrsBinary) ||
					w.wire.SourceId != g.wire.SourceId {
					t.Fatalf("%s: %s, %v %v from %s: off the wire\n%x %x %s\nGoBGP\n%x %x %s", when, rr.cfg.Name, g.RD, g.Prefix, g.FromPeer,
						w.wire.NlriBinary, w.wire.PattrsBinary, w.wire.SourceId, g.wire.NlriBinary, g.wire.PattrsBinary, g.wire.SourceId)
				}
				w.wire, g.wire = nil, nil
				if !reflect.DeepEqual(w, g) {
					t.Fatalf("%s: %s: off the wire %+v, GoBGP %+v", when, rr.cfg.Name, w, g)
				}
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

	// A session goes down and comes back: the new relay keeps it anew.
	toRR1.SetUp(false)
	settle(t, f)
	if rrs[0].wireAdjIn(pes[0].addr.String()) != nil {
		t.Error("RR1 reads PE1 off the wire while the session is down")
	}
	toRR1.SetUp(true)
	settle(t, f)
	compare("after a session reset")
}

// FuzzAdjInUpdate: any UPDATE leaves the table either broken or holding
// exactly the VPN-IPv4 routes GoBGP's parser finds in it, never panics.
func FuzzAdjInUpdate(f *testing.F) {
	msg := func(attrs ...[]byte) []byte {
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
	nlri := []byte{112, 0x01, 0x86, 0xa1, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 10, 1, 0}
	reach := append([]byte{0x80, 14, byte(17 + len(nlri)), 0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1, 0}, nlri...)
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
