package lab

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/network"
)

// Route targets change on a running network as a PE's configuration
// would change them: the PE's VRF imports and exports anew, and the
// reflector's route-target filter toward the PE follows, so routes that
// carry a newly imported target arrive and the others leave.
func TestRouteTargetChange(t *testing.T) {
	l := start(t, "classic")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lan := netip.MustParsePrefix("10.1.2.0/24")
	has := func(node, v string) bool {
		t.Helper()
		r, err := l.Route(node, v, lan)
		if err != nil {
			t.Fatal(err)
		}
		return r != nil && r.Proto == "ibgp"
	}
	change := func(c network.Change) {
		t.Helper()
		c.Kind = network.RouteTarget
		if err := l.Change(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if !has("PE1", "A") {
		t.Fatal("PE1 VRF A lacks A2's LAN to begin with")
	}
	// PE1 stops importing 65000:1 in A: A2's LAN leaves VRF A.
	change(network.Change{Node: "PE1", VRF: "A", RT: "65000:1", Import: true, Remove: true})
	if has("PE1", "A") {
		t.Error("PE1 VRF A still holds A2's LAN after no route-target import 65000:1")
	}
	// PE2 exports A also with 65000:77, PE1 imports 65000:77 into A: the
	// reflector must now send PE1 what carries 65000:77.
	change(network.Change{Node: "PE2", VRF: "A", RT: "65000:77", Export: true})
	change(network.Change{Node: "PE1", VRF: "A", RT: "65000:77", Import: true})
	if !has("PE1", "A") {
		t.Error("PE1 VRF A lacks A2's LAN after importing 65000:77, which PE2 now exports")
	}
	tb, err := l.Table("PE1", "vrfs", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.VRFs[0].Import; len(got) != 1 || got[0].String() != "65000:77" {
		t.Errorf("PE1 VRF A imports %v, want [65000:77]", got)
	}
	if r, err := l.Ping("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{}); err != nil || r.Result != network.Reply || r.ReplyFrom != "A2" {
		t.Errorf("ping A1 -> A2 after the change: %v %+v", err, r)
	}
	for _, bad := range []network.Change{
		{Node: "P1", VRF: "A", RT: "65000:1", Import: true},
		{Node: "PE1", VRF: "Z", RT: "65000:1", Import: true},
		{Node: "PE1", VRF: "A", RT: "x", Import: true},
		{Node: "PE1", VRF: "A", RT: "65000:1"},
	} {
		bad.Kind = network.RouteTarget
		if err := l.Change(ctx, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
