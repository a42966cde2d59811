package packet

import (
	"bytes"
	"net/netip"
	"testing"
)

// A packet cut to fit an MTU comes back whole from the fragments, in any
// order, with every fragment within the MTU and its data in multiples of 8.
func TestFragmentAndReassemble(t *testing.T) {
	src, dst := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1")
	for _, c := range []struct{ size, mtu, frags int }{
		{1500, 1492, 2}, {1500, 1500, 1}, {4000, 1500, 3}, {100, 68, 2}, {200, 68, 4},
	} {
		p := SizedEchoRequest(src, dst, 64, 7, 1, c.size, false)
		fs := Fragment(p, c.mtu)
		if len(fs) != c.frags {
			t.Fatalf("%d bytes at MTU %d: %d fragments, want %d", c.size, c.mtu, len(fs), c.frags)
		}
		for i, f := range fs {
			if !f.Valid() || f.TotalLen() > c.mtu || (i < len(fs)-1 && (f.TotalLen()-20)%8 != 0) {
				t.Errorf("fragment %d: %d bytes", i, f.TotalLen())
			}
			if Checksum(f[:20]) != 0 {
				t.Errorf("fragment %d: bad header checksum", i)
			}
		}
		r := Reassembly{}
		var whole IPv4
		for i := len(fs) - 1; i >= 0; i-- { // last first
			if w := r.Add(fs[i]); w != nil {
				if i != 0 {
					t.Fatalf("whole after %d of %d fragments", len(fs)-i, len(fs))
				}
				whole = w
			}
		}
		if c.frags == 1 {
			continue // a packet that fits is not a fragment
		}
		if !bytes.Equal(whole, p) {
			t.Errorf("%d bytes: reassembled differs:\n%x\n%x", c.size, whole[:40], p[:40])
		}
		if len(r) != 0 {
			t.Error("the buffer keeps a finished datagram")
		}
	}
	df := SizedEchoRequest(src, dst, 64, 7, 1, 1500, true)
	if !df.DF() || df.IsFragment() || df.TotalLen() != 1500 {
		t.Errorf("DF request: df %v fragment %v len %d", df.DF(), df.IsFragment(), df.TotalLen())
	}
	e := FragNeeded(df, netip.MustParseAddr("100.96.0.1"), 1492, nil)
	if m := ICMP(e.Payload()); m.Type() != ICMPUnreachable || m.Code() != UnreachFrag || m.NextHopMTU() != 1492 || Checksum(m) != 0 {
		t.Errorf("fragmentation needed: type %d code %d mtu %d", m.Type(), m.Code(), m.NextHopMTU())
	}
}

// FuzzReassembly: fragments of any shape never panic the host's buffer.
func FuzzReassembly(f *testing.F) {
	p := SizedEchoRequest(netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.2.1"), 64, 7, 1, 200, false)
	fs := Fragment(p, 100)
	f.Add([]byte(fs[0]), []byte(fs[1]), 60)
	f.Fuzz(func(t *testing.T, a, b []byte, mtu int) {
		r := Reassembly{}
		r.Add(IPv4(a))
		r.Add(IPv4(b))
		if mtu > 0 && mtu < 1<<16 {
			for _, x := range Fragment(IPv4(a), mtu) {
				r.Add(x)
			}
		}
	})
}
