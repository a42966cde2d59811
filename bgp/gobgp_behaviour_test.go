package bgp

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"syscall"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/vpnsim/vpnsim/vrf"
)

// One test per GoBGP behaviour vpnsim relies on, each named for the
// behaviour: after a GoBGP upgrade, a failure here says what changed. The
// deadlines only keep a changed GoBGP from hanging the test.

const behaviourWait = 2 * time.Second

// eventually polls cond every millisecond until it holds or behaviourWait
// has passed.
func eventually(cond func() bool) bool {
	deadline := time.NewTimer(behaviourWait)
	defer deadline.Stop()
	poll := time.NewTicker(time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case <-poll.C:
		case <-deadline.C:
			return false
		}
	}
	return true
}

// closed tells whether ch is closed within behaviourWait.
func closedSoon(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(behaviourWait):
		return false
	}
}

// A session A–B is up and settled.
func upSession(t *testing.T) (f *Fabric, a, b *Speaker) {
	t.Helper()
	f = newTestFabric(t)
	a = addSpeaker(t, f, "RR1", 65000, "10.0.0.100", true)
	b = addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	addSession(t, f, a, b, VPNv4, true)
	upAll(f)
	settle(t, f)
	return f, a, b
}

// Close deletes each neighbour and waits for GoBGP's "freed fsm.h" debug
// line (Speaker.stop); without it Close waits closeWait for every speaker.
func TestGoBGPLogsFreedFSMWhenANeighbourIsDeleted(t *testing.T) {
	_, a, b := upSession(t)
	a.deleteNeighbour(b.addr.String())
	if !eventually(a.fsmsAllFreed) {
		t.Fatalf("GoBGP did not log %q with the neighbour's address (Key) after DeletePeer", fsmFreed)
	}
}

// Parking a main loop (startGobgp, stop) relies on GoBGP calling the timing
// hook after every operation, once it has handed the caller its reply.
func TestGoBGPCallsTheTimingHookAfterReplyingToAnOperation(t *testing.T) {
	a := addSpeaker(t, newTestFabric(t), "PE1", 65000, "10.0.0.1", false) // no neighbour: operations are all its loop handles
	p := &parking{parked: make(chan struct{}), release: make(chan struct{})}
	a.g.park.Store(p)
	defer close(p.release)
	replied := make(chan struct{})
	go func() {
		a.g.srv.GetBgp(context.Background(), &api.GetBgpRequest{})
		close(replied)
	}()
	if !closedSoon(p.parked) {
		a.g.park.CompareAndSwap(p, nil)
		t.Fatal("GoBGP did not call the timing hook after an operation")
	}
	if !closedSoon(replied) {
		t.Fatal("GoBGP had not replied to the operation when it called the timing hook")
	}
}

// stop leaves GoBGP's endless Serve loop by a panic from the timing hook:
// GoBGP must not recover it.
func TestGoBGPServeLeavesByAPanicFromTheTimingHook(t *testing.T) {
	f := NewFabric(Options{})
	sp := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if !closedSoon(sp.g.serveDone) {
		t.Fatal("GoBGP's Serve did not return once the timing hook panicked")
	}
}

// quiesce and stop count connections GoBGP took from its listener and
// messages it handled from the timing hook (FSMAccept, FSMMessage).
func TestGoBGPTimingHookSeesAcceptedConnectionsAndMessages(t *testing.T) {
	_, a, b := upSession(t)
	for _, sp := range []*Speaker{a, b} {
		if acc, dial := sp.accepted.Load(), sp.dialed.Load(); acc != dial || acc == 0 {
			t.Errorf("%s: the timing hook saw %d accepted connections, the fabric dialled %d", sp.Name(), acc, dial)
		}
		if sp.processed.Load() == 0 {
			t.Errorf("%s: the timing hook saw no FSM message", sp.Name())
		}
	}
}

// A controller dials as soon as both neighbours are in Active: GoBGP puts a
// passive neighbour added through its API there at once (a connection
// reaching an FSM in Idle is closed).
func TestGoBGPPutsANewPassiveNeighbourInActive(t *testing.T) {
	f := newTestFabric(t)
	a := addSpeaker(t, f, "RR1", 65000, "10.0.0.100", true)
	b := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	addSession(t, f, a, b, VPNv4, true) // down: nothing dials
	if !eventually(func() bool { return a.neighbourState(b.addr.String()) == api.PeerState_ACTIVE }) {
		t.Fatalf("a new passive neighbour is in %v, not Active", a.neighbourState(b.addr.String()))
	}
}

