// Package yamlx decodes YAML files by walking go.yaml.in/yaml/v3 nodes, so
// every problem can name the line and column of the key or value at fault.
//
// A Decoder collects diagnostics instead of stopping at the first one: the
// loaders of the topology and scenario formats walk the whole file and
// report every problem in it at once. Mapping nodes are checked against a
// table of known keys (unknown, duplicate and missing keys are reported, with
// a suggestion for a likely typo) and values are checked by the scalar
// helpers, which say what they want and what they got:
//
//	links.yaml:7:30: unknown key "metrik" in link (did you mean "metric"?); known keys: delay, endpoints, metric, routing, subnet, vrf
//	links.yaml:8:42: metric: want an integer from 1 to 16777215, got "ten"
package yamlx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/diag"
)

// MaxFileSize is the largest file ReadFile accepts (8 MiB).
const MaxFileSize = 8 << 20

// ReadFile reads the file at path. A file that cannot be read is reported
// in l as "PATH: message" (no position) and ReadFile returns false.
func ReadFile(path string, l *diag.List) ([]byte, bool) {
	fail := func(format string, a ...any) ([]byte, bool) {
		l.Add(diag.Diagnostic{File: path, Msg: fmt.Sprintf(format, a...)})
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		return fail("%s", describeOSError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail("%s", describeOSError(err))
	}
	switch {
	case st.IsDir():
		return fail("is a directory, not a file")
	case !st.Mode().IsRegular():
		return fail("is not a regular file")
	case st.Size() > MaxFileSize:
		return fail("file is too large (%d bytes; at most %d)", st.Size(), MaxFileSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return fail("%s", describeOSError(err))
	}
	if len(data) > MaxFileSize {
		return fail("file is too large (more than %d bytes)", MaxFileSize)
	}
	return data, true
}

func describeOSError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "cannot read the file: permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return "cannot read the file: " + pe.Err.Error()
	}
	return "cannot read the file: " + err.Error()
}

// Decoder walks the YAML nodes of one file and collects its diagnostics.
type Decoder struct {
	File string     // the name diagnostics print
	List *diag.List // where they go
}

// NewDecoder returns a decoder that reports the problems of file into l.
func NewDecoder(file string, l *diag.List) *Decoder {
	return &Decoder{File: file, List: l}
}

// Errorf reports an error at n (1:1 when n is nil).
func (d *Decoder) Errorf(n *yaml.Node, format string, a ...any) {
	line, col := pos(n)
	d.List.Errorf(d.File, line, col, format, a...)
}

// Warnf reports a warning at n (1:1 when n is nil).
func (d *Decoder) Warnf(n *yaml.Node, format string, a ...any) {
	line, col := pos(n)
	d.List.Warnf(d.File, line, col, format, a...)
}

func pos(n *yaml.Node) (int, int) {
	if n == nil || n.Line < 1 {
		return 1, 1
	}
	return n.Line, max(n.Column, 1)
}

// Entry is one key of a mapping and its value.
type Entry struct {
	Key, Value *yaml.Node
}

// Pairs returns the entries of mapping n in file order. It reports a value
// that is not a map ("WHAT: want a map, got ..."), a key that is not a plain
// name, and a key given twice (the repeat is dropped), where what names the
// map in messages. It returns false when n is not a map.
func (d *Decoder) Pairs(n *yaml.Node, what string) ([]Entry, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, "%s: want a map, got %s", what, Describe(n))
		return nil, false
	}
	var out []Entry
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			d.Errorf(k, "%s: want a name as the key, got %s", what, Describe(k))
			continue
		}
		if f, ok := first[k.Value]; ok {
			d.Errorf(k, "key %q appears twice in %s (first at line %d)", k.Value, what, f.Line)
			continue
		}
		first[k.Value] = k
		out = append(out, Entry{Key: k, Value: v})
	}
	return out, true
}

// Key describes one key a mapping may hold.
type Key struct {
	Name     string
	Required bool
}

// Fields are the known keys found in a mapping, by name.
type Fields map[string]Entry

// Value returns the value of the named key, or nil when it is absent.
func (f Fields) Value(name string) *yaml.Node { return f[name].Value }

// Has reports whether the named key is present.
func (f Fields) Has(name string) bool { _, ok := f[name]; return ok }

// Map checks mapping n against the table of known keys. It reports a value
// that is not a map, duplicate keys, every unknown key (pointing at the key,
// with the nearest known key when it looks like a typo, and the list of
// known keys) and every missing required key (pointing at the map). It
// returns the known keys present; ok is false when n is not a map.
func (d *Decoder) Map(n *yaml.Node, what string, keys []Key) (f Fields, ok bool) {
	entries, ok := d.Pairs(n, what)
	if !ok {
		return nil, false
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	slices.Sort(names)
	f = Fields{}
	for _, e := range entries {
		if !slices.Contains(names, e.Key.Value) {
			hint := DidYouMean(e.Key.Value, names)
			if hint == "" && n.Style&yaml.FlowStyle != 0 && (e.Value == nil || e.Value.Tag == "!!null") {
				// {description: a, b} reads as two keys: "description"
				// and "b". The comma ended the value.
				hint = " (a comma inside a {…} map ends the value before it: put that value in quotes)"
			}
			d.Errorf(e.Key, "unknown key %q in %s%s; known keys: %s", e.Key.Value, what, hint, strings.Join(names, ", "))
			continue
		}
		f[e.Key.Value] = e
	}
	for _, k := range keys {
		if k.Required && !f.Has(k.Name) {
			d.Errorf(n, "missing key %q in %s", k.Name, what)
		}
	}
	return f, true
}

// DidYouMean returns ` (did you mean "X"?)` for the candidate nearest to s
// when it is close enough to be a likely typo, and "" otherwise.
func DidYouMean(s string, candidates []string) string {
	if m := Nearest(s, candidates); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	return ""
}

// Nearest returns the candidate closest to s by edit distance (ignoring
// case) when it looks like a typo of it: the same but for case, one edit
// away (for a word of two letters or more), or two edits away (for a word
// of six or more). Otherwise it returns "". Ties go to the candidate listed
// first.
func Nearest(s string, candidates []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		dist := editDistance(ls, strings.ToLower(c))
		if dist < bestD && (dist == 0 || dist == 1 && len(s) >= 2 || dist == 2 && len(s) >= 6) {
			best, bestD = c, dist
		}
	}
	return best
}

// Hint helps with a name that is not among names: the nearest one when it
// looks like a typo (" (did you mean "X"?)"), else the names themselves
// when there are at most ten (" (NOUN: a, b, c)"), else "".
func Hint(s, noun string, names []string) string {
	if m := DidYouMean(s, names); m != "" {
		return m
	}
	if len(names) == 0 || len(names) > 10 {
		return ""
	}
	return " (" + noun + ": " + strings.Join(names, ", ") + ")"
}

// editDistance counts the edits that turn a into b: inserting, deleting or
// changing a byte, or swapping two adjacent ones (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// Describe says what a node is, for "got ..." in messages: "nothing" for
// null, a quoted string, a number or boolean as written, "a list" or "a map".
func Describe(n *yaml.Node) string {
	n = Deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a map"
	case n.Tag == "!!null":
		return "nothing"
	case n.Tag == "!!str" || n.Tag == "!!binary" || n.Tag == "!!timestamp" || strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		return fmt.Sprintf("%q", n.Value)
	default:
		return n.Value
	}
}

// Deref follows an alias (*name) to the node it stands for.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}
