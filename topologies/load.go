package topologies

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/yamlx"
)

// shape ends the messages about a file that is empty or not a map.
const shape = "a topology file is a YAML map with the keys name, provider, nodes and links"

// Load reads, validates and resolves the topology file at path. It returns
// the topology and its warnings; on any error it returns a *diag.List that
// holds every problem in the file (and its warnings), each as
// FILE:LINE:COLUMN: message.
func Load(path string) (*Topology, []diag.Diagnostic, error) {
	var l diag.List
	data, ok := yamlx.ReadFile(path, &l)
	if !ok {
		return nil, nil, l.Err()
	}
	return Parse(path, data)
}

// Parse validates and resolves the topology in data; file names it in
// diagnostics and becomes Topology.File. Errors and warnings are as for Load.
func Parse(file string, data []byte) (*Topology, []diag.Diagnostic, error) {
	var l diag.List
	t := parse(file, data, &l)
	if err := l.Err(); err != nil {
		return nil, nil, err
	}
	return t, l.Warnings(), nil
}

// parse does the work of Parse, reporting into l; it returns nil when the
// file has errors.
func parse(file string, data []byte, l *diag.List) *Topology {
	ld := &loader{d: yamlx.NewDecoder(file, l), t: &Topology{File: file}}
	root := ld.d.Parse(data, shape)
	if root == nil {
		return nil
	}
	ld.decode(root)
	ld.validate()
	if l.HasErrors() {
		return nil
	}
	ld.resolve()
	ld.checkStatics()
	if l.HasErrors() {
		return nil
	}
	ld.warnDisconnected()
	ld.t.index()
	return ld.t
}

// IsPath reports whether arg names a file rather than a built-in topology:
// it contains "/" or ends in .yaml or .yml.
func IsPath(arg string) bool {
	return strings.Contains(arg, "/") || strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml")
}

// Open loads a topology named on a command line: a file when IsPath(arg),
// else a built-in topology. An unknown built-in name is an error that lists
// the built-ins.
func Open(arg string) (*Topology, []diag.Diagnostic, error) {
	if IsPath(arg) {
		return Load(arg)
	}
	return Builtin(arg)
}

// loader holds one topology file while it is decoded, checked and resolved.
type loader struct {
	d *yamlx.Decoder
	t *Topology

	nodesKey *yaml.Node // the top-level "nodes" key, for file-wide warnings
	nodes    []*rawNode
	byName   map[string]*rawNode
	vrfs     []*rawVRF
	vrfByNm  map[string]*rawVRF
	evpnList []*rawEVPN
	evpnByNm map[string]*rawEVPN
	links    []*rawLink
	peers    []*rawPeer
}
