package api

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"

	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
)

// webServer is a server that wants a token for changes, as vpnsim web runs it.
func webServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	l := labtest.Start(t, "classic")
	s := NewServer(l, 30*time.Second)
	s.Token = "feedface"
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	t.Cleanup(s.CloseEvents)
	return s, hs
}

func request(t *testing.T, method, url, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Who may change the network: with a token set, a change without it (or
// with a wrong one) is refused with 403 and the network stays as it was;
// a request from another origin is refused whatever it carries; probes and
// tables stay open; GET changes nothing.
func TestGuard(t *testing.T) {
	s, hs := webServer(t)
	failP1P2 := `{"link": ["P1", "P2"]}`
	cases := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		says                     string
	}{
		{"fail without the token", "POST", "/v1/fail", failP1P2, nil, 403, "needs the token"},
		{"fail with a wrong token", "POST", "/v1/fail", failP1P2, map[string]string{TokenHeader: "deadbeef"}, 403, "needs the token"},
		{"fail a node without the token", "POST", "/v1/fail", `{"node": "P1"}`, nil, 403, "needs the token"},
		{"metric without the token", "POST", "/v1/metric", `{"link": ["P1", "P2"], "value": 50}`, nil, 403, "needs the token"},
		{"a console without the token", "POST", "/v1/console", `{"router": "PE1", "line": "conf t"}`, nil, 403, "needs the token"},
		{"fail from another origin, with the token", "POST", "/v1/fail", failP1P2,
			map[string]string{TokenHeader: "feedface", "Origin": "http://evil.example"}, 403, "origin http://evil.example is refused"},
		{"a cross-site fetch, with the token", "POST", "/v1/fail", failP1P2,
			map[string]string{TokenHeader: "feedface", "Sec-Fetch-Site": "cross-site"}, 403, "cross-site request is refused"},
		{"a table read from another origin", "GET", "/v1/show?node=P1&table=lfib", "", map[string]string{"Origin": "http://evil.example"}, 403, "refused"},
		{"a loopback server named by another host (DNS rebinding)", "GET", "/v1/graph", "", map[string]string{"Host": "evil.example:8179"}, 403, "Host"},
		{"fail by GET", "GET", "/v1/fail?link=P1,P2", "", map[string]string{TokenHeader: "feedface"}, 405, ""},
		{"a ping needs no token", "POST", "/v1/ping", `{"from": "A1", "to": "10.1.2.1"}`, nil, 200, `"result": "reply"`},
		{"a table needs no token", "GET", "/v1/show?node=P1&table=lfib", "", nil, 200, "202"},
		{"the drawing needs no token", "GET", "/v1/graph", "", map[string]string{"Origin": hs.URL}, 200, `"token_required": true`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, hs.URL+c.path, strings.NewReader(c.body))
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			if h, ok := c.header["Host"]; ok {
				req.Host = h
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(b), c.says) {
				t.Errorf("%d %s, want %d and %q", resp.StatusCode, b, c.status, c.says)
			}
		})
	}
	// nothing changed: P1–P2 up with metric 10, P1 up, no console open
	s.Lock(func(l *lab.Lab) {
		lk := l.Topo.Between("P1", "P2")
		if failed, metric := l.LinkState(lk); failed || metric != 10 || l.NodeDown("P1") {
			t.Errorf("after refused changes: P1–P2 failed %v metric %d, P1 down %v", failed, metric, l.NodeDown("P1"))
		}
		if r, err := l.Ping("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{}); err != nil || r.Result != "reply" {
			t.Errorf("after refused changes A1 -> 10.1.2.1: %v %v", r.Result, err)
		}
	})
	if len(s.consoles) != 0 {
		t.Errorf("%d consoles opened without the token", len(s.consoles))
	}
	// with the token (and the page's own origin) the change is made
	if code, body := request(t, "POST", hs.URL+"/v1/fail", failP1P2, map[string]string{TokenHeader: "feedface", "Origin": hs.URL}); code != 200 {
		t.Fatalf("fail with the token: %d %s", code, body)
	}
	s.Lock(func(l *lab.Lab) {
		if failed, _ := l.LinkState(l.Topo.Between("P1", "P2")); !failed {
			t.Errorf("P1–P2 not failed after a change with the token")
		}
	})
	if code, body := request(t, "POST", hs.URL+"/v1/restore", failP1P2, map[string]string{"Authorization": "Bearer feedface"}); code != 200 {
		t.Fatalf("restore with the token as a bearer: %d %s", code, body)
	}
}

