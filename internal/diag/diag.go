// Package diag holds the diagnostics that loaders report about a file: a
// problem and where it is, printed the way compilers print them so editors
// can jump to it.
//
// A diagnostic about the file's content always has a position,
// "FILE:LINE:COLUMN: message" (lines and columns count from 1; an empty
// file or a problem with no better place is reported at 1:1). A file that
// cannot be read at all (missing, a directory, too large) has no position
// and prints as "FILE: message".
package diag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Diagnostic is one problem, or one warning, found in a file.
type Diagnostic struct {
	File         string
	Line, Column int // 1-based; Line 0 when the file could not be read at all
	Msg          string
	Warning      bool
}

// String prints "FILE:LINE:COLUMN: message", with "warning: " before a
// warning's message, or "FILE: message" for a diagnostic without a line.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(d.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(max(d.Column, 1)))
	}
	b.WriteString(": ")
	if d.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// List holds every diagnostic found while loading a file (and, for a
// scenario, the topology it names). It is the error the loaders return when
// at least one diagnostic is not a warning. The zero List is empty and ready
// to use.
type List struct {
	// Diags are the diagnostics, sorted by Sort: files in the order they
	// were first reported, then line, then column, then report order.
	Diags []Diagnostic

	seen map[Diagnostic]bool
}

// Errorf adds an error at file:line:col.
func (l *List) Errorf(file string, line, col int, format string, a ...any) {
	l.Add(Diagnostic{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, a...)})
}

// Warnf adds a warning at file:line:col.
func (l *List) Warnf(file string, line, col int, format string, a ...any) {
	l.Add(Diagnostic{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, a...), Warning: true})
}

// Add adds one diagnostic; an exact repeat of one already held is dropped.
func (l *List) Add(d Diagnostic) {
	if l.seen[d] {
		return
	}
	if l.seen == nil {
		l.seen = map[Diagnostic]bool{}
	}
	l.seen[d] = true
	l.Diags = append(l.Diags, d)
}

// Append adds every diagnostic of o.
func (l *List) Append(o *List) {
	for _, d := range o.Diags {
		l.Add(d)
	}
}

// HasErrors reports whether the list holds anything but warnings.
func (l *List) HasErrors() bool {
	return slices.ContainsFunc(l.Diags, func(d Diagnostic) bool { return !d.Warning })
}

// Warnings returns the warnings, sorted.
func (l *List) Warnings() []Diagnostic {
	l.Sort()
	var w []Diagnostic
	for _, d := range l.Diags {
		if d.Warning {
			w = append(w, d)
		}
	}
	return w
}

// Sort orders the diagnostics: by file (in the order each file was first
// reported), then line, then column; diagnostics at the same place keep
// the order they were reported in.
func (l *List) Sort() { sortDiags(l.Diags) }

func sortDiags(ds []Diagnostic) {
	rank := map[string]int{}
	for _, d := range ds {
		if _, ok := rank[d.File]; !ok {
			rank[d.File] = len(rank)
		}
	}
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		if c := rank[a.File] - rank[b.File]; c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// Err returns the sorted list as an error when it holds at least one error
// (not only warnings), and nil otherwise.
func (l *List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	l.Sort()
	return l
}

// Error prints one diagnostic per line, sorted, without a final newline.
func (l *List) Error() string {
	ds := slices.Clone(l.Diags)
	sortDiags(ds)
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
