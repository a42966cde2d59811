package diag

import (
	"strings"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	for _, c := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.yaml", Line: 3, Column: 7, Msg: "bad"}, "a.yaml:3:7: bad"},
		{Diagnostic{File: "a.yaml", Line: 3, Column: 7, Msg: "odd", Warning: true}, "a.yaml:3:7: warning: odd"},
		{Diagnostic{File: "a.yaml", Line: 1, Msg: "empty"}, "a.yaml:1:1: empty"},
		{Diagnostic{File: "a.yaml", Msg: "no such file"}, "a.yaml: no such file"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%+v prints %q, want %q", c.d, got, c.want)
		}
	}
}

func TestList(t *testing.T) {
	var l List
	if l.Err() != nil || l.HasErrors() {
		t.Fatal("an empty list is an error")
	}
	l.Warnf("s.yaml", 9, 1, "late warning")
	if l.Err() != nil || len(l.Warnings()) != 1 {
		t.Fatal("a list of warnings only is an error")
	}
	l.Errorf("s.yaml", 4, 9, "second on line 4")
	l.Errorf("t.yaml", 1, 1, "in the topology")
	l.Errorf("s.yaml", 4, 2, "first on line %d", 4)
	l.Errorf("s.yaml", 4, 9, "second on line 4") // a repeat is dropped
	l.Errorf("s.yaml", 4, 9, "third on line 4")
	err := l.Err()
	if err == nil || !l.HasErrors() {
		t.Fatal("no error")
	}
	want := strings.Join([]string{
		"s.yaml:4:2: first on line 4",
		"s.yaml:4:9: second on line 4",
		"s.yaml:4:9: third on line 4",
		"s.yaml:9:1: warning: late warning",
		"t.yaml:1:1: in the topology",
	}, "\n")
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	var o List
	o.Append(&l)
	if o.Error() != want {
		t.Errorf("Append gives\n%s", o.Error())
	}
}