// A server without a token (plain vpnsim serve) takes changes as before,
// but still refuses other origins.
func TestNoTokenServer(t *testing.T) {
	l := labtest.Start(t, "classic")
	s := NewServer(l, 30*time.Second)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	if code, body := request(t, "POST", hs.URL+"/v1/metric", `{"link": ["P1", "P2"], "value": 20}`, nil); code != 200 {
		t.Fatalf("metric: %d %s", code, body)
	}
	if code, _ := request(t, "POST", hs.URL+"/v1/metric", `{"link": ["P1", "P2"], "value": 30}`, map[string]string{"Origin": "http://evil.example"}); code != 403 {
		t.Fatalf("metric from another origin: %d, want 403", code)
	}
	s.Lock(func(l *lab.Lab) {
		if _, m := l.LinkState(l.Topo.Between("P1", "P2")); m != 20 {
			t.Errorf("metric %d, want 20", m)
		}
	})
}

// The event stream: a change sends change, then converged, in that order;
// the drawing then shows the link failed.
func TestEvents(t *testing.T) {
	_, hs := webServer(t)
	resp, err := http.Get(hs.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	rd := bufio.NewReader(resp.Body)
	if line, _ := rd.ReadString('\n'); !strings.HasPrefix(line, ": vpnsim events") {
		t.Fatalf("stream starts %q", line)
	}
	if code, body := request(t, "POST", hs.URL+"/v1/fail", `{"link": ["P1", "P2"]}`, map[string]string{TokenHeader: "feedface"}); code != 200 {
		t.Fatalf("fail: %d %s", code, body)
	}
	var got []string
	for len(got) < 2 {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended after %v: %v", got, err)
		}
		if kind, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			data, _ := rd.ReadString('\n')
			var e Event
			if err := json.Unmarshal([]byte(strings.TrimPrefix(strings.TrimSpace(data), "data: ")), &e); err != nil {
				t.Fatalf("event data %q: %v", data, err)
			}
			got = append(got, kind+" "+e.What)
		}
	}
	if want := []string{"change link P1–P2 down", "converged link P1–P2 down"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events %q, want %q", got, want)
	}
	var g Graph
	_, body := request(t, "GET", hs.URL+"/v1/graph", "", nil)
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		t.Fatal(err)
	}
	for _, l := range g.Links {
		if (l.A == "P1" && l.B == "P2") != l.Failed {
			t.Errorf("graph link %s–%s failed %v", l.A, l.B, l.Failed)
		}
	}
	if len(g.Nodes) != 9 || g.Nodes[0].Name != "PE1" || g.Nodes[0].Loopback != "10.0.0.1" {
		t.Errorf("graph nodes %+v", g.Nodes)
	}
}

