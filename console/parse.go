package console

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// argKind is what an argument word must be.
type argKind int

const (
	argNone   argKind = iota // a keyword
	argWord                  // any word (a VRF or node name)
	argAddr                  // A.B.C.D
	argPrefix                // A.B.C.D or A.B.C.D/nn
	argNum                   // a number in [min, max]
	argRT                    // a route target ASN:NN or A.B.C.D:NN
)

// cmd is one word of the command tree: a keyword or an argument, with the
// words that may follow it and what runs when the line ends on it.
type cmd struct {
	word     string // a keyword; for an argument, its placeholder (WORD, A.B.C.D, <1-100>)
	key      string // an argument: the name its value is kept under (default: word)
	arg      argKind
	min, max int
	help     string
	kids     []*cmd
	run      func(c *Console, a *args) error
	// complete lists the values an argument may take (VRF names, node
	// names) for completion and help.
	complete func(c *Console) []string
}

// args are the values a line gave, by the placeholder or keyword they
// matched (keywords map to themselves).
type args struct {
	vals map[string]string
	kw   map[string]bool
}

func (a *args) has(kw string) bool     { return a.kw[kw] }
func (a *args) get(name string) string { return a.vals[name] }
func (a *args) addr(name string) netip.Addr {
	p, _ := netip.ParseAddr(a.vals[name])
	return p
}

// kw builds a keyword.
func kw(word, help string, kids ...*cmd) *cmd { return &cmd{word: word, help: help, kids: kids} }

// arg builds an argument.
func arg(kind argKind, word, help string, kids ...*cmd) *cmd {
	return &cmd{word: word, arg: kind, help: help, kids: kids}
}

// does sets what runs when the line ends on c.
func (c *cmd) does(f func(*Console, *args) error) *cmd { c.run = f; return c }

// valid reports whether s is a value of argument c.
func (c *cmd) valid(s string) bool {
	switch c.arg {
	case argWord:
		return s != ""
	case argAddr:
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case argPrefix:
		if p, err := netip.ParsePrefix(s); err == nil {
			return p.Addr().Is4()
		}
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case argNum:
		n, err := strconv.Atoi(s)
		return err == nil && n >= c.min && n <= c.max
	case argRT:
		i := strings.LastIndexByte(s, ':')
		if i <= 0 {
			return false
		}
		_, err := strconv.ParseUint(s[i+1:], 10, 32)
		return err == nil
	}
	return false
}

// token is one word of a line and where it starts.
type token struct {
	s   string
	pos int
}

func tokenize(line string) []token {
	var out []token
	for i := 0; i < len(line); {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		if j > i {
			out = append(out, token{line[i:j], i})
		}
		i = j
	}
	return out
}

// parseError says what is wrong with a line the way IOS does.
type parseError struct {
	kind string // invalid, ambiguous, incomplete
	pos  int    // invalid: the offset of the marker
	text string // ambiguous: the line so far
}

func (e *parseError) Error() string { return e.kind }

// match finds the child of c that word selects: an exact keyword, the one
// keyword it abbreviates, or the first argument it is a value of.
func (c *cmd) match(word string) (*cmd, bool, error) {
	lw := strings.ToLower(word)
	var cands []*cmd
	for _, k := range c.kids {
		if k.arg != argNone {
			continue
		}
		if k.word == lw {
			return k, true, nil
		}
		if strings.HasPrefix(k.word, lw) {
			cands = append(cands, k)
		}
	}
	switch {
	case len(cands) == 1:
		return cands[0], true, nil
	case len(cands) > 1:
		return nil, false, fmt.Errorf("ambiguous")
	}
	for _, k := range c.kids {
		if k.arg != argNone && k.valid(word) {
			return k, false, nil
		}
	}
	return nil, false, nil
}

// parse walks the tree along a line's words: the command it ends on, and
// the values given.
func parse(root *cmd, line string) (*cmd, *args, error) {
	a := &args{vals: map[string]string{}, kw: map[string]bool{}}
	cur := root
	for _, t := range tokenize(line) {
		next, _, err := cur.match(t.s)
		if err != nil {
			return nil, nil, &parseError{kind: "ambiguous", text: strings.TrimSpace(line[:t.pos+len(t.s)])}
		}
		if next == nil {
			return nil, nil, &parseError{kind: "invalid", pos: t.pos}
		}
		if next.arg == argNone {
			a.kw[next.word] = true
		} else if next.key != "" {
			a.vals[next.key] = t.s
		} else {
			a.vals[next.word] = t.s
		}
		cur = next
	}
	if cur.run == nil {
		return nil, nil, &parseError{kind: "incomplete"}
	}
	return cur, a, nil
}

// position walks a line for help and completion: the command its complete
// words lead to, and the partial word being typed ("" after a space).
func position(root *cmd, line string) (cur *cmd, partial string, ok bool) {
	toks := tokenize(line)
	if len(toks) > 0 && !strings.HasSuffix(line, " ") {
		partial = toks[len(toks)-1].s
		toks = toks[:len(toks)-1]
	}
	cur = root
	for _, t := range toks {
		next, _, err := cur.match(t.s)
		if err != nil || next == nil {
			return nil, "", false
		}
		cur = next
	}
	return cur, partial, true
}

// help is what `?` prints after a line: the words that may come next
// with their help, or, in the middle of a word, the keywords it may be.
func help(c *Console, root *cmd, line string) string {
	cur, partial, ok := position(root, line)
	if !ok {
		return "% Unrecognized command\n"
	}
	var b strings.Builder
	if partial != "" {
		var ws []string
		for _, k := range cur.kids {
			if k.arg == argNone && strings.HasPrefix(k.word, strings.ToLower(partial)) {
				ws = append(ws, k.word)
			}
			if k.arg != argNone && k.complete != nil {
				for _, v := range k.complete(c) {
					if strings.HasPrefix(v, partial) {
						ws = append(ws, v)
					}
				}
			}
		}
		if len(ws) == 0 {
			return "% Unrecognized command\n"
		}
		return strings.Join(ws, "  ") + "\n"
	}
	width := 0
	for _, k := range cur.kids {
		width = max(width, len(k.word))
	}
	if cur.run != nil {
		width = max(width, len("<cr>"))
	}
	for _, k := range cur.kids {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, k.word, k.help)
	}
	if cur.run != nil {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, "<cr>", "<cr>")
	}
	return b.String()
}

// complete finishes the word being typed when one keyword (or one known
// value) fits it; ok is false when none or several do.
func complete(c *Console, root *cmd, line string) (string, bool) {
	cur, partial, ok := position(root, line)
	if !ok || partial == "" {
		return line, false
	}
	var ws []string
	for _, k := range cur.kids {
		if k.arg == argNone && strings.HasPrefix(k.word, strings.ToLower(partial)) {
			ws = append(ws, k.word)
		}
		if k.arg != argNone && k.complete != nil {
			for _, v := range k.complete(c) {
				if strings.HasPrefix(v, partial) && !slices.Contains(ws, v) {
					ws = append(ws, v)
				}
			}
		}
	}
	if len(ws) != 1 {
		return line, false
	}
	return line[:len(line)-len(partial)] + ws[0] + " ", true
}
