package lab

import (
	"io"
	"strings"
	"unicode/utf8"
)

// table lays rows of cells out in aligned columns, with full-width lines
// (headings such as "Route Distinguisher: 65000:1") between them that do not
// disturb the alignment.
type table struct {
	rows [][]string // a nil row marks a full-width line in lines
	line []string
}

func (t *table) row(cells ...string) {
	t.rows = append(t.rows, cells)
	t.line = append(t.line, "")
}

func (t *table) text(s string) {
	t.rows = append(t.rows, nil)
	t.line = append(t.line, s)
}

func (t *table) write(w io.Writer) {
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
