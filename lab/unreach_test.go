package lab

import (
	"net/netip"
	"testing"

	"github.com/vpnsim/vpnsim/network"
)

// A router with no route answers host unreachable, as IOS does (!H).
func TestNoRouteIsHostUnreachable(t *testing.T) {
	l := start(t, "classic")
	r, err := l.Ping("A1", netip.MustParseAddr("10.99.0.1"), network.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != network.Unreachable || r.ReplyFrom != "PE1" || r.Code != 1 {
		t.Errorf("ping A1 10.99.0.1: %+v, want host unreachable (code 1) from PE1", r)
	}
}
