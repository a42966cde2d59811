package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/network"
)

// The page and every asset it names are served from the binary, with a
// policy that lets it load nothing from elsewhere; anything but GET is
// refused; /v1/ goes to the API handler.
func TestHandler(t *testing.T) {
	apiHit := false
	hs := httptest.NewServer(Mux(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHit = r.URL.Path == "/v1/graph" })))
	defer hs.Close()
	get := func(path string) (int, string, http.Header) {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	code, page, h := get("/")
	if code != 200 || !strings.Contains(page, `<svg id="net"`) || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("/: %d %q\n%s", code, h, page)
	}
	// every asset the page and the modules name
	names := map[string]bool{}
	for _, re := range []string{`(?:src|href)="([^"]+\.(?:js|css))"`, `from '\./([^']+\.js)'`} {
		for _, f := range []string{"/", "/app.js", "/walk.js", "/draw.js"} {
			_, body, _ := get(f)
			for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
				names[strings.TrimPrefix(m[1], "./")] = true
			}
		}
	}
	if len(names) < 4 {
		t.Fatalf("found only %v", names)
	}
	for n := range names {
		if strings.Contains(n, "//") {
			t.Errorf("the page loads %s from elsewhere", n)
		}
		if code, _, h := get("/" + n); code != 200 || h.Get("Content-Type") == "" {
			t.Errorf("%s: %d", n, code)
		}
	}
	resp, err := http.Post(hs.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", resp.StatusCode)
	}
	get("/v1/graph")
	if !apiHit {
		t.Errorf("/v1/graph did not reach the API")
	}
}

// The node pane offers exactly the tables vpnsim show knows.
func TestTablesOffered(t *testing.T) {
	src, err := assets.ReadFile("assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`default: \[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("app.js has no TABLES default list")
	}
	var offered []string
	for _, q := range regexp.MustCompile(`'([a-z0-9-]+)'`).FindAllSubmatch(m[1], -1) {
		offered = append(offered, string(q[1]))
	}
	if !slices.Equal(offered, network.Tables) {
		t.Errorf("the page offers %v, vpnsim show knows %v", offered, network.Tables)
	}
}
