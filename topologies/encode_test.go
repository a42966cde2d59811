package topologies

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every built-in topology written out by DocOf and Encode loads back as the
// same network: the same document again, and the same addresses on every
// interface.
func TestDocRoundTrip(t *testing.T) {
	for _, name := range BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			orig, _, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			doc := DocOf(orig)
			data := doc.Encode()
			back, _, err := Parse(name+".yaml", data)
			if err != nil {
				t.Fatalf("the encoded file does not load: %v\n%s", err, data)
			}
			if got := DocOf(back); !reflect.DeepEqual(got, doc) {
				t.Errorf("loaded back, the document differs:\n got %+v\nwant %+v", got, doc)
			}
			for i, n := range orig.Nodes {
				for j, ifc := range n.Interfaces {
					b := back.Nodes[i].Interfaces[j]
					if b.Name != ifc.Name || b.Addr != ifc.Addr {
						t.Errorf("%s: %s %s loads back as %s %s", n.Name, ifc.Name, ifc.Addr, b.Name, b.Addr)
					}
				}
			}
		})
	}
}

// The encoding of classic, as a file: quoting, flow style and spacing.
func TestDocEncodeGolden(t *testing.T) {
	orig, _, err := Builtin("classic")
	if err != nil {
		t.Fatal(err)
	}
	doc := DocOf(orig)
	doc.Header = []string{"classic, written back by DocOf"}
	doc.Nodes[0].Comment = "provider"
	doc.Links[0].Comment = "core"
	got := doc.Encode()
	golden := filepath.Join("testdata", "classic-doc.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("encoding differs from %s (go test -run TestDocEncodeGolden -update):\n%s", golden, got)
	}
}

// Strings that YAML would read as something else are quoted, and read back
// as themselves.
func TestDocQuoting(t *testing.T) {
	for _, s := range []string{"yes", "No", "null", "~", "10", "1e3", "0x1F", "-x", "a: b", "PE1:eth1", "#x", "a,b", "[x]", "plain", "A1", "10.0.0.1"} {
		d := Doc{Name: "q", Description: s, Provider: DocProvider{ASN: 1}, Nodes: []DocNode{{Name: "R1", Role: RoleP, Loopback: netip.MustParseAddr("10.0.0.1"), Description: s}}}
		back, _, err := Parse("q.yaml", d.Encode())
		if err != nil {
			t.Errorf("%q: %v\n%s", s, err, d.Encode())
			continue
		}
		if back.Description != s || back.Nodes[0].Description != s {
			t.Errorf("%q read back as %q and %q", s, back.Description, back.Nodes[0].Description)
		}
	}
}

// Whatever text a description holds, the encoded file reads it back as
// that text (and a name that a file cannot hold is not the encoder's
// business: the loader's rules say which names are valid).
func FuzzDocDescription(f *testing.F) {
	for _, s := range []string{"yes", "a: b", "quote \" and \\ back", "tab\there", "line\nbreak", "ü und ß", "\x01ctl", "  spaced  ", "'single'", "%percent", "@at", "`tick`", "- dash", "? q", "! bang", "&anchor", "*alias", "|pipe", ">gt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || s == "" {
			return
		}
		d := Doc{Name: "q", Description: s, Provider: DocProvider{ASN: 1}, Nodes: []DocNode{{Name: "R1", Role: RoleP, Loopback: netip.MustParseAddr("10.0.0.1"), Description: s}}}
		back, _, err := Parse("q.yaml", d.Encode())
		if err != nil {
			// the loader may refuse a description (control characters,
			// say); it must not be the encoding that broke
			if strings.Contains(err.Error(), "yaml:") {
				t.Fatalf("%q: the encoded file is not YAML: %v\n%s", s, err, d.Encode())
			}
			return
		}
		if back.Description != s || back.Nodes[0].Description != s {
			t.Fatalf("%q read back as %q and %q\n%s", s, back.Description, back.Nodes[0].Description, d.Encode())
		}
	})
}
