package topologies

import (
	"embed"
	"io/fs"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/yamlx"
)

// The built-in topologies are the .yaml files next to this one; a file's
// base name is the topology's name.
//
//go:embed *.yaml
var builtinFS embed.FS

// BuiltinNames returns the names of the built-in topologies, sorted.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(names)
	return names
}

// BuiltinSource returns the YAML text of the named built-in topology.
func BuiltinSource(name string) ([]byte, bool) {
	if !validName(name) {
		return nil, false
	}
	data, err := builtinFS.ReadFile(name + ".yaml")
	return data, err == nil
}

// Builtin loads the named built-in topology; its File is the name. An
// unknown name is an error that lists the built-ins.
func Builtin(name string) (*Topology, []diag.Diagnostic, error) {
	data, ok := BuiltinSource(name)
	if !ok {
		var l diag.List
		names := BuiltinNames()
		l.Add(diag.Diagnostic{File: name, Msg: "no built-in topology has this name" + yamlx.DidYouMean(name, names) +
			"; the built-ins are " + strings.Join(names, ", ") + " (a file's path contains / or ends in .yaml)"})
		return nil, nil, l.Err()
	}
	return Parse(name, data)
}
