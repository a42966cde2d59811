package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotEmpty is returned (wrapped) by Files.Write when the directory
// holds something already and replace is false.
var ErrNotEmpty = errors.New("directory is not empty")

// ErrNotOurs is returned (wrapped) by Files.Write when replace is true but
// the directory holds files an earlier export did not write there.
var ErrNotOurs = errors.New("directory holds files vpnsim did not write")

// Marker is the file every export writes beside its files: it lists them,
// so that a later export with replace (--force) removes those and nothing
// else.
const Marker = ".vpnsim-export"

const markerHead = "# written by vpnsim export: --force replaces the files listed here and nothing else\n"

// Write writes the files into dir, with the Marker that lists them. dir
// may be missing (it is created, with its parents) or empty: the files are
// written all or none, into a new directory next to dir renamed to dir at
// the end. A dir that holds anything is an error wrapping ErrNotEmpty
// unless replace is true. With replace, dir must hold an earlier export
// (its Marker): the files that export listed are replaced, and any other
// file in dir is left exactly as it is; a new file whose path is taken by
// such a file is an error wrapping ErrNotOurs, and so is a dir without a
// Marker. dir may not be the working directory or one that contains it.
func (fs Files) Write(dir string, replace bool) error {
	dir = filepath.Clean(dir)
	old, err := existing(dir)
	if err != nil {
		return err
	}
	if old && !replace {
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	var prev, foreign []string
	if old {
		if err := notAroundWorkingDir(dir); err != nil {
			return err
		}
		if prev, foreign, err = earlierExport(dir); err != nil {
			return err
		}
		for _, f := range fs {
			for _, x := range foreign {
				if f.Path == x || strings.HasPrefix(f.Path, x+"/") || strings.HasPrefix(x, f.Path+"/") {
					return fmt.Errorf("%s: %w: the export would write %s over %s, which an earlier export did not write; move it away or choose a new directory", dir, ErrNotOurs, f.Path, x)
				}
			}
		}
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return err
	}
	if err := fs.withMarker().writeInto(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if len(foreign) == 0 {
		return swap(tmp, dir, old)
	}
	return mergeInto(tmp, dir, prev)
}

// withMarker returns the files with the Marker that lists them.
func (fs Files) withMarker() Files {
	var b strings.Builder
	b.WriteString(markerHead)
	for _, f := range fs {
		b.WriteString(f.Path)
		b.WriteByte('\n')
	}
	return append(slices.Clone(fs), File{Path: Marker, Data: []byte(b.String()), Mode: 0o644})
}

// earlierExport reads dir's Marker: the files the earlier export wrote
// (with the Marker itself), and every other file in dir, sorted. A dir
// without a Marker holds nothing vpnsim may replace.
func earlierExport(dir string) (prev, foreign []string, err error) {
	data, err := os.ReadFile(filepath.Join(dir, Marker))
	if errors.Is(err, os.ErrNotExist) {
		first := ""
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && first == "" {
				first, _ = filepath.Rel(dir, p)
				return filepath.SkipAll
			}
			return nil
		})
		if first == "" {
			first = "an empty directory"
		}
		return nil, nil, fmt.Errorf("%s: %w (%s, for one): --force replaces only an earlier export, which leaves a %s file; choose a new directory", dir, ErrNotOurs, filepath.ToSlash(first), Marker)
	}
	if err != nil {
		return nil, nil, err
	}
	listed := map[string]bool{Marker: true}
	prev = []string{Marker}
	for _, ln := range strings.Split(string(data), "\n") {
		ln = strings.TrimSpace(ln)
		if ln == "" || strings.HasPrefix(ln, "#") {
			continue
		}
		if !filepath.IsLocal(filepath.FromSlash(ln)) {
			return nil, nil, fmt.Errorf("%s: %w: its %s names %q, outside the directory; it was not written by vpnsim", dir, ErrNotOurs, Marker, ln)
		}
		listed[ln] = true
		prev = append(prev, ln)
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !listed[rel] {
			foreign = append(foreign, rel)
		}
		return nil
	})
	slices.Sort(foreign)
	return prev, foreign, err
}

// mergeInto replaces the earlier export's files in dir (prev, as its
// Marker listed them) by the complete new export in tmp, leaving every
// other file of dir in place, and removes the directories the earlier
// export leaves empty.
func mergeInto(tmp, dir string, prev []string) error {
	defer os.RemoveAll(tmp)
	for _, p := range prev {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
				break // not empty: it holds something else
			}
		}
	}
	return filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == tmp {
			return err
		}
		rel, _ := filepath.Rel(tmp, p)
		to := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		return os.Rename(p, to)
	})
}

// existing reports whether dir exists and holds anything; a dir that is
// not a directory is an error.
func existing(dir string) (bool, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.IsDir() {
		return false, fmt.Errorf("%s exists and is not a directory", dir)
	}
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return false, nil
	}
	return err == nil, err
}

// notAroundWorkingDir refuses to replace the working directory or one of
// its parents.
func notAroundWorkingDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if wd == abs || strings.HasPrefix(wd, strings.TrimSuffix(abs, string(filepath.Separator))+string(filepath.Separator)) {
		return fmt.Errorf("%s holds the working directory, and replacing it would remove everything in it; write to a new directory instead", dir)
	}
	return nil
}

// writeInto writes every file under root.
func (fs Files) writeInto(root string) error {
	for _, f := range fs {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, f.Mode); err != nil {
			return err
		}
		// Chmod because WriteFile's mode is masked by the umask, and FRR in a
		// container reads its files as its own user.
		if err := os.Chmod(p, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// swap puts the complete directory tmp in dir's place. With old, dir's
// previous contents move aside first and are removed afterwards, or put
// back if the rename fails.
func swap(tmp, dir string, old bool) error {
	if !old {
		os.Remove(dir) // an empty directory, or nothing
		if err := os.Rename(tmp, dir); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		return nil
	}
	aside, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".old-")
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	os.Remove(aside) // only its unique name is needed
	if err := os.Rename(dir, aside); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(aside, dir)
		os.RemoveAll(tmp)
		return err
	}
	return os.RemoveAll(aside)
}
