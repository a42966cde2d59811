package main

import (
	"strings"
	"testing"
)

// What vpnsim web prints: the page with its token, the watch-only page,
// and a warning when the address reaches beyond this machine.
func TestPrintWeb(t *testing.T) {
	cases := []struct {
		addr     string
		loopback bool
		out      []string
		warn     string
	}{
		{"127.0.0.1:8179", true, []string{
			"web page on http://127.0.0.1:8179/#token=ab12 (open it here: it can change the network)",
			"watch-only page on http://127.0.0.1:8179/ (changes need the token ab12)"}, ""},
		{"0.0.0.0:8179", false, []string{
			"web page on http://127.0.0.1:8179/#token=ab12",
			"watch-only page on http://THIS-MACHINE:8179/"}, "warning: listening on THIS-MACHINE:8179, beyond loopback"},
		{"192.0.2.7:9000", false, []string{
			"web page on http://192.0.2.7:9000/#token=ab12",
			"watch-only page on http://192.0.2.7:9000/"}, "warning: listening on 192.0.2.7:9000, beyond loopback"},
	}
	for _, c := range cases {
		var out, errw strings.Builder
		printWeb(&out, &errw, c.addr, c.loopback, "ab12")
		for _, want := range c.out {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", c.addr, want, out.String())
			}
		}
		if c.warn == "" && errw.Len() > 0 || !strings.Contains(errw.String(), c.warn) {
			t.Errorf("%s: warning %q, want %q", c.addr, errw.String(), c.warn)
		}
	}
	if a, b := newToken(), newToken(); len(a) != 32 || a == b {
		t.Errorf("tokens %q %q: want 32 hex digits, never the same", a, b)
	}
}
