package yamlx

import (
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/diag"
)

func TestNearest(t *testing.T) {
	keys := []string{"delay", "endpoints", "metric", "routing", "subnet", "vrf"}
	for s, want := range map[string]string{
		"metrik":    "metric",
		"Metric":    "metric",
		"mertic":    "metric", // a swap is one edit
		"endpoint":  "endpoints",
		"edpoints":  "endpoints",
		"endponits": "endpoints",
		"vfr":       "vrf",
		"x":         "",
		"cost":      "",
		"subnets":   "subnet",
		"routign":   "routing",
		"metricss":  "metric", // two edits in a long word
		"vrfs":      "vrf",
		"dly":       "",
	} {
		if got := Nearest(s, keys); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", s, got, want)
		}
	}
	if h := Hint("Q", "nodes", []string{"A", "B"}); h != " (nodes: A, B)" {
		t.Errorf("Hint lists names: %q", h)
	}
	if h := Hint("PE9", "nodes", []string{"PE1", "P1"}); h != ` (did you mean "PE1"?)` {
		t.Errorf("Hint suggests: %q", h)
	}
}

func TestScalars(t *testing.T) {
	var l diag.List
	d := NewDecoder("f.yaml", &l)
	root := d.Parse([]byte("a: ten\nb: 0x10\nc: 99999999999999999999\nd: \"5\"\ne: [1]\nf:\ng: true\nh: 10.0.0.1/8\ni: 2.5ms\n"), "shape")
	f, ok := d.Map(root, "test", []Key{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}, {Name: "f"}, {Name: "g"}, {Name: "h"}, {Name: "i"}, {Name: "j", Required: true}})
	if !ok {
		t.Fatal(l.Error())
	}
	if x, ok := d.Int("b", f.Value("b"), 0, 100); !ok || x != 16 {
		t.Errorf("0x10 = %d", x)
	}
	for _, k := range []string{"a", "c", "d", "e", "f"} {
		d.Int(k, f.Value(k), 0, 100)
	}
	if b, ok := d.Bool("g", f.Value("g")); !ok || !b {
		t.Error("true is not true")
	}
	d.Prefix("h", f.Value("h"))
	if x, ok := d.Duration("i", f.Value("i")); !ok || x.Microseconds() != 2500 {
		t.Errorf("2.5ms = %v", x)
	}
	if s, ok := d.OptStr("f", f.Value("f")); !ok || s != "" {
		t.Error("null is not an empty description")
	}
	want := strings.Join([]string{
		`f.yaml:1:1: missing key "j" in test`,
		`f.yaml:1:4: a: want an integer from 0 to 100, got "ten"`,
		`f.yaml:3:4: c: want an integer from 0 to 100, got 99999999999999999999`,
		`f.yaml:4:4: d: want an integer from 0 to 100, got "5"`,
		`f.yaml:5:4: e: want an integer from 0 to 100, got a list`,
		`f.yaml:6:3: f: want an integer from 0 to 100, got nothing`,
		`f.yaml:8:4: h: 10.0.0.1/8 has host bits set; write 10.0.0.0/8`,
	}, "\n")
	if l.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", l.Error(), want)
	}
}

// A document whose aliases expand past the limit is refused before anyone
// walks it.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 8; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	var l diag.List
	if root := NewDecoder("bomb.yaml", &l).Parse([]byte(b.String()), "shape"); root != nil {
		t.Fatal("the bomb was accepted")
	}
	if want := "bomb.yaml:1:1: the file's aliases expand to more than 1048576 values; write the values out or use fewer aliases"; l.Error() != want {
		t.Errorf("got %s", l.Error())
	}
	var m diag.List
	n := NewDecoder("ok.yaml", &m).Parse([]byte("a: &x {k: 1}\nb: *x\n"), "shape")
	if n == nil || Deref(n.Content[3]).Kind != yaml.MappingNode {
		t.Errorf("a plain alias: %v", m.Error())
	}
}
