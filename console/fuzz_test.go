package console

import "testing"

// FuzzCommandLine: no line typed at any mode's prompt panics the parser,
// the help or the completion's walk of the tree.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{"sh ip ro vrf A", "show bgp vpnv4 unicast all 10.1.1.0/24", "ping vrf A 10.1.2.1 size 1500 df-bit repeat 3",
		"conf t", "int eth1", "no shut", "s", "show  mpls   forw", "\x00", "ping 1.2.3.4 source"} {
		f.Add(s)
	}
	trees := []*cmd{execTree(), configTree(), ifTree(), vrfTree()}
	f.Fuzz(func(t *testing.T, line string) {
		for _, root := range trees {
			parse(root, line)
			position(root, line)
		}
	})
}
