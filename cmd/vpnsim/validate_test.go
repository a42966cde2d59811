package main

import (
	"bytes"
	"errors"
	"os"

	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/topologies"
)

// vpnsim runs the command line in-process and returns standard output,
// standard error and the exit status main would give.
func vpnsim(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	code := 0
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
		if ee.msg != "" {
			errOut.WriteString(ee.msg + "\n")
		}
	default:
		code = 2
		errOut.WriteString(err.Error() + "\n")
	}
	return out.String(), errOut.String(), code
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := write("bad.yaml", "name: bad\nprovider: {asn: 65000}\nnodes: {PE1: {role: pe, loopback: 10.0.0.1}}\nlinks:\n  - {endpoints: [PE1, P9]}\n")
	apart := write("apart.yaml", "name: apart\nprovider: {asn: 65000}\nnodes: {P1: {role: p, loopback: 10.0.0.1}, P2: {role: p, loopback: 10.0.0.2}}\nlinks: []\n")
	scn := write("s.yaml", "topology: classic\nsteps:\n  - ping: {from: A1, to: 10.1.2.1}\n  - fail: {node: P1}\n")
	badScn := write("t.yml", "topology: ./apart.yaml\nsteps:\n  - ping: {from: P3, to: 10.0.0.2}\n")

	out, errOut, code := vpnsim(t, "validate", "classic", scn, apart)
	if code != 0 || out != "classic: ok (9 nodes, 8 links, 2 VRFs)\n"+scn+": ok scenario (2 steps)\n"+apart+": ok (2 nodes, 0 links, 0 VRFs)\n" ||
		errOut != apart+":3:1: warning: the provider core is not connected: its routers fall into 2 parts that cannot reach each other: {P1} and {P2}\n" {
		t.Errorf("valid files: status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	out, errOut, code = vpnsim(t, "validate", bad, "ring", badScn, "nosuch")
	wantErr := bad + `:5:23: endpoints: no node named "P9" in nodes (nodes: PE1)` + "\n" +
		apart + ":3:1: warning: the provider core is not connected: its routers fall into 2 parts that cannot reach each other: {P1} and {P2}\n" +
		badScn + `:3:18: from: no node named "P3" in topology apart (did you mean "P1"?)` + "\n" +
		`nosuch: no built-in topology has this name; the built-ins are ` + strings.Join(topologies.BuiltinNames(), ", ") + " (a file's path contains / or ends in .yaml)\n" +
		"3 of 4 invalid\n"
	if code != 2 || out != "ring: ok (10 nodes, 11 links, 1 VRF)\n" || errOut != wantErr {
		t.Errorf("invalid files: status %d\nstdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", code, out, errOut, wantErr)
	}

	if _, errOut, code = vpnsim(t, "validate", bad); code != 2 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("one invalid file: status %d, stderr %q", code, errOut)
	}
	if _, errOut, code = vpnsim(t, "validate"); code != 2 || !strings.Contains(errOut, "vpnsim validate --list") {
		t.Errorf("no arguments: status %d, stderr %q", code, errOut)
	}

	out, _, code = vpnsim(t, "validate", "--list")
	for _, name := range topologies.BuiltinNames() {
		if !strings.Contains(out, "\n"+name+"\n    ") && !strings.HasPrefix(out, name+"\n    ") {
			t.Errorf("--list lacks %s:\n%s", name, out)
		}
	}
	if code != 0 || !strings.Contains(out, "classic\n    Two customers use the same addresses across one provider core.\n") {
		t.Errorf("--list: status %d\n%s", code, out)
	}
}

func TestGraph(t *testing.T) {
	top, _, err := topologies.Builtin("classic")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		write func(*bytes.Buffer) error
	}{
		{[]string{"graph", "classic"}, func(b *bytes.Buffer) error { return topologies.WriteDOT(b, top) }},
		{[]string{"graph", "classic", "--format", "mermaid"}, func(b *bytes.Buffer) error { return topologies.WriteMermaid(b, top) }},
	} {
		var want bytes.Buffer
		if err := c.write(&want); err != nil {
			t.Fatal(err)
		}
		if out, errOut, code := vpnsim(t, c.args...); code != 0 || out != want.String() || errOut != "" {
			t.Errorf("%v: status %d, stderr %q, stdout:\n%s", c.args, code, errOut, out)
		}
	}
	if _, errOut, code := vpnsim(t, "graph", "classic", "--format", "png"); code != 2 || errOut != "--format must be dot, svg or mermaid, not \"png\"\n" {
		t.Errorf("--format png: status %d, stderr %q", code, errOut)
	}
	// SVG needs nothing installed: vpnsim draws it
	var svg bytes.Buffer
	topologies.WriteSVG(&svg, top)
	if out, errOut, code := vpnsim(t, "graph", "classic", "--format", "svg"); code != 0 || out != svg.String() || errOut != "" {
		t.Errorf("--format svg: status %d, stderr %q", code, errOut)
	}
	if out, _, code := vpnsim(t, "graph", "classic", "--format", "svg", "--path", "A1,10.1.2.1"); code != 0 ||
		!strings.Contains(out, `stroke="#e6a800" stroke-width="8"`) || !strings.Contains(out, ">labels 302/404</text>") {
		t.Errorf("--format svg --path: status %d, stdout:\n%s", code, out)
	}
	out, errOut, code := vpnsim(t, "graph", "classic", "--path", "A1,10.1.2.1")
	if code != 0 || !strings.Contains(out, `"P1" -- "P2" [color="#e6a800", penwidth=5, fontcolor="#8a6500", label="10\nlabels 302/404"]`) ||
		!strings.Contains(errOut, "P2:eth2    -> PE2:eth1   labels 404") {
		t.Errorf("--path: status %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	if _, errOut, code := vpnsim(t, "graph", "nosuch.yaml"); code != 2 || errOut != "nosuch.yaml: no such file\n" {
		t.Errorf("missing file: status %d, stderr %q", code, errOut)
	}
}
