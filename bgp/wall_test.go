package bgp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wallFile is the one file that may use GoBGP's server package (see the
// comment at its top).
const wallFile = "bgp/gobgp.go"

const gobgpServer = "github.com/osrg/gobgp/v3/pkg/server"

// walled are the GoBGP packages only the wall imports: the server and its
// API conversions.
var walled = []string{gobgpServer, "github.com/osrg/gobgp/v3/pkg/apiutil"}

// wallBreaches lists what in one parsed file goes round the wall: an
// import of GoBGP's server package or apiutil, or, in package bgp, a use of the
// wall's server field (srv), through which GoBGP's API is called.
func wallBreaches(fset *token.FileSet, f *ast.File) []string {
	var out []string
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); slices.Contains(walled, p) {
			out = append(out, fset.Position(imp.Pos()).String()+": imports "+p)
		}
	}
	if f.Name.Name == "bgp" {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "srv" {
				out = append(out, fset.Position(sel.Pos()).String()+": calls GoBGP's server (.srv)")
			}
			return true
		})
	}
	return out
}

// Every non-test Go file of the module but the wall stays off GoBGP's
// server package (and apiutil).
func TestGoBGPBehindOneWall(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root %s has no go.mod: %v", root, err)
	}
	fset := token.NewFileSet()
	var files []string
	var breaches []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		files = append(files, rel)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if rel != wallFile {
			breaches = append(breaches, wallBreaches(fset, f)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, wallFile) {
		t.Fatalf("the wall %s is missing; files seen: %d", wallFile, len(files))
	}
	if len(files) < 50 {
		t.Fatalf("only %d Go files under %s: the walk missed the module", len(files), root)
	}
	for _, b := range breaches {
		t.Errorf("GoBGP's server is used outside %s: %s", wallFile, b)
	}
}

// The check sees an import of the server package and a call through the
// server field.
func TestWallBreachesFound(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{"package lab\nimport \"" + gobgpServer + "\"\nvar _ server.BgpServer\n", 1},
		{"package bgp\nfunc f(sp *Speaker) { sp.g.srv.Stop() }\n", 1},
		{"package lab\nfunc f(x struct{ srv int }) int { return x.srv }\n", 0}, // another package's field
		{"package bgp\nimport api \"github.com/osrg/gobgp/v3/api\"\nvar _ api.Path\n", 0},
		{"package bgp\nimport \"github.com/osrg/gobgp/v3/pkg/apiutil\"\nvar _ = apiutil.GetNativeNlri\n", 1},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", c.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := wallBreaches(fset, f); len(got) != c.want {
			t.Errorf("%q: %d breaches %q, want %d", c.src, len(got), got, c.want)
		}
	}
}