// A walk's capture: every frame of the walk, in pcapng, as a download
// at the path the ping answered; 404 before any walk.
func TestCaptureOfTheLastWalk(t *testing.T) {
	_, hs := webServer(t)
	if code, _ := request(t, "GET", hs.URL+"/v1/capture", "", nil); code != 404 {
		t.Fatalf("capture before any walk: %d, want 404", code)
	}
	code, body := request(t, "POST", hs.URL+"/v1/ping", `{"from": "A1", "to": "10.1.2.1", "walk": true}`, nil)
	if code != 200 {
		t.Fatalf("ping: %d %s", code, body)
	}
	var p PingResponse
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	frames, mplsAt := 0, -1 // the walk's frames; the first one PE1 sends P1
	for _, s := range p.Walk {
		if s.From != "" {
			if s.From == "PE1:eth1" && mplsAt < 0 {
				mplsAt = frames
			}
			frames++
		}
	}
	if p.Capture != "/v1/capture?id=1" {
		t.Errorf("ping answers capture %q, want /v1/capture?id=1", p.Capture)
	}
	// a second walk, from another page: the first one's capture stays
	if code, _ := request(t, "POST", hs.URL+"/v1/ping", `{"from": "B1", "to": "10.1.2.1", "walk": true}`, nil); code != 200 {
		t.Fatal(code)
	}
	if code, _ := request(t, "GET", hs.URL+"/v1/capture?id=99", "", nil); code != 404 {
		t.Errorf("capture 99: %d, want 404", code)
	}
	resp, err := http.Get(hs.URL + p.Capture)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="walk-A1-10.1.2.1.pcapng"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	r, err := pcapgo.NewNgReader(resp.Body, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == mplsAt && (len(data) < 14 || data[12] != 0x88 || data[13] != 0x47) {
			t.Errorf("frame %d (PE1 to P1) is not MPLS: % x", n, data[:min(len(data), 14)])
		}
		n++
	}
	// 5 frames each way, and the ARP exchanges of links not used before
	if n != frames || n < 10 || mplsAt < 0 {
		t.Errorf("capture holds %d frames, the walk %d (PE1 to P1 at %d); want the same, at least 10", n, frames, mplsAt)
	}
}

// A console line that changes the network (interface shutdown) tells the
// pages watching, as a change through /v1/fail does; lines that change
// nothing send nothing.
func TestConsoleChangeIsAnEvent(t *testing.T) {
	s, hs := webServer(t)
	resp, err := http.Get(hs.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	rd.ReadString('\n')
	tok := map[string]string{TokenHeader: "feedface"}
	session := ""
	for _, line := range []string{"conf t", "interface eth1", "shutdown"} {
		body := map[string]string{"line": line, "router": "PE1", "session": session}
		b, _ := json.Marshal(body)
		code, out := request(t, "POST", hs.URL+"/v1/console", string(b), tok)
		if code != 200 {
			t.Fatalf("%s: %d %s", line, code, out)
		}
		var r ConsoleResponse
		json.Unmarshal([]byte(out), &r)
		session = r.Session
	}
	var got []string
	for len(got) < 2 {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended after %v: %v", got, err)
		}
		if kind, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			data, _ := rd.ReadString('\n')
			var e Event
			json.Unmarshal([]byte(strings.TrimPrefix(strings.TrimSpace(data), "data: ")), &e)
			got = append(got, kind+" "+e.What)
		}
	}
	if want := "change PE1 console: shutdown|converged PE1 console: shutdown"; strings.Join(got, "|") != want {
		t.Errorf("events %q, want %q", got, want)
	}
	s.Lock(func(l *lab.Lab) {
		if failed, _ := l.LinkState(l.Topo.Between("PE1", "P1")); !failed {
			t.Errorf("PE1–P1 not down after shutdown on PE1 eth1")
		}
	})
}

// On a wide-area Ethernet the drawing names each EVPN attachment's
// instance, and only provider links carry a metric.
func TestGraphEVPN(t *testing.T) {
	l := labtest.Start(t, "wide-area-ethernet")
	hs := httptest.NewServer(NewServer(l, 30*time.Second))
	t.Cleanup(hs.Close)
	_, body := request(t, "GET", hs.URL+"/v1/graph", "", nil)
	var g Graph
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		t.Fatal(err)
	}
	evpn := 0
	for i, gl := range g.Links {
		lk := l.Topo.Links[i]
		if gl.EVPN != lk.EVPN || (gl.Metric != 0) != lk.IsProviderLink() {
			t.Errorf("link %s–%s: %+v", gl.A, gl.B, gl)
		}
		if gl.EVPN != "" {
			evpn++
		}
	}
	if evpn == 0 || len(g.EVPNs) != len(l.Topo.EVPNs) {
		t.Errorf("%d EVPN attachments, instances %v", evpn, g.EVPNs)
	}
}
