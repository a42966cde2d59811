package scenarios

import (
	"fmt"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/internal/yamlx"
	"github.com/vpnsim/vpnsim/topologies"
)

// shape ends the messages about a file that is empty or not a map.
const shape = "a scenario file is a YAML map with the keys name, topology, settle and steps"

// Load reads and validates the scenario file at path and loads its
// topology. On any problem, in the scenario or in its topology, it returns
// a *diag.List that holds all of them, each as FILE:LINE:COLUMN: message.
func Load(path string) (*Scenario, error) {
	var l diag.List
	data, ok := yamlx.ReadFile(path, &l)
	if !ok {
		return nil, l.Err()
	}
	return Parse(path, data)
}

// Parse validates the scenario in data; file names it in diagnostics, and a
// topology path in it is taken relative to file's directory. Errors are as
// for Load.
func Parse(file string, data []byte) (*Scenario, error) {
	var l diag.List
	sl := &loader{d: yamlx.NewDecoder(file, &l), sc: &Scenario{File: file, Settle: DefaultSettle}}
	root := sl.d.Parse(data, shape)
	if root != nil {
		sl.decode(root)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return sl.sc, nil
}

// IsScenario reports whether data looks like a scenario file rather than a
// topology: its top level is a map with a steps key.
func IsScenario(data []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "steps" {
			return true
		}
	}
	return false
}

// loader holds one scenario file while it is decoded and checked.
type loader struct {
	d  *yamlx.Decoder
	sc *Scenario
	t  *topologies.Topology // nil when the topology did not load
}

func (sl *loader) decode(root *yaml.Node) {
	f, _ := sl.d.Map(root, "the scenario", []yamlx.Key{
		{Name: "name"},
		{Name: "description"},
		{Name: "topology", Required: true},
		{Name: "settle"},
		{Name: "steps", Required: true},
	})
	sc := sl.sc
	if v := f.Value("name"); v != nil {
		sc.Name, _ = sl.d.Str("name", v)
	}
	if sc.Name == "" {
		base := filepath.Base(sc.File)
		sc.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if v := f.Value("description"); v != nil {
		sc.Description, _ = sl.d.OptStr("description", v)
	}
	if v := f.Value("topology"); v != nil {
		sl.loadTopology(v)
	}
	if v := f.Value("settle"); v != nil {
		if d, ok := sl.d.Duration("settle", v); ok {
			sc.Settle = d
		}
	}
	if v := f.Value("steps"); v != nil {
		items, _ := sl.d.Seq("steps", v)
		for i, it := range items {
			if st := sl.step(i, it); st != nil {
				sc.Steps = append(sc.Steps, st)
			}
		}
	}
}

// loadTopology loads the topology the scenario names: a path relative to
// the scenario file, or a built-in's name. Its problems join the
// scenario's; one that keeps it from being read is reported at the value.
func (sl *loader) loadTopology(v *yaml.Node) {
	arg, ok := sl.d.Str("topology", v)
	if !ok {
		return
	}
	var (
		t     *topologies.Topology
		warns []diag.Diagnostic
		err   error
		what  string
	)
	if topologies.IsPath(arg) {
		path := arg
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(sl.sc.File), path)
		}
		what = path
		t, warns, err = topologies.Load(path)
	} else {
		what = "built-in topology " + arg
		t, warns, err = topologies.Builtin(arg)
	}
	if err == nil {
		sl.t = t
		sl.sc.Topology = t
		sl.sc.Warnings = warns
		for _, w := range warns {
			sl.d.List.Add(w) // printed with the scenario's errors, if it has any
		}
		return
	}
	list, _ := err.(*diag.List)
	if list == nil {
		sl.d.Errorf(v, "topology: %v", err)
		return
	}
	if len(list.Diags) == 1 && list.Diags[0].Line == 0 {
		// Nothing of it could be read: say so here.
		where := ""
		if d := list.Diags[0].File; d != arg && topologies.IsPath(arg) {
			where = " (looked at " + d + ", relative to this scenario file)"
		}
		sl.d.Errorf(v, "topology: %s: %s%s", arg, list.Diags[0].Msg, where)
		return
	}
	sl.d.Errorf(v, "topology: %s is not valid; its problems follow", what)
	sl.d.List.Append(list)
}

