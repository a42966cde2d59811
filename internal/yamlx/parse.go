package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// maxExpanded bounds the number of values a document may stand for once its
// aliases are expanded (a "billion laughs" file is refused, not walked).
const maxExpanded = 1 << 20

// Parse decodes data as one YAML document whose top level is a map and
// returns that map's node, or nil after reporting why it cannot: a file that
// is not UTF-8 text, a YAML syntax error (at the line the YAML parser names,
// column 1), an empty file (at 1:1), a second document, a top level that is
// not a map, an alias that contains itself or expands too far. shape says
// what the file should hold, e.g. "a topology file is a YAML map with the
// keys name, provider, nodes and links"; it ends the messages about a file
// that is empty or not a map.
func (d *Decoder) Parse(data []byte, shape string) (root *yaml.Node) {
	if !d.checkText(data) {
		return nil
	}
	defer func() {
		// The YAML parser should never panic; if it does, the file still
		// gets a sentence rather than a stack trace.
		if r := recover(); r != nil {
			d.Errorf(nil, "YAML parser failed on this file (%v)", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.Errorf(nil, "the file is empty; %s", shape)
		} else {
			d.syntaxError(err, data)
		}
		return nil
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == nil:
		d.Errorf(&second, "a second YAML document starts here; the file must hold exactly one")
		return nil
	case !errors.Is(err, io.EOF):
		d.syntaxError(err, data)
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		d.Errorf(nil, "the file is empty; %s", shape)
		return nil
	}
	root = doc.Content[0]
	if !d.checkAliases(root) {
		return nil
	}
	if r := Deref(root); r.Kind != yaml.MappingNode {
		d.Errorf(root, "the top level must be a map, got %s; %s", Describe(root), shape)
		return nil
	}
	return Deref(root)
}

// checkText reports the first byte that cannot be in a YAML text file:
// invalid UTF-8 or a control character.
func (d *Decoder) checkText(data []byte) bool {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("the file is not UTF-8 text (byte 0x%02x); a YAML file must be UTF-8 text", data[i])
		case !yamlChar(r):
			msg = fmt.Sprintf("control character %U is not allowed in YAML; is this a binary file?", r)
		}
		if msg != "" {
			d.List.Errorf(d.File, line, col, "%s", msg)
			return false
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return true
}

// yamlChar reports whether r may appear in a YAML stream (YAML 1.2, c-printable).
func yamlChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

var (
	lineRE   = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	anchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// syntaxError reports a YAML parser error at the line it names (column 1),
// or at line 1 when it names none (the parser leaves the line out for
// problems on the first line).
func (d *Decoder) syntaxError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		if n, perr := strconv.Atoi(m[1]); perr == nil && n > 0 {
			line = n
		}
		msg = m[2]
		if parserProblem(msg) {
			// The YAML parser (unlike its scanner) counts these lines from 0.
			line = min(line+1, max(1, bytes.Count(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))+1))
		}
	}
	if m := anchorRE.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("alias *%s names no anchor; define &%s before using it", m[1], m[1])
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = 1 + bytes.Count(data[:i], []byte("\n"))
			col = 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:i], '\n')+1:i])
		}
	}
	if lines := bytes.Split(data, []byte("\n")); line <= len(lines) && bytes.HasPrefix(bytes.TrimLeft(lines[line-1], " "), []byte("\t")) {
		msg += " (line " + strconv.Itoa(line) + " is indented with a tab; YAML indents with spaces only)"
	}
	d.List.Errorf(d.File, line, col, "YAML syntax error: %s", msg)
}

// parserProblem reports whether msg is one of the YAML parser's own
// problems (rather than its scanner's).
func parserProblem(msg string) bool {
	return strings.HasPrefix(msg, "did not find expected ',' or") ||
		slices.Contains([]string{
			"did not find expected '-' indicator",
			"did not find expected <document start>",
			"did not find expected key",
			"did not find expected node content",
			"found duplicate %TAG directive",
			"found duplicate %YAML directive",
			"found incompatible YAML document",
			"found undefined tag handle",
		}, msg)
}

// checkAliases reports an alias that contains itself, and a document whose
// aliases expand to more than maxExpanded values.
func (d *Decoder) checkAliases(root *yaml.Node) bool {
	size := map[*yaml.Node]int{}
	visiting := map[*yaml.Node]bool{}
	ok := true
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		if n == nil || !ok {
			return 0
		}
		if s, done := size[n]; done {
			return s
		}
		if visiting[n] {
			ok = false
			d.Errorf(n, "an alias refers to the value that contains it (anchor &%s); YAML values cannot contain themselves", n.Anchor)
			return 0
		}
		visiting[n] = true
		s := 1
		if n.Kind == yaml.AliasNode {
			s = walk(n.Alias)
		}
		for _, c := range n.Content {
			s += walk(c)
			if s > maxExpanded {
				s = maxExpanded + 1
			}
		}
		visiting[n] = false
		size[n] = s
		return s
	}
	if walk(root) > maxExpanded && ok {
		d.Errorf(root, "the file's aliases expand to more than %d values; write the values out or use fewer aliases", maxExpanded)
		return false
	}
	return ok
}