// AddSpeaker tries another address when the bind fails: it needs GoBGP's
// StartBgp to return the socket error, errors.Is-comparable.
func TestGoBGPStartBgpReportsAnAddressInUse(t *testing.T) {
	f := newTestFabric(t)
	sp := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pickAddr = func() netip.Addr { return sp.addr }
	defer func() { pickAddr = random127 }()
	_, err := f.AddSpeaker(SpeakerConfig{Name: "PE2", ASN: 65000, RouterID: addr("10.0.0.2")})
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("StartBgp on an address in use: %v, want EADDRINUSE", err)
	}
}

// deciding is a reflector RR1 whose decision the caller makes (Decides)
// and clients PE1 to PEn, PE1 with route1, settled.
func deciding(t *testing.T, clients int) (f *Fabric, rr *Speaker, pes []*Speaker) {
	t.Helper()
	f = newTestFabric(t)
	rr, err := f.AddSpeaker(SpeakerConfig{Name: "RR1", ASN: 65000, RouterID: addr("10.0.0.100"), ClusterID: addr("10.0.0.100"), Decides: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range clients {
		pe := addSpeaker(t, f, fmt.Sprintf("PE%d", i+1), 65000, fmt.Sprintf("10.0.0.%d", i+1), false)
		addSession(t, f, rr, pe, VPNv4, true)
		pes = append(pes, pe)
	}
	upWithRoute1(t, f, pes[0])
	return f, rr, pes
}

// reflectAll has rr reflect every path it holds and waits until settled.
func reflectAll(t *testing.T, f *Fabric, rr *Speaker) {
	t.Helper()
	in, err := rr.AdjRIBInVPNv4()
	if err != nil {
		t.Fatal(err)
	}
	if err := rr.Reflect(in...); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
}

// Settled's audit and Decides' reflectors read what import policy rejected
// from the Adj-RIB-In.
func TestGoBGPKeepsRejectedPathsInAdjRIBIn(t *testing.T) {
	_, rr, _ := deciding(t, 1)
	in, err := rr.AdjRIBInVPNv4()
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 1 || in[0].FromPeer != "PE1" {
		t.Errorf("the Adj-RIB-In holds %s, want PE1's path, rejected by import policy", describe(in))
	}
	if got := vpnPaths(t, rr); len(got) != 0 {
		t.Errorf("the Loc-RIB holds %s, which import policy rejected", describe(got))
	}
}

// The settle markers' and Decides' import policies accept the speaker's
// own paths first: GoBGP runs import policy on local paths too.
func TestGoBGPRunsImportPolicyOnLocalPaths(t *testing.T) {
	f := newTestFabric(t)
	sp := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	reject := &api.Policy{Name: "test-reject-vpn", Statements: []*api.Statement{{
		Name:       "test-reject-vpn",
		Conditions: &api.Conditions{AfiSafiIn: []*api.Family{VPNv4.api()}},
		Actions:    &api.Actions{RouteAction: api.RouteAction_REJECT},
	}}}
	if err := sp.use(func() error { return sp.addPolicy(api.PolicyDirection_IMPORT, reject) }); err != nil {
		t.Fatal(err)
	}
	if err := sp.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	if got := vpnPaths(t, sp); len(got) != 0 {
		t.Errorf("an import policy rejecting VPNv4 left the local path in the Loc-RIB: %s", describe(got))
	}
}

// Route reflection toward a client (RFC 4456 section 8), which the model's
// reflector-to-reflector sessions and Reflect rely on.
func TestGoBGPReflectsWithOriginatorAndClusterList(t *testing.T) {
	f := newTestFabric(t)
	_, pe1, pe2 := reflected(t, f)
	upWithRoute1(t, f, pe1)
	got := vpnPaths(t, pe2)
	if len(got) != 1 || got[0].OriginatorID != addr("10.0.0.1") || len(got[0].ClusterList) != 1 || got[0].ClusterList[0] != addr("10.0.0.9") {
		t.Fatalf("PE2 got %s, want PE1's path with ORIGINATOR_ID 10.0.0.1 and CLUSTER_LIST [10.0.0.9]", describe(got))
	}
}

// Next hops stay the model's addresses: a reflector does not change the
// next hop of an iBGP VPNv4 path.
func TestGoBGPLeavesTheNextHopAloneOverIBGP(t *testing.T) {
	f := newTestFabric(t)
	_, pe1, pe2 := reflected(t, f)
	upWithRoute1(t, f, pe1)
	if got := vpnPaths(t, pe2); len(got) != 1 || got[0].NextHop != route1.NextHop {
		t.Fatalf("PE2 got %s, want next hop %v", describe(got), route1.NextHop)
	}
}

// VPNRoute.LocalPref 0 sends none: GoBGP adds LOCAL_PREF 100 over iBGP.
func TestGoBGPAddsLocalPref100OverIBGP(t *testing.T) {
	f := newTestFabric(t)
	_, pe1, pe2 := reflected(t, f)
	upWithRoute1(t, f, pe1)
	if got := vpnPaths(t, pe2); len(got) != 1 || got[0].LocalPref != 100 {
		t.Fatalf("PE2 got %s, want LOCAL_PREF 100", describe(got))
	}
}

// Reflect originates the chosen path with its ORIGINATOR_ID: GoBGP keeps
// it on a local path and adds its CLUSTER_ID toward a client.
func TestGoBGPKeepsALocalPathsOriginatorIDWhenReflecting(t *testing.T) {
	f, rr, pes := deciding(t, 2)
	reflectAll(t, f, rr)
	got := vpnPaths(t, pes[1])
	if len(got) != 1 || got[0].OriginatorID != addr("10.0.0.1") || len(got[0].ClusterList) != 1 || got[0].ClusterList[0] != addr("10.0.0.100") {
		t.Fatalf("PE2 got %s, want ORIGINATOR_ID 10.0.0.1 and CLUSTER_LIST [10.0.0.100]", describe(got))
	}
}

// adjRIBOutOfRR1 is the number of paths in RR1's Adj-RIB-Out toward each
// of its clients PE1 (which originates route1), PE2 (whose route-target
// filter rejects it) and PE3.
func adjRIBOutOfRR1(t *testing.T) (pe1, pe2, pe3 int) {
	t.Helper()
	f := newTestFabric(t)
	rr := addSpeaker(t, f, "RR1", 65000, "10.0.0.9", true)
	pes := []*Speaker{
		addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false),
		addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false),
		addSpeaker(t, f, "PE3", 65000, "10.0.0.3", false),
	}
	filters := [][]vrf.RouteTarget{nil, {vrf.MustParseRouteTarget("65000:999")}, nil}
	for i, pe := range pes {
		if _, err := f.AddSession(SessionConfig{A: rr, B: pe, Family: VPNv4, BIsRRClientOfA: true, BImports: filters[i]}); err != nil {
			t.Fatal(err)
		}
	}
	upWithRoute1(t, f, pes[0])
	var n [3]int
	for i, pe := range pes {
		out, err := rr.adjRIB(api.TableType_ADJ_OUT, pe, VPNv4.api())
		if err != nil {
			t.Fatal(err)
		}
		n[i] = len(out)
	}
	return n[0], n[1], n[2]
}

