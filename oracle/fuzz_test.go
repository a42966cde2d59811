package oracle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vpnsim/vpnsim/topologies"
)

// FuzzFRRFacts feeds arbitrary bytes to every reader of FRR's JSON: none
// may panic, whatever vtysh prints.
func FuzzFRRFacts(f *testing.F) {
	topo, _, err := topologies.Builtin("extranet")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"igp", "ldp", "vpnv4", "vrf-S"} {
		data, err := os.ReadFile(filepath.Join("testdata", "frr", "extranet", "PE2", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		raw := Raw{}
		for _, n := range topo.Nodes {
			raw[n.Name] = map[string][]byte{"igp": data, "ldp": data, "vpnv4": data, "vrf-A": data, "vrf-B": data, "vrf-S": data}
		}
		FRRFacts(topo, raw)
	})
}

// FuzzAllowList: the allow-list parser never panics, and what it accepts
// can be matched.
func FuzzAllowList(f *testing.F) {
	f.Add(allowYAML)
	f.Add([]byte("- table: igp|vrf\n  key: '*|a'\n  reason: r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseAllowList("x.yaml", data)
		if err != nil {
			return
		}
		l.Match("t", Row{"R", TableIGP, "k", "f", "1", "2", ""})
	})
}
