package confimport

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
)

// Format is a configuration dialect.
type Format string

// The dialects import reads.
const (
	FRR Format = "frr" // FRR's integrated frr.conf
	IOS Format = "ios" // Cisco IOS / IOS-XE show running-config
)

// maxFile is the largest configuration read (a router's running-config is
// kilobytes; a megabyte is a mistake).
const maxFile = 4 << 20

// Parse reads one configuration in the dialect.
func Parse(f Format, file string, data []byte, l *diag.List) *Router {
	if f == IOS {
		return ParseIOS(file, data, l)
	}
	return ParseFRR(file, data, l)
}

// Files lists the configuration files the arguments name: a file as it
// is; a directory, every configuration under it, sorted by path. For FRR
// a configuration is a file named frr.conf or NAME.conf; for IOS any file
// named *.cfg, *.conf, *.txt, *.ios or without an extension. Hidden files
// and vpnsim export's daemons and setup.sh are not configurations.
func Files(f Format, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read it: %v", a, unwrap(err))
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := d.Name()
			if p != a && strings.HasPrefix(base, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if isConfig(f, base) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read it: %v", a, unwrap(err))
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no %s configuration in it (%s)", a, f, configNames(f))
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

func configNames(f Format) string {
	if f == IOS {
		return "files named *.cfg, *.conf, *.txt, *.ios or without an extension"
	}
	return "files named frr.conf or *.conf"
}

func isConfig(f Format, base string) bool {
	switch base {
	case "daemons", "setup.sh", "vtysh.conf":
		return false
	}
	ext := filepath.Ext(base)
	if f == IOS {
		return ext == "" || ext == ".cfg" || ext == ".conf" || ext == ".txt" || ext == ".ios"
	}
	return ext == ".conf"
}

func unwrap(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Import reads the configurations the arguments name and builds the
// topology called name. Every diagnostic is in l; the document is only
// meaningful when l has no errors.
func Import(f Format, name string, args []string, l *diag.List) (topologies.Doc, error) {
	files, err := Files(f, args)
	if err != nil {
		return topologies.Doc{}, err
	}
	var routers []*Router
	for _, file := range files {
		st, err := os.Stat(file)
		if err != nil {
			return topologies.Doc{}, fmt.Errorf("%s: cannot read it: %v", file, unwrap(err))
		}
		if st.Size() > maxFile {
			return topologies.Doc{}, fmt.Errorf("%s: %d bytes is not a router configuration (at most %d)", file, st.Size(), maxFile)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return topologies.Doc{}, fmt.Errorf("%s: cannot read it: %v", file, unwrap(err))
		}
		routers = append(routers, Parse(f, file, data, l))
	}
	d := Build(name, routers, l)
	d.Header = []string{fmt.Sprintf("Topology %s, from %d %s router configurations.", name, len(files), f),
		"Made by: vpnsim import " + string(f) + " " + strings.Join(args, " ")}
	return d, nil
}

// Name is the topology name import gives a set of configurations: the
// first argument's base name, cleaned for the format.
func Name(args []string) string {
	if len(args) == 0 {
		return "imported"
	}
	base := filepath.Base(filepath.Clean(args[0]))
	base = strings.TrimSuffix(base, filepath.Ext(base))
	if n := cleanName(base); n != "" && n != "_" && n != "__" {
		return n
	}
	return "imported"
}
