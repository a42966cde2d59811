package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
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

// vpnsim web itself, in a child process (this test binary, re-run): it
// prints the page's address and token, serves the page and the API on one
// address, refuses a change without the token, takes it with the token,
// and stops cleanly on Ctrl-C.
func TestWebCommand(t *testing.T) {
	if os.Getenv("VPNSIM_WEB_CHILD") == "1" {
		root := newRootCmd()
		root.SetArgs([]string{"web", "classic", "--listen", "127.0.0.1:0"})
		if err := root.Execute(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts vpnsim web in a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWebCommand$")
	cmd.Env = append(os.Environ(), "VPNSIM_WEB_CHILD=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	var base, token string
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "web page on "); ok {
			u, _, _ := strings.Cut(rest, " ")
			base, token, _ = strings.Cut(u, "/#token=")
		}
		if strings.HasPrefix(line, "watch-only page on ") {
			break
		}
	}
	if base == "" || len(token) != 32 {
		t.Fatalf("no page address with a token printed; stderr:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, `<svg id="net"`) {
		t.Errorf("GET /: %d %.200s", code, body)
	}
	if code, body := get("/v1/graph"); code != 200 || !strings.Contains(body, `"token_required": true`) {
		t.Errorf("GET /v1/graph: %d %.200s", code, body)
	}
	post := func(tok string) int {
		req, _ := http.NewRequest("POST", base+"/v1/fail", strings.NewReader(`{"link": ["P1", "P2"]}`))
		if tok != "" {
			req.Header.Set("X-Vpnsim-Token", tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != 403 {
		t.Errorf("fail without the token: %d, want 403", code)
	}
	if code, body := get("/v1/graph"); strings.Contains(body, `"failed": true`) {
		t.Errorf("a link failed after a refused change: %d %s", code, body)
	}
	// the page's event stream carries the lines serve prints
	events, err := http.Get(base + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	if code := post(token); code != 200 {
		t.Errorf("fail with the token: %d, want 200", code)
	}
	if _, body := get("/v1/graph"); !strings.Contains(body, `"failed": true`) {
		t.Errorf("no link failed after the change with the token")
	}
	es := bufio.NewScanner(events.Body)
	var kinds []string
	for es.Scan() {
		if k, ok := strings.CutPrefix(es.Text(), "event: "); ok {
			es.Scan()
			kinds = append(kinds, k)
			if k == "log" && strings.Contains(es.Text(), "link P1–P2 down") {
				break
			}
		}
	}
	if !slices.Equal(kinds[:min(2, len(kinds))], []string{"change", "log"}) {
		t.Errorf("events %v, want change, then serve's line as log", kinds)
	}
	// vpnsim restore --server: refused without VPNSIM_TOKEN, done with it
	addr := strings.TrimPrefix(base, "http://")
	if _, errOut, code := vpnsim(t, "restore", "--server", addr, "link", "P1", "P2"); code != 2 || !strings.Contains(errOut, "set VPNSIM_TOKEN") {
		t.Errorf("restore without VPNSIM_TOKEN: exit %d, %q", code, errOut)
	}
	t.Setenv("VPNSIM_TOKEN", token)
	if out, errOut, code := vpnsim(t, "restore", "--server", addr, "link", "P1", "P2"); code != 0 {
		t.Errorf("restore with VPNSIM_TOKEN: exit %d, %q %q", code, out, errOut)
	}
	if _, body := get("/v1/graph"); strings.Contains(body, `"failed": true`) {
		t.Errorf("P1–P2 still failed after vpnsim restore with the token")
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("vpnsim web after Ctrl-C: %v\n%s", err, stderr.String())
	}
}

// --open hands the page's address to the desktop's opener, or says there
// is none.
func TestOpenBrowser(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	var errw strings.Builder
	<-openBrowser(&errw, "http://127.0.0.1:8179/#token=ab12")
	if !strings.Contains(errw.String(), "no xdg-open or open here") {
		t.Errorf("without an opener: %q", errw.String())
	}
	got := dir + "/opened"
	script := "#!/bin/sh\necho \"$1\" > " + got + "\n"
	if err := os.WriteFile(dir+"/xdg-open", []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	errw.Reset()
	<-openBrowser(&errw, "http://127.0.0.1:8179/#token=ab12")
	b, err := os.ReadFile(got)
	if err != nil || string(b) != "http://127.0.0.1:8179/#token=ab12\n" || errw.Len() > 0 {
		t.Errorf("xdg-open got %q (%v), stderr %q", b, err, errw.String())
	}
}

// --scenario offers a scenario's ping and traceroute steps as walks, with
// their names; other steps are left out.
func TestScenarioWalks(t *testing.T) {
	sc, err := loadScenario("../../scenarios/separation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws := scenarioWalks(sc)
	if len(ws) < 3 {
		t.Fatalf("%d walks: %+v", len(ws), ws)
	}
	if w := ws[0]; w.Label != "step 1: A's packet reaches A's site, never B's (A1 10.1.2.1)" || w.Probe.From != "A1" || w.Probe.To != "10.1.2.1" || !w.Probe.Walk {
		t.Errorf("first walk %+v", w)
	}
	if w := ws[2]; !strings.HasSuffix(w.Label, "walked as one echo request") {
		t.Errorf("the traceroute step's walk: %q", w.Label)
	}
	for _, w := range ws {
		if strings.Contains(w.Label, "P routers hold no VRF") {
			t.Errorf("a route step offered as a walk: %q", w.Label)
		}
	}
	if _, errOut, code := vpnsim(t, "web", "classic", "--scenario", "../../topologies/classic.yaml"); code != 2 || !strings.Contains(errOut, "is a topology file, not a scenario") {
		t.Errorf("--scenario with a topology: exit %d %q", code, errOut)
	}
}
