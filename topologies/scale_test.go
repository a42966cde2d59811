package topologies

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestFiveThousandRouters: a topology of 5,000 routers (a ring with chords,
// 40 PEs, 400 customer sites) loads and validates within bounded memory.
func TestFiveThousandRouters(t *testing.T) {
	if testing.Short() {
		t.Skip("large topology")
	}
	const n = 5000
	var b strings.Builder
	b.WriteString("name: big\nprovider: {asn: 65000}\nnodes:\n")
	for i := range n {
		role := "p"
		if i%125 == 0 {
			role = "pe"
		}
		fmt.Fprintf(&b, "  R%d: {role: %s, loopback: 10.%d.%d.%d}\n", i, role, 100+i/65536, i/256%256, i%256)
	}
	for s := range 400 {
		fmt.Fprintf(&b, "  C%d: {role: ce, lans: [10.1.%d.0/24]}\n", s, s%250)
	}
	b.WriteString("vrfs:\n")
	for v := range 10 {
		fmt.Fprintf(&b, "  V%d: {rd: \"65000:%d\", route-target: [\"65000:%d\"]}\n", v, v+1, v+1)
	}
	b.WriteString("links:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {endpoints: [R%d, R%d]}\n", i, (i+1)%n)
		if i%7 == 0 {
			fmt.Fprintf(&b, "  - {endpoints: [R%d, R%d], metric: 30}\n", i, (i+n/2+3)%n)
		}
	}
	for s := range 400 {
		// 40 sites per VRF; site s sits on PE (s mod 40), in VRF s/40: no
		// VRF has two sites with the same LAN.
		fmt.Fprintf(&b, "  - {endpoints: [C%d, R%d], vrf: V%d}\n", s, (s%40)*125, s/40)
	}
	src := []byte(b.String())
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	top, warns, err := Parse("big.yaml", src)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 || len(top.Nodes) != n+400 {
		t.Fatalf("%d nodes, warnings %v", len(top.Nodes), warns)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes of source, %d MB allocated while loading", len(src), alloc>>20)
	if alloc > 1<<30 {
		t.Errorf("loading allocated %d MB, want under 1 GB", alloc>>20)
	}
}
