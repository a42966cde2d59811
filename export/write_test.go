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
	".vpnsim-export -rw-r--r-- # written by vpnsim export: --force replaces the files listed here and nothing else\nR1/frr.conf\nR1/setup.sh\nlab.clab.yml",
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

// A directory with something in it is left alone without replace; with
// replace, only a directory an earlier export wrote is replaced.
func TestWriteRefusesWhatItDidNotWrite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "lab")
	if err := os.MkdirAll(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old", "notes"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, replace := range []bool{false, true} {
		err := sample.Write(dir, replace)
		want := ErrNotEmpty
		if replace {
			want = ErrNotOurs
		}
		if !errors.Is(err, want) {
			t.Fatalf("replace %v: error %v, want %v", replace, err, want)
		}
		if got := tree(t, dir); !slices.Equal(got, []string{"old/notes -rw-r--r-- mine"}) {
			t.Errorf("replace %v: a refused write changed the directory: %q", replace, got)
		}
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"lab"}) {
		t.Errorf("the parent holds %q, want only lab", got)
	}
}

// replace takes an earlier export's files away and keeps every file it did
// not write: the user's notes beside the lab survive, and a file the new
// export no longer has is removed with its directory.
func TestWriteReplacesOnlyAnEarlierExport(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "lab")
	earlier := append(slices.Clone(sample), File{Path: "R2/frr.conf", Data: []byte("hostname R2\n"), Mode: 0o644})
	if err := earlier.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	// Replacing an untouched export swaps it whole.
	if err := earlier.Write(dir, true); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "R1", "my-notes"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("mine too"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sample.Write(dir, true); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(sampleTree[:2]), "R1/my-notes -rw-r--r-- keep me", sampleTree[2], "README -rw-r--r-- mine too", sampleTree[3])
	slices.Sort(want)
	got := tree(t, dir)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("after replace the directory holds\n%q\nwant\n%q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "R2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("R2, which only the earlier export wrote, is still there: %v", err)
	}
	// A new file where the user put one of their own is refused, and
	// nothing changes.
	clash := append(slices.Clone(sample), File{Path: "README", Data: []byte("x"), Mode: 0o644})
	if err := clash.Write(dir, true); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("writing over the user's README: error %v, want ErrNotOurs", err)
	}
	if after := tree(t, dir); !slices.Equal(sortedCopy(after), want) {
		t.Errorf("a refused replace changed the directory: %q", after)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"lab"}) {
		t.Errorf("the parent holds %q, want only lab", got)
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
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
