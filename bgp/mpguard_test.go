package bgp

import (
	"bytes"
	"testing"
)

// FuzzGuardVPN: the relay's VPN-IPv4 NLRI guard never panics on any
// UPDATE, touches only the S bits of labels, and accepts what it has
// already normalised (it is idempotent).
func FuzzGuardVPN(f *testing.F) {
	nh := append(make([]byte, 8), 192, 0, 2, 50)
	f.Add(rawUpdate(vpnAttrs(extR)))
	f.Add(rawUpdate([][]byte{mpReachVPN(nh, vpnNLRIBytes(extR, []uint32{555 << 4}, 0))}))
	f.Add(rawUpdate([][]byte{mpReachVPN([]byte{1, 2, 3, 4}, vpnNLRIBytes(extR, []uint32{555<<4 | 1}, 0))}))
	f.Add(rawUpdate([][]byte{mpReachVPN(nh, vpnNLRIBytes(extR, []uint32{555 << 4, 556<<4 | 1}, 0))}))
	f.Fuzz(func(t *testing.T, msg []byte) {
		orig := bytes.Clone(msg)
		err := guardVPN(msg)
		if len(msg) != len(orig) {
			t.Fatal("the guard changed the message's length")
		}
		for i := range msg {
			if d := msg[i] ^ orig[i]; d != 0 && d != 1 {
				t.Fatalf("byte %d changed from %#x to %#x: only an S bit may be set", i, orig[i], msg[i])
			}
		}
		if err == nil {
			again := bytes.Clone(msg)
			if guardVPN(again) != nil || !bytes.Equal(again, msg) {
				t.Fatal("the guard is not idempotent")
			}
		}
	})
}