// The audit compares the receiver's Adj-RIB-In with the sender's
// Adj-RIB-Out, which must already apply the export policy (route-target
// filters).
func TestGoBGPAdjRIBOutAppliesExportPolicy(t *testing.T) {
	_, filtered, open := adjRIBOutOfRR1(t)
	if filtered != 0 || open != 1 {
		t.Errorf("RR1's Adj-RIB-Out holds %d paths toward a client whose filter rejects route1 and %d toward one that takes it, want 0 and 1", filtered, open)
	}
}

// ... and leave out the peer a path came from.
func TestGoBGPAdjRIBOutLeavesOutThePeerAPathCameFrom(t *testing.T) {
	back, _, open := adjRIBOutOfRR1(t)
	if back != 0 || open != 1 {
		t.Errorf("RR1's Adj-RIB-Out holds %d paths toward the client route1 came from and %d toward another, want 0 and 1", back, open)
	}
}

// The audit needs no exception for a path a client drops by its own
// ORIGINATOR_ID (a deciding reflector sends it back): GoBGP keeps it in the
// Adj-RIB-In and out of the Loc-RIB.
func TestGoBGPKeepsItsOwnOriginatorsPathOutOfTheLocRIB(t *testing.T) {
	f, rr, pes := deciding(t, 1)
	pe1 := pes[0]
	reflectAll(t, f, rr)
	back, err := pe1.adjRIB(api.TableType_ADJ_IN, rr, VPNv4.api())
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 {
		t.Errorf("PE1's Adj-RIB-In from RR1 holds %d paths, want its own path reflected back", len(back))
	}
	if got := vpnPaths(t, pe1); len(got) != 1 || got[0].FromPeer != "" {
		t.Errorf("PE1's Loc-RIB: %s, want its local path only", describe(got))
	}
}

