package topologies

import (
	"testing"
)

// FuzzParseTopology: no input makes the loader panic; what loads is
// consistent (every link's interfaces belong to its nodes, addresses fit
// their subnets, VRFs exist), and what fails says why in at least one line.
// The seed corpus (testdata/fuzz/FuzzParseTopology) holds the built-ins and
// broken files.
func FuzzParseTopology(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		top, _, err := Parse("fuzz.yaml", data)
		if err != nil {
			if top != nil || err.Error() == "" {
				t.Fatalf("error %q came with a topology", err)
			}
			return
		}
		checkConsistent(t, top)
	})
}
