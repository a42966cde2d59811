package vrf

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// The three RFC 4364 forms, with their wire bytes as an RD and as a route
// target, and the text String prints back.
var adminNumCases = []struct {
	in   string
	typ  int
	rd   RD
	rt   RouteTarget
	text string // String's output; "" means the same as in
}{
	// type 0: 2-byte ASN, 32-bit number
	{in: "65000:1", typ: 0,
		rd: RD{0, 0, 0xfd, 0xe8, 0, 0, 0, 1}, rt: RouteTarget{0, 2, 0xfd, 0xe8, 0, 0, 0, 1}},
	{in: "0:0", typ: 0,
		rd: RD{0, 0, 0, 0, 0, 0, 0, 0}, rt: RouteTarget{0, 2, 0, 0, 0, 0, 0, 0}},
	{in: "65535:4294967295", typ: 0,
		rd: RD{0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, rt: RouteTarget{0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	{in: "1:100000", typ: 0,
		rd: RD{0, 0, 0, 1, 0, 0x01, 0x86, 0xa0}, rt: RouteTarget{0, 2, 0, 1, 0, 0x01, 0x86, 0xa0}},
	{in: "00065000:01", typ: 0, text: "65000:1",
		rd: RD{0, 0, 0xfd, 0xe8, 0, 0, 0, 1}, rt: RouteTarget{0, 2, 0xfd, 0xe8, 0, 0, 0, 1}},
	// type 1: IPv4 address, 16-bit number
	{in: "10.0.0.1:5", typ: 1,
		rd: RD{0, 1, 10, 0, 0, 1, 0, 5}, rt: RouteTarget{1, 2, 10, 0, 0, 1, 0, 5}},
	{in: "255.255.255.255:65535", typ: 1,
		rd: RD{0, 1, 255, 255, 255, 255, 0xff, 0xff}, rt: RouteTarget{1, 2, 255, 255, 255, 255, 0xff, 0xff}},
	{in: "0.0.0.0:0", typ: 1,
		rd: RD{0, 1, 0, 0, 0, 0, 0, 0}, rt: RouteTarget{1, 2, 0, 0, 0, 0, 0, 0}},
	// type 2: 4-byte ASN, 16-bit number
	{in: "4200000000:7", typ: 2,
		rd: RD{0, 2, 0xfa, 0x56, 0xea, 0x00, 0, 7}, rt: RouteTarget{2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 7}},
	{in: "65536:1", typ: 2,
		rd: RD{0, 2, 0, 1, 0, 0, 0, 1}, rt: RouteTarget{2, 2, 0, 1, 0, 0, 0, 1}},
	{in: "4294967295:65535", typ: 2,
		rd: RD{0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, rt: RouteTarget{2, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
}

func TestParseRD(t *testing.T) {
	for _, c := range adminNumCases {
		rd, err := ParseRD(c.in)
		if err != nil {
			t.Errorf("ParseRD(%q): %v", c.in, err)
			continue
		}
		if rd != c.rd {
			t.Errorf("ParseRD(%q) = % x, want % x", c.in, rd[:], c.rd[:])
		}
		if rd.Type() != c.typ {
			t.Errorf("ParseRD(%q).Type() = %d, want %d", c.in, rd.Type(), c.typ)
		}
		want := c.text
		if want == "" {
			want = c.in
		}
		if got := rd.String(); got != want {
			t.Errorf("ParseRD(%q).String() = %q, want %q", c.in, got, want)
		}
		again, err := ParseRD(rd.String())
		if err != nil || again != rd {
			t.Errorf("ParseRD(%q) does not round-trip: %v, % x", rd.String(), err, again[:])
		}
	}
}

func TestParseRouteTarget(t *testing.T) {
	for _, c := range adminNumCases {
		rt, err := ParseRouteTarget(c.in)
		if err != nil {
			t.Errorf("ParseRouteTarget(%q): %v", c.in, err)
			continue
		}
		if rt != c.rt {
			t.Errorf("ParseRouteTarget(%q) = % x, want % x", c.in, rt[:], c.rt[:])
		}
		if rt.Type() != c.typ {
			t.Errorf("ParseRouteTarget(%q).Type() = %d, want %d", c.in, rt.Type(), c.typ)
		}
		want := c.text
		if want == "" {
			want = c.in
		}
		if got := rt.String(); got != want {
			t.Errorf("ParseRouteTarget(%q).String() = %q, want %q", c.in, got, want)
		}
		again, err := ParseRouteTarget(rt.String())
		if err != nil || again != rt {
			t.Errorf("ParseRouteTarget(%q) does not round-trip: %v, % x", rt.String(), err, again[:])
		}
	}
}

// Every malformed form is refused by both parsers, with a message that
// quotes the input and says what is wrong.
func TestParseMalformed(t *testing.T) {
	cases := []struct {
		in, why string
	}{
		{"", "want ASN:NUMBER"},
		{"65000", "want ASN:NUMBER"},
		{":", "want ASN:NUMBER"},
		{":1", "want ASN:NUMBER"},
		{"65000:", "want ASN:NUMBER"},
		{"65000:4294967296", "2-byte AS number must be 0 to 4294967295"},
		{"65536:65536", "4-byte AS number must be 0 to 65535"},
		{"4200000000:100000", "4-byte AS number must be 0 to 65535"},
		{"4294967296:1", "not an AS number"},
		{"10.0.0.1:65536", "after an IPv4 address must be 0 to 65535"},
		{"10.0.0.256:1", "not an IPv4 address"},
		{"10.0.0:1", "not an IPv4 address"},
		{"010.0.0.1:1", "not an IPv4 address"},
		{"::ffff:10.0.0.1:1", "not an IPv4 address"},
		{"2001:db8::1:1", "not an AS number"},
		{"-1:5", "not an AS number"},
		{"65000:-1", "2-byte AS number must be"},
		{"+65000:1", "not an AS number"},
		{" 65000:1", "not an AS number"},
		{"65000:1 ", "2-byte AS number must be"},
		{"65000 :1", "not an AS number"},
		{"65000: 1", "2-byte AS number must be"},
		{"65000:1:2", "not an AS number"},
		{"0x10:1", "not an AS number"},
		{"65_000:1", "not an AS number"},
		{"AS65000:1", "not an AS number"},
		{"abc:def", "not an AS number"},
		{"10.0.0.1:x", "after an IPv4 address must be 0 to 65535"},
	}
	for _, c := range cases {
		if rd, err := ParseRD(c.in); err == nil {
			t.Errorf("ParseRD(%q) = %v, want an error", c.in, rd)
		} else if msg := err.Error(); !strings.HasPrefix(msg, "route distinguisher "+strconv.Quote(c.in)+": ") || !strings.Contains(msg, c.why) {
			t.Errorf("ParseRD(%q) error %q, want it to quote the input and say %q", c.in, msg, c.why)
		}
		if rt, err := ParseRouteTarget(c.in); err == nil {
			t.Errorf("ParseRouteTarget(%q) = %v, want an error", c.in, rt)
		} else if msg := err.Error(); !strings.HasPrefix(msg, "route target "+strconv.Quote(c.in)+": ") || !strings.Contains(msg, c.why) {
			t.Errorf("ParseRouteTarget(%q) error %q, want it to quote the input and say %q", c.in, msg, c.why)
		}
	}
}

func TestTextMarshalling(t *testing.T) {
	for _, c := range adminNumCases {
		var rd RD
		if err := rd.UnmarshalText([]byte(c.in)); err != nil || rd != c.rd {
			t.Errorf("RD.UnmarshalText(%q) = % x, %v", c.in, rd[:], err)
		}
		if b, err := rd.MarshalText(); err != nil || string(b) != rd.String() {
			t.Errorf("RD.MarshalText() = %q, %v; want %q", b, err, rd.String())
		}
		var rt RouteTarget
		if err := rt.UnmarshalText([]byte(c.in)); err != nil || rt != c.rt {
			t.Errorf("RouteTarget.UnmarshalText(%q) = % x, %v", c.in, rt[:], err)
		}
		if b, err := rt.MarshalText(); err != nil || string(b) != rt.String() {
			t.Errorf("RouteTarget.MarshalText() = %q, %v; want %q", b, err, rt.String())
		}
	}
	// A failed unmarshal leaves the value as it was.
	rd := MustParseRD("65000:1")
	if err := rd.UnmarshalText([]byte("nonsense")); err == nil || rd != MustParseRD("65000:1") {
		t.Errorf("RD.UnmarshalText(nonsense) = %v, left %v", err, rd)
	}
	rt := MustParseRouteTarget("65000:1")
	if err := rt.UnmarshalText([]byte("nonsense")); err == nil || rt != MustParseRouteTarget("65000:1") {
		t.Errorf("RouteTarget.UnmarshalText(nonsense) = %v, left %v", err, rt)
	}
}

func TestNewRDIP(t *testing.T) {
	rd := NewRDIP(netip.MustParseAddr("10.0.0.4"), 2)
	if rd != MustParseRD("10.0.0.4:2") || rd.String() != "10.0.0.4:2" || rd.Type() != 1 {
		t.Errorf("NewRDIP(10.0.0.4, 2) = % x (%v)", rd[:], rd)
	}
}

// Compare orders by wire bytes: type first, then administrator, then number.
func TestCompare(t *testing.T) {
	sorted := []string{"1:9", "2:1", "65000:1", "65000:2", "10.0.0.1:1", "10.0.0.2:0", "65536:0", "4200000000:7"}
	for i := 1; i < len(sorted); i++ {
		a, b := MustParseRD(sorted[i-1]), MustParseRD(sorted[i])
		if a.Compare(b) >= 0 || b.Compare(a) <= 0 || a.Compare(a) != 0 {
			t.Errorf("RD %s and %s compare out of order", a, b)
		}
		x, y := MustParseRouteTarget(sorted[i-1]), MustParseRouteTarget(sorted[i])
		if x.Compare(y) >= 0 || y.Compare(x) <= 0 || x.Compare(x) != 0 {
			t.Errorf("route targets %s and %s compare out of order", x, y)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"MustParseRD":          func() { MustParseRD("bad") },
		"MustParseRouteTarget": func() { MustParseRouteTarget("bad") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(bad) did not panic", name)
				}
			}()
			f()
		}()
	}
}

func fuzzSeeds(f *testing.F) {
	for _, c := range adminNumCases {
		f.Add(c.in)
	}
	for _, s := range []string{"", ":", "1.2.3.4:", "65000:-1", "::1:1", "1.2.3.4.5:1", "4294967296:1"} {
		f.Add(s)
	}
}

// FuzzParseRD: parsing never panics, and what parses prints as text that
// parses back to the same RD.
func FuzzParseRD(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		rd, err := ParseRD(s)
		if err != nil {
			return
		}
		again, err := ParseRD(rd.String())
		if err != nil || again != rd || again.String() != rd.String() {
			t.Fatalf("ParseRD(%q) = %v does not round-trip: % x, %v", s, rd, again[:], err)
		}
	})
}

// FuzzParseRouteTarget: the same for route targets.
func FuzzParseRouteTarget(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		rt, err := ParseRouteTarget(s)
		if err != nil {
			return
		}
		again, err := ParseRouteTarget(rt.String())
		if err != nil || again != rt || again.String() != rt.String() {
			t.Fatalf("ParseRouteTarget(%q) = %v does not round-trip: % x, %v", s, rt, again[:], err)
		}
	})
}
