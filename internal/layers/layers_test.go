// Package layers holds the test that keeps vpnsim's packages in their
// layers (docs/architecture.md, "Layers"): each package imports only the
// module's packages its layer allows, and no model package prints.
package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vpnsim/vpnsim/"

// allowed lists, for each package, the module's packages it may import.
var allowed = map[string][]string{
	"mpls":       {},
	"vrf":        {"mpls"},
	"packet":     {"mpls"},
	"sim":        {"packet"},
	"host":       {"mpls", "packet", "sim"},
	"topologies": {"vrf", "mpls", "internal/diag", "internal/yamlx"},
	"p":          {"host", "mpls", "packet", "sim", "topologies", "vrf"},
	"pe":         {"p", "host", "mpls", "packet", "sim", "topologies", "vrf"},
	"ce":         {"host", "mpls", "packet", "sim", "topologies", "vrf"},
	"bgp":        {"vrf", "mpls"},
	"network":    {"mpls", "packet", "sim", "vrf"},
	"vpnpolicy":  {"bgp", "mpls", "topologies", "vrf"},
	"render":     {"network", "mpls", "packet", "vrf"},
	"lab":        {"network", "vpnpolicy", "bgp", "p", "pe", "ce", "host", "mpls", "packet", "sim", "topologies", "vrf"},
	"capture":    {"packet", "sim"},
	"api":        {"lab", "network", "render", "console", "mpls", "sim", "topologies", "capture"},
	"console":    {"network", "render", "mpls", "packet"},
	"scenarios":  {"network", "render", "lab", "capture", "mpls", "packet", "topologies", "internal/diag", "internal/yamlx"},
	"export":     {"topologies", "vrf", "internal/diag"},
	"gen":        {"topologies", "vrf", "internal/graphml"},
	"confimport": {"topologies", "vrf", "internal/diag"},
	"reach":      {"confimport", "lab", "network", "topologies", "vrf", "internal/diag"},
	"web":        {}, // its assets only: the page talks to the API over HTTP
	"oracle":     {"lab", "render", "network", "export", "topologies", "vrf", "mpls", "internal/diag", "internal/yamlx"},
	// the command line may use everything
}

// model are the packages that hold the network's state and behaviour:
// they never print a table or colour a terminal.
var model = []string{"mpls", "packet", "sim", "host", "p", "pe", "ce", "vrf", "bgp", "topologies", "network", "vpnpolicy", "lab"}

// imports reads the module-internal imports of a package's non-test files,
// and whether any of them writes a terminal escape.
func imports(t *testing.T, dir string) (deps []string, escapes []string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fs := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fs, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(p, module) {
				deps = append(deps, strings.TrimPrefix(p, module))
			}
		}
		for _, esc := range []string{`\x1b[`, `\033[`, `\u001b[`} {
			if strings.Contains(string(src), esc) {
				escapes = append(escapes, filepath.Base(f))
			}
		}
	}
	return deps, escapes
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s", dir)
	}
	return dir
}

func TestLayers(t *testing.T) {
	r := root(t)
	for pkg, ok := range allowed {
		deps, _ := imports(t, filepath.Join(r, pkg))
		if deps == nil {
			files, _ := filepath.Glob(filepath.Join(r, pkg, "*.go"))
			if len(files) == 0 {
				t.Errorf("package %s is in the layer table but has no files", pkg)
			}
		}
		for _, d := range deps {
			if !slices.Contains(ok, d) {
				t.Errorf("%s imports %s, which its layer does not allow (docs/architecture.md, Layers)", pkg, d)
			}
		}
	}
}

// Every package of the module is in the table (or is the command line,
// an internal helper or a test-only package), so a new package states its
// layer.
func TestEveryPackageHasALayer(t *testing.T) {
	r := root(t)
	err := filepath.WalkDir(r, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(r, path)
		if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin" || d.Name() == "data" {
			return filepath.SkipDir
		}
		files, _ := filepath.Glob(filepath.Join(path, "*.go"))
		code := false
		for _, f := range files {
			code = code || !strings.HasSuffix(f, "_test.go")
		}
		if !code || rel == "." || strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "internal/") || rel == "interop" {
			return nil
		}
		if _, ok := allowed[filepath.ToSlash(rel)]; !ok {
			t.Errorf("package %s has no layer: add it to allowed and to docs/architecture.md", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// No model package writes terminal colour codes or imports a renderer.
func TestModelDoesNotPrint(t *testing.T) {
	r := root(t)
	for _, pkg := range model {
		deps, esc := imports(t, filepath.Join(r, pkg))
		if len(esc) > 0 {
			t.Errorf("%s writes terminal escape codes (%v): colour belongs in render", pkg, esc)
		}
		if slices.Contains(deps, "render") {
			t.Errorf("%s imports render: tables leave the model typed", pkg)
		}
	}
	if deps, _ := imports(t, filepath.Join(r, "ce")); slices.Contains(deps, "p") {
		t.Error("ce imports p: the host stack is in host")
	}
}
