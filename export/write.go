package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotEmpty is returned (wrapped) by Files.Write when the directory
// holds something already and replace is false.
var ErrNotEmpty = errors.New("directory is not empty")

// Write writes the files into dir, all of them or none: into a new
// directory next to dir, renamed to dir once every file is complete. dir
// may be missing (it is created, with its parents) or empty. A dir that
// holds anything is an error wrapping ErrNotEmpty unless replace is true;
// then its old contents are removed once the new ones are in place. dir
// may not be the working directory or one that contains it.
func (fs Files) Write(dir string, replace bool) error {
	dir = filepath.Clean(dir)
	old, err := existing(dir)
	if err != nil {
		return err
	}
	if old && !replace {
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	if old {
		if err := notAroundWorkingDir(dir); err != nil {
			return err
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
	if err := fs.writeInto(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return swap(tmp, dir, old)
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
