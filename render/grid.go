package render

import (
	"io"
	"strings"
	"unicode/utf8"
)

// grid lays rows of cells out in aligned columns, with full-width lines
// (headings such as "Route Distinguisher: 65000:1") between them that do not
// disturb the alignment. It also keeps the rows as records for JSON: keys
// names the columns of the rows that follow, and group adds a field (such
// as the RD) to every record after it.
type grid struct {
	rows  [][]string // a nil row marks a full-width line
	line  []string
	keys  []string
	group [][2]string
	recs  []map[string]string
	notes []string
}

// head prints a header row (not a record).
func (t *grid) head(cells ...string) {
	t.rows = append(t.rows, cells)
	t.line = append(t.line, "")
}

// columns names the JSON keys of the rows that follow.
func (t *grid) columns(keys ...string) { t.keys, t.group = keys, nil }

// row prints a row and records it.
func (t *grid) row(cells ...string) {
	t.head(cells...)
	if t.keys == nil {
		return
	}
	r := map[string]string{}
	for _, g := range t.group {
		r[g[0]] = g[1]
	}
	for i, c := range cells {
		if i < len(t.keys) && t.keys[i] != "" {
			r[t.keys[i]] = c
		}
	}
	t.recs = append(t.recs, r)
}

// grouped prints a heading line and adds key=value to the records after it.
func (t *grid) grouped(key, value, heading string) {
	t.text(heading)
	t.group = [][2]string{{key, value}}
}

// text prints a full-width line; non-empty ones are kept as notes for JSON.
func (t *grid) text(s string) {
	t.rows = append(t.rows, nil)
	t.line = append(t.line, s)
	if s != "" {
		t.notes = append(t.notes, s)
	}
}

func (t *grid) write(w io.Writer) {
	var width []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for i, r := range t.rows {
		if r == nil {
			b.WriteString(t.line[i])
			b.WriteByte('\n')
			continue
		}
		var s strings.Builder
		for j, c := range r {
			s.WriteString(c)
			if j < len(r)-1 {
				s.WriteString(strings.Repeat(" ", width[j]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(s.String(), " "))
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// Columns writes rows of cells in aligned columns (the first row is
// usually a header): for answers built outside render, such as vpnsim
// verify's customer matrix.
func Columns(w io.Writer, rows [][]string) {
	var t grid
	for _, r := range rows {
		t.head(r...)
	}
	t.write(w)
}
