package topologies

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestGraphGolden(t *testing.T) {
	top := mustBuiltin(t, "classic")
	for _, c := range []struct {
		file  string
		write func(io.Writer, *Topology) error
	}{
		{"classic.dot", WriteDOT},
		{"classic.mmd", WriteMermaid},
	} {
		var b bytes.Buffer
		if err := c.write(&b, top); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, b.Bytes())
	}
}

// Every built-in draws; VRF colours follow the VRFs' order in the file, and
// text from the file is quoted safely.
func TestGraphAllBuiltins(t *testing.T) {
	for _, name := range BuiltinNames() {
		top := mustBuiltin(t, name)
		var dot, mmd bytes.Buffer
		if err := WriteDOT(&dot, top); err != nil {
			t.Fatal(err)
		}
		if err := WriteMermaid(&mmd, top); err != nil {
			t.Fatal(err)
		}
		for i, v := range top.VRFs {
			want := `"VRF ` + v.Name + `" [shape=note, style=filled, color="` + palette[i].line + `"`
			if !strings.Contains(dot.String(), want) {
				t.Errorf("%s: the DOT legend of VRF %s lacks %s", name, v.Name, want)
			}
		}
		if n := strings.Count(mmd.String(), " ---|"); n != len(top.Links) {
			t.Errorf("%s: Mermaid has %d edges for %d links", name, n, len(top.Links))
		}
	}
	top, _, err := Parse("q.yaml", []byte(`name: q
description: a "quoted" \ description
provider: {asn: 65000}
nodes:
  PE1: {role: pe, loopback: 10.0.0.1}
links: []
`))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteDOT(&b, top); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `// q: a "quoted" \ description`) || strings.Count(b.String(), "\n//") != 0 {
		t.Errorf("description comment:\n%s", b.String())
	}
}

// When Graphviz is installed, the DOT output must render.
func TestDOTRendersWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("graphviz (dot) is not installed")
	}
	var b bytes.Buffer
	if err := WriteDOT(&b, mustBuiltin(t, "extranet")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = &b
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("<svg")) {
		t.Errorf("dot -Tsvg: %v\n%s", err, out)
	}
}
