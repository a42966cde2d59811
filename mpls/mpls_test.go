package mpls

import "testing"

func TestShimFields(t *testing.T) {
	tests := []struct {
		l   Label
		tc  uint8
		bos bool
		ttl uint8
		hex [4]byte
	}{
		{18, 0, false, 63, [4]byte{0x00, 0x01, 0x20, 0x3f}},
		{100000, 0, true, 63, [4]byte{0x18, 0x6a, 0x01, 0x3f}},
		{MaxLabel, 7, true, 255, [4]byte{0xff, 0xff, 0xff, 0xff}},
		{ExplicitNullV4, 0, true, 1, [4]byte{0, 0, 1, 1}},
	}
	for _, tt := range tests {
		s := Shim(make([]byte, 4))
		s.Encode(tt.l, tt.tc, tt.bos, tt.ttl)
		if [4]byte(s) != tt.hex {
			t.Errorf("Encode(%d,%d,%v,%d) = % x, want % x", tt.l, tt.tc, tt.bos, tt.ttl, []byte(s), tt.hex[:])
		}
		if s.Label() != tt.l || s.TC() != tt.tc || s.BottomOfStack() != tt.bos || s.TTL() != tt.ttl {
			t.Errorf("decode of % x: %d %d %v %d", []byte(s), s.Label(), s.TC(), s.BottomOfStack(), s.TTL())
		}
		s.SetLabel(16)
		if s.Label() != 16 || s.TC() != tt.tc || s.BottomOfStack() != tt.bos || s.TTL() != tt.ttl {
			t.Errorf("SetLabel changed other fields of % x", []byte(s))
		}
	}
}

func TestLabelNames(t *testing.T) {
	for l, want := range map[Label]string{0: "explicit-null", 3: "implicit-null", 1: "router-alert", 16: "", 100000: ""} {
		if got := l.Name(); got != want {
			t.Errorf("Label(%d).Name() = %q, want %q", l, got, want)
		}
	}
	if !Label(15).IsReserved() || Label(16).IsReserved() {
		t.Error("reserved range is 0 to 15")
	}
	if Join([]Label{18, 100000}) != "18/100000" || Join(nil) != "" {
		t.Error("Join")
	}
	if _, err := ParseLabel("1048576"); err == nil {
		t.Error("ParseLabel accepted a 21-bit value")
	}
}

func TestLFIB(t *testing.T) {
	var f LFIB
	for _, l := range []Label{100001, 16, 17, 1000, 100000, 600000} {
		f.Insert(&Entry{In: l, Op: OpSwap})
	}
	if f.Len() != 6 {
		t.Fatalf("Len %d", f.Len())
	}
	var got []Label
	for _, e := range f.Entries() {
		got = append(got, e.In)
	}
	want := []Label{16, 17, 1000, 100000, 100001, 600000}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Entries order %v, want %v", got, want)
		}
	}
	f.Delete(17)
	f.Delete(600000)
	f.Delete(99) // absent
	if f.Lookup(17) != nil || f.Lookup(600000) != nil || f.Lookup(16) == nil || f.Len() != 4 {
		t.Fatalf("after deletes: len %d", f.Len())
	}
	if f.Lookup(99999) != nil || f.Lookup(200000) != nil {
		t.Fatal("lookup of labels never inserted")
	}
}

func FuzzDecodeStack(f *testing.F) {
	f.Add([]byte{0x00, 0x01, 0x20, 0x3f, 0x18, 0x6a, 0x01, 0x3f})
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, n, ok := DecodeStack(b)
		if n > len(b) || n != 4*len(st) {
			t.Fatalf("n %d for %d entries of %d bytes", n, len(st), len(b))
		}
		if ok != (len(st) > 0 && st[len(st)-1].Bottom) {
			t.Fatal("ok disagrees with the bottom of stack")
		}
	})
}