// A session's reset withdraws what was learned over it: GoBGP's DeletePeer
// drops the neighbour's routes before it returns.
func TestGoBGPWithdrawsADeletedNeighboursRoutes(t *testing.T) {
	f := newTestFabric(t)
	rr, pe1, _ := reflected(t, f)
	upWithRoute1(t, f, pe1)
	if got := vpnPaths(t, rr); len(got) != 1 {
		t.Fatalf("RR1 holds %s, want PE1's route", describe(got))
	}
	rr.deleteNeighbour(pe1.addr.String())
	if got := vpnPaths(t, rr); len(got) != 0 {
		t.Errorf("RR1 still holds %s after deleting PE1's neighbour", describe(got))
	}
}

// Settled's markers: a receiver that holds marker n from a sender holds
// everything the sender queued before it.
func TestGoBGPSendsAPathBehindEverythingQueuedBeforeIt(t *testing.T) {
	f, a, b := upSession(t)
	routes := make([]VPNRoute, 200)
	for i := range routes {
		routes[i] = route1
		routes[i].Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i), 0}), 24)
	}
	if err := b.AddVPNv4(routes...); err != nil {
		t.Fatal(err)
	}
	f.settleMu.Lock() // no marker round meanwhile
	defer f.settleMu.Unlock()
	seq := f.markerSeq + 1000
	if err := b.sendMarker(seq); err != nil {
		t.Fatal(err)
	}
	if !eventually(func() bool { n, err := a.markerFrom(b); return err == nil && n == seq }) {
		t.Fatal("the marker never arrived")
	}
	in, err := a.adjRIB(api.TableType_ADJ_IN, b, VPNv4.api())
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != len(routes) {
		t.Errorf("with the marker in, RR1 holds %d of the %d paths PE1 added before it", len(in), len(routes))
	}
}

// An external router's malformed attribute: GoBGP treats the UPDATE as
// withdraw (RFC 7606), keeps the session, and counts it as discarded,
// which Settled adds to the UPDATEs received (Speaker.received).
func TestGoBGPCountsATreatAsWithdrawUpdateAsDiscarded(t *testing.T) {
	n := newExtNetwork(t, "RR1")
	r := n.connect(t)
	attrs := vpnAttrs(extR)
	attrs[4] = []byte{0xc0, 16, 7, 0, 2, 0xfd, 0xe8, 0, 0, 0} // extended communities 7 bytes long
	r.send(rawUpdate(attrs))
	ext := "127.0.0.50"
	var got *api.Peer
	if !eventually(func() bool {
		peers, err := n.rr.peers()
		got = peers[ext]
		m := got.GetState().GetMessages().GetReceived()
		return err == nil && m.GetUpdate()+m.GetDiscarded() == 1
	}) {
		t.Fatalf("GoBGP did not count the malformed UPDATE: %v", got.GetState().GetMessages().GetReceived())
	}
	m := got.GetState().GetMessages().GetReceived()
	if m.GetDiscarded() != 1 || m.GetUpdate() != 0 {
		t.Errorf("GoBGP counted the malformed UPDATE as %d UPDATEs and %d discarded, want 0 and 1", m.GetUpdate(), m.GetDiscarded())
	}
	if st := got.GetState().GetSessionState(); st != api.PeerState_ESTABLISHED {
		t.Errorf("the session is %v after a malformed attribute, want Established (treat-as-withdraw)", st)
	}
}

// GoBGP does part of RFC 7432 section 15 (MAC mobility) by itself: a
// speaker that originates a MAC/IP route for a MAC it holds from another
// PE (same Ethernet Tag, sharing a route target) gets a MAC Mobility
// extended community, sequence number one above the highest held (0 when
// the other PE's had none). With single-homing (both ESIs zero) neither
// PE withdraws anything by itself: the caller withdraws the MAC where it
// moved away from.
func TestGoBGPAddsMACMobilityToAMovedMAC(t *testing.T) {
	n := newEVPNNet(t, 1, nil)
	if err := n.pe1.AddEVPN(evpnMAC); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	moved := evpnMAC
	moved.RD, moved.NextHop, moved.Label = rd2, addr("10.0.0.2"), 4002
	if err := n.pe2.AddEVPN(moved); err != nil {
		t.Fatal(err)
	}
	settle(t, n.f)
	for _, sp := range []*Speaker{n.pe1, n.pe2} {
		var got []string
		for _, p := range evpnPaths(t, sp) {
			got = append(got, fmt.Sprintf("%v via %v mobility %v/%d", p.RD, p.NextHop, p.HasMACMobility, p.MACMobility))
		}
		want := []string{"65000:1 via 10.0.0.1 mobility false/0", "10.0.0.2:7 via 10.0.0.2 mobility true/0"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s holds %q, want %q", sp.Name(), got, want)
		}
	}
}