// nodeNamed checks that name is a node of the topology; it reports the
// problem at v (under key) and returns nil when it is not. Without a
// topology nothing can be checked, and it returns nil quietly.
func (sl *loader) nodeNamed(key string, v *yaml.Node, name string) *topologies.Node {
	if sl.t == nil {
		return nil
	}
	n := sl.t.Node(name)
	if n == nil {
		sl.d.Errorf(v, "%s: no node named %q in topology %s%s", key, name, sl.t.Name, yamlx.Hint(name, "nodes", sl.t.NodeNames()))
	}
	return n
}

// node decodes a node name and checks it.
func (sl *loader) node(key string, v *yaml.Node) (string, *topologies.Node) {
	name, ok := sl.d.Str(key, v)
	if !ok {
		return "", nil
	}
	return name, sl.nodeNamed(key, v, name)
}

// vrfDefined checks that the topology defines the VRF.
func (sl *loader) vrfDefined(key string, v *yaml.Node, name string) bool {
	if sl.t == nil {
		return false
	}
	if sl.t.VRF(name) == nil {
		sl.d.Errorf(v, "%s: no VRF named %q in topology %s%s", key, name, sl.t.Name, vrfHint(name, sl.t.VRFNames()))
		return false
	}
	return true
}

func vrfHint(name string, names []string) string {
	if len(names) == 0 {
		return " (it defines none)"
	}
	return yamlx.Hint(name, "VRFs", names)
}

// vrfOnNode checks that n, which the step uses inside a VRF, is a PE with a
// link in that VRF.
func (sl *loader) vrfOnNode(key string, v *yaml.Node, name string, n *topologies.Node) {
	if !sl.vrfDefined(key, v, name) || n == nil {
		return
	}
	switch {
	case n.Role != topologies.RolePE:
		sl.d.Errorf(v, "%s: %s is a %s, and only a PE has VRFs; drop vrf to use its global table", key, n.Name, roleName(n.Role))
	case !n.HasVRF(name):
		sl.d.Errorf(v, "%s: %s has no VRF %s (a VRF exists on the PEs with a link in it; %s has %s)", key, n.Name, name, n.Name, vrfsOf(n))
	}
}

func vrfsOf(n *topologies.Node) string {
	vs := n.VRFs()
	if len(vs) == 0 {
		return "none"
	}
	return strings.Join(vs, ", ")
}

func roleName(r topologies.Role) string {
	if r == topologies.RoleCE {
		return "CE"
	}
	return fmt.Sprintf("%s router", r)
}

// link decodes a [A, B] pair naming a link of the topology.
func (sl *loader) link(key string, v *yaml.Node) ([2]string, *topologies.Link) {
	var pair [2]string
	names, ok := sl.d.Strs(key, v)
	if !ok {
		return pair, nil
	}
	if len(names) != 2 {
		sl.d.Errorf(v, "%s: want the link's two nodes, e.g. [P1, P2], got %d names", key, len(names))
		return pair, nil
	}
	pair = [2]string{names[0], names[1]}
	items := yamlx.Deref(v).Content
	a := sl.nodeNamed(key, items[0], names[0])
	b := sl.nodeNamed(key, items[1], names[1])
	if a == nil || b == nil {
		return pair, nil
	}
	l := sl.t.Between(names[0], names[1])
	if l == nil {
		sl.d.Errorf(v, "%s: no link joins %s and %s in topology %s", key, names[0], names[1], sl.t.Name)
	}
	return pair, l
}
