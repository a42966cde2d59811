package bgp

import (
	"context"
	"fmt"
	"testing"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// updateBytes serialises an UPDATE with the given attributes and NLRI.
func updateBytes(t testing.TB, withdrawn []*bgp.IPAddrPrefix, attrs []bgp.PathAttributeInterface, nlri []*bgp.IPAddrPrefix) []byte {
	t.Helper()
	b, err := bgp.NewBGPUpdateMessage(withdrawn, attrs, nlri).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIsMarkerUpdate(t *testing.T) {
	opaque := bgp.NewOpaqueNLRI([]byte(markerKey), make([]byte, markerValue))
	vpn := vpnNLRI(rd1, pfx1, 100)
	origin := bgp.NewPathAttributeOrigin(bgp.BGP_ORIGIN_ATTR_TYPE_IGP)
	aspath := bgp.NewPathAttributeAsPath(nil)
	markerUpd := updateBytes(t, nil, []bgp.PathAttributeInterface{origin, aspath, bgp.NewPathAttributeMpReachNLRI("0.0.0.0", []bgp.AddrPrefixInterface{opaque})}, nil)
	// An attribute with the extended-length flag before MP_REACH_NLRI.
	longComm := make([]uint32, 80)
	longMarker := updateBytes(t, nil, []bgp.PathAttributeInterface{origin, bgp.NewPathAttributeCommunities(longComm), bgp.NewPathAttributeMpReachNLRI("0.0.0.0", []bgp.AddrPrefixInterface{opaque})}, nil)
	cases := []struct {
		name string
		msg  []byte
		want bool
	}{
		{"marker", markerUpd, true},
		{"marker after a long attribute", longMarker, true},
		{"marker withdrawn", updateBytes(t, nil, []bgp.PathAttributeInterface{bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{opaque})}, nil), true},
		{"vpnv4", updateBytes(t, nil, []bgp.PathAttributeInterface{origin, aspath, bgp.NewPathAttributeMpReachNLRI("10.0.0.1", []bgp.AddrPrefixInterface{vpn})}, nil), false},
		{"vpnv4 withdrawn", updateBytes(t, nil, []bgp.PathAttributeInterface{bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{vpn})}, nil), false},
		{"ipv4", updateBytes(t, nil, []bgp.PathAttributeInterface{origin, aspath, bgp.NewPathAttributeNextHop("10.0.0.1")}, []*bgp.IPAddrPrefix{bgp.NewIPAddrPrefix(24, "10.1.0.0")}), false},
		{"end of rib", updateBytes(t, nil, nil, nil), false},
		{"truncated attributes", markerUpd[:len(markerUpd)-12], false},
		{"only a header", markerUpd[:headerLen], false},
		{"withdrawn length past the end", append(markerUpd[:headerLen:headerLen], 0xff, 0xff), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := isMarkerUpdate(c.msg); got != c.want {
				t.Errorf("isMarkerUpdate = %v, want %v (% x)", got, c.want, c.msg)
			}
		})
	}
}

// FuzzIsMarkerUpdate: any UPDATE body, well formed or not, is judged
// without a panic, and whatever GoBGP decodes agrees with the verdict.
func FuzzIsMarkerUpdate(f *testing.F) {
	opaque := bgp.NewOpaqueNLRI([]byte(markerKey), make([]byte, markerValue))
	for _, attrs := range [][]bgp.PathAttributeInterface{
		{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeMpReachNLRI("0.0.0.0", []bgp.AddrPrefixInterface{opaque})},
		{bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{opaque})},
		{bgp.NewPathAttributeMpReachNLRI("10.0.0.1", []bgp.AddrPrefixInterface{vpnNLRI(rd1, pfx1, 100)})},
		nil,
	} {
		b, err := bgp.NewBGPUpdateMessage(nil, attrs, nil).Serialize()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[headerLen:])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > maxMessageLen-headerLen {
			return
		}
		msg := append(append([]byte{}, marker...), 0, 0, msgUpdate)
		msg[16], msg[17] = byte((headerLen+len(body))>>8), byte(headerLen+len(body))
		msg = append(msg, body...)
		got := isMarkerUpdate(msg)
		if gobgpParses(msg) != nil {
			return // GoBGP's parser panics on it (the external relay's check)
		}
		m, err := bgp.ParseBGPMessage(msg)
		if err != nil {
			return
		}
		u, ok := m.Body.(*bgp.BGPUpdate)
		if !ok {
			return
		}
		want := false
		for _, a := range u.PathAttributes {
			switch a := a.(type) {
			case *bgp.PathAttributeMpReachNLRI:
				want = a.AFI == markerAFI && a.SAFI == markerSAFI
			case *bgp.PathAttributeMpUnreachNLRI:
				want = a.AFI == markerAFI && a.SAFI == markerSAFI
			default:
				continue
			}
			break
		}
		if got != want {
			t.Fatalf("isMarkerUpdate = %v, GoBGP decodes %v (% x)", got, want, msg)
		}
	})
}

