package export

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var sample = Files{
	{Path: "R1/frr.conf", Data: []byte("hostname R1\n"), Mode: 0o644},
	{Path: "R1/setup.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
	{Path: "lab.clab.yml", Data: []byte("name: lab\n"), Mode: 0o644},
}

// tree lists every file under root with its mode and content.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel)+" "+info.Mode().Perm().String()+" "+strings.TrimSpace(string(data)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var sampleTree = []string{
	"R1/frr.conf -rw-r--r-- hostname R1",
	"R1/setup.sh -rwxr-xr-x #!/bin/sh",
	"lab.clab.yml -rw-r--r-- name: lab",
}

// entries lists the names in dir, to show that no temporary directory is
// left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteNewAndEmptyDirectories(t *testing.T) {
	parent := t.TempDir()
	missing := filepath.Join(parent, "a", "b", "lab")
	if err := sample.Write(missing, false); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, missing); !slices.Equal(got, sampleTree) {
		t.Errorf("wrote %q, want %q", got, sampleTree)
	}
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sample.Write(empty, false); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, empty); !slices.Equal(got, sampleTree) {
		t.Errorf("wrote %q, want %q", got, sampleTree)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"a", "empty"}) {
		t.Errorf("the parent holds %q, want only a and empty", got)
	}
}

// A directory with something in it is left alone without replace, and
// replaced whole with it.
func TestWriteRefusesOrReplacesAFullDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "lab")
	if err := os.MkdirAll(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old", "notes"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := sample.Write(dir, false)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("error %v, want ErrNotEmpty", err)
	}
	if got := tree(t, dir); !slices.Equal(got, []string{"old/notes -rw-r--r-- mine"}) {
		t.Errorf("a refused write changed the directory: %q", got)
	}
	if err := sample.Write(dir, true); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !slices.Equal(got, sampleTree) {
		t.Errorf("replaced with %q, want %q", got, sampleTree)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"lab"}) {
		t.Errorf("the parent holds %q, want only lab", got)
	}
}

// A write that fails halfway leaves nothing: here one file's path runs
// through another file.
func TestWriteAllOrNothing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "lab")
	bad := append(slices.Clone(sample), File{Path: "lab.clab.yml/x", Data: []byte("x"), Mode: 0o644})
	if err := bad.Write(dir, false); err == nil {
		t.Fatal("no error")
	}
	if got := entries(t, parent); len(got) != 0 {
		t.Errorf("a failed write left %q", got)
	}
}

func TestWriteRefusesWhatItCannotReplace(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sample.Write(file, true); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("writing over a file: error %v", err)
	}
	wd := filepath.Join(parent, "a", "b")
	if err := os.MkdirAll(wd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wd, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd)
	for _, dir := range []string{".", wd, filepath.Dir(wd), ".."} {
		if err := sample.Write(dir, true); err == nil || !strings.Contains(err.Error(), "holds the working directory") {
			t.Errorf("replacing %s: error %v", dir, err)
		}
	}
	if got := tree(t, wd); !slices.Equal(got, []string{"keep -rw-r--r-- "}) {
		t.Errorf("the working directory holds %q", got)
	}
}
