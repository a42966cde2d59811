package packet

import (
	"net/netip"
	"testing"
)

func TestIsBroadcast(t *testing.T) {
	p := netip.MustParsePrefix
	a := netip.MustParseAddr
	for _, c := range []struct {
		prefix netip.Prefix
		addr   netip.Addr
		want   bool
	}{
		{p("192.168.12.0/30"), a("192.168.12.3"), true},
		{p("192.168.12.0/30"), a("192.168.12.2"), false},
		{p("10.1.0.0/16"), a("10.1.255.255"), true},
		{p("100.64.0.0/31"), a("100.64.0.1"), false}, // RFC 3021: no broadcast on a /31
		{p("10.1.1.1/32"), a("10.1.1.1"), false},
		{p("192.168.12.0/30"), a("192.168.13.3"), false},
	} {
		if got := IsBroadcast(c.prefix, c.addr); got != c.want {
			t.Errorf("IsBroadcast(%v, %v) = %v, want %v", c.prefix, c.addr, got, c.want)
		}
	}
}