// TestMarkersStayPut: each speaker's marker reaches its neighbours and no
// further. A reflector does not reflect its clients' markers, an eBGP
// speaker does not pass them on, no Loc-RIB holds another speaker's
// marker, and the VPN tables hold none at all.
func TestMarkersStayPut(t *testing.T) {
	f := newTestFabric(t)
	rr, pe1, pe2 := reflected(t, f)
	ce := addSpeaker(t, f, "CE1", 65001, "192.168.0.1", false)
	att := addSpeaker(t, f, "PE1/A1", 65000, "10.0.0.101", false)
	addSession(t, f, att, ce, IPv4Unicast, false)
	upWithRoute1(t, f, pe1)

	neighbours := map[*Speaker][]*Speaker{rr: {pe1, pe2}, pe1: {rr}, pe2: {rr}, ce: {att}, att: {ce}}
	for sp, peers := range neighbours {
		var local []string
		err := sp.listPath(&api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: markerFamily}, func(d *api.Destination) {
			for _, p := range d.Paths {
				local = append(local, p.NeighborIp)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(local) != 1 || local[0] != "<nil>" {
			t.Errorf("%s: Loc-RIB markers from %v, want its own only", sp.Name(), local)
		}
		for _, p := range peers {
			seq, err := sp.markerFrom(p)
			if err != nil {
				t.Fatal(err)
			}
			if seq == 0 || seq != f.round.seq {
				t.Errorf("%s holds marker %d from %s, want the last round's, %d", sp.Name(), seq, p.Name(), f.round.seq)
			}
		}
	}
	for _, sp := range []*Speaker{rr, pe1, pe2} {
		for _, p := range vpnPaths(t, sp) {
			if p.RD != route1.RD || p.Prefix != route1.Prefix {
				t.Errorf("%s: unexpected VPN path %v %v", sp.Name(), p.RD, p.Prefix)
			}
		}
	}
	if got := len(vpnPaths(t, pe2)); got != 1 {
		t.Errorf("PE2 holds %d VPN paths, want 1", got)
	}
	ipv4, err := ce.IPv4Paths()
	if err != nil || len(ipv4) != 0 {
		t.Errorf("CE1 IPv4 paths %v (%v), want none", ipv4, err)
	}
}

// TestMarkerRoundsChangeNothing: marker rounds on a quiet network do not
// fire Changed (a reader that re-reads its tables on Changed and then
// waits for Settled must not loop) and leave every table as it was.
func TestMarkerRoundsChangeNothing(t *testing.T) {
	f := newTestFabric(t)
	_, pe1, pe2 := reflected(t, f)
	upWithRoute1(t, f, pe1)
	before := vpnPaths(t, pe2)
	select {
	case <-f.Changed():
	default:
	}
	for range 5 {
		f.settleMu.Lock()
		f.round = nil // forget the rounds: the next check runs two more
		f.settleMu.Unlock()
		settle(t, f)
	}
	select {
	case <-f.Changed():
		t.Error("marker rounds notified a change")
	default:
	}
	if after := vpnPaths(t, pe2); len(after) != len(before) {
		t.Errorf("PE2 holds %d paths after the rounds, %d before", len(after), len(before))
	}
	if f.round.seq < 10 {
		t.Errorf("%d marker rounds ran, want at least 10", f.round.seq)
	}
}

// TestSettledNeedsTwoRounds: a check on a quiet network says true only
// once two marker rounds have crossed every session, and says why until
// then.
func TestSettledNeedsTwoRounds(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	b := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	addSession(t, f, a, b, VPNv4, false)
	upAll(f)
	settle(t, f)
	f.settleMu.Lock()
	f.round = nil
	f.settleMu.Unlock()
	ok, why := f.Settled()
	if ok || why != fmt.Sprintf("waiting for settle marker %d to cross every session", f.round.seq) {
		t.Fatalf("first check after forgetting the rounds: %v %q", ok, why)
	}
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if err := f.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	if f.round.complete != 2 {
		t.Errorf("settled after %d complete rounds, want 2", f.round.complete)
	}
}

// TestRouterMarkersAreWork: an UPDATE in the marker family from a router
// (none of ours: routers do not negotiate it) counts as work, never as a
// marker; a speaker's marker counts toward its receiver only.
func TestRouterMarkersAreWork(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	b := addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	toRouter := f.relayEvents([2]*Speaker{a, nil}, nil)
	w := f.work.Load()
	toRouter.read(1, true) // from the router
	if f.work.Load() == w || a.markersIn.Load() != 0 {
		t.Errorf("a router's marker-family UPDATE: work %d → %d, markers in %d; want work counted, no marker", w, f.work.Load(), a.markersIn.Load())
	}
	between := f.relayEvents([2]*Speaker{a, b}, nil)
	w = f.work.Load()
	between.read(0, true) // PE1's marker to PE2
	if f.work.Load() != w || b.markersIn.Load() != 1 || a.markersIn.Load() != 0 {
		t.Errorf("a speaker's marker: work %d → %d, PE2 markers in %d, PE1 %d; want no work, one marker in for PE2", w, f.work.Load(), b.markersIn.Load(), a.markersIn.Load())
	}
	between.read(1, false) // an UPDATE from PE2
	if f.work.Load() == w {
		t.Error("an UPDATE between speakers did not count as work")
	}
}
