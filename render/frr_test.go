package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/render"
)

// The FRR layouts hold the rows FRR's vtysh prints for classic, from the
// same typed tables as the IOS ones.
func TestFRRLayouts(t *testing.T) {
	l := labtest.Start(t, "classic")
	for _, c := range []struct{ node, table, vrf, want string }{
		{"PE1", "routes", "", "I>* 10.0.0.4/32 [115/30] via 100.64.0.1, eth1, weight 1\n"},
		{"PE1", "routes", "A", "VRF A:\n"},
		{"PE1", "routes", "A", "B>* 10.1.2.0/24 [200/0] via 10.0.0.4 (vrf default) (recursive), label 404, weight 1\n"},
		{"PE1", "vpnv4", "", " *>i10.1.2.0/24      10.0.0.4                 0    100      0 ?\n    UN=10.0.0.4 EC{65000:1} label=404 type=bgp, subtype=0\n"},
		{"P1", "lfib", "", " 202            LDP   100.64.0.3  302\n"},
		{"P1", "ldp", "", "ipv4 10.0.0.4/32          10.0.0.3        202         302           yes\n"},
		{"P1", "ldp", "", "ipv4 10.0.0.4/32          10.0.0.1        202         102           no\n"},
		{"PE1", "interfaces", "", "eth2            up      A               100.96.0.1/30\n"},
		{"PE1", "bgp", "", "10.0.0.10       4      65000"},
	} {
		var b bytes.Buffer
		if err := render.FRR(&b, l, c.node, c.table, c.vrf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("%s %s %s lacks %q:\n%s", c.node, c.table, c.vrf, c.want, b.String())
		}
	}
}
