package api

import (
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/render"
)

func serve(t *testing.T) *Client {
	t.Helper()
	l := labtest.Start(t, "classic")
	hs := httptest.NewServer(NewServer(l, 30*time.Second))
	t.Cleanup(hs.Close)
	c, err := NewClient(strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAPI(t *testing.T) {
	c := serve(t)
	r, err := c.Ping(ProbeRequest{From: "B1", To: "10.1.2.1"})
	if err != nil || r.Result != "reply" || r.ReplyFrom != "B2" {
		t.Fatalf("ping: %v %+v", err, r)
	}
	// the packet walk travels as data and renders on the client as trace prints it
	r, err = c.Ping(ProbeRequest{From: "A1", To: "10.1.2.1", Walk: true})
	if err != nil || r.Result != "reply" || len(r.Walk) == 0 {
		t.Fatalf("ping with walk: %v %+v", err, r)
	}
	var walk strings.Builder
	render.Walk(&walk, WalkFrom(r.Walk), false)
	for _, want := range []string{"[MPLS 202 TTL 63][MPLS 404 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo]", "P1: swap 202 -> 302"} {
		if !strings.Contains(walk.String(), want) {
			t.Errorf("walk lacks %q:\n%s", want, walk.String())
		}
	}
	if back := WalkOf(WalkFrom(r.Walk)); !reflect.DeepEqual(back, r.Walk) {
		t.Errorf("walk changes on its way through the lab form:\n%+v\n%+v", back, r.Walk)
	}
	tr, err := c.Traceroute(ProbeRequest{From: "A1", To: "10.1.2.1"})
	if err != nil || !tr.Reached || len(tr.Hops) != 5 || tr.Hops[1].ReplyFrom != "P1" ||
		len(tr.Hops[1].Labels) != 2 || tr.Hops[1].Labels[0] != 202 || tr.Hops[1].Labels[1] != 404 {
		t.Fatalf("traceroute: %v %+v", err, tr)
	}
	text, err := c.Show("P1", "lfib", "", "text")
	if err != nil || !strings.Contains(text, "202    302        10.0.0.4/32") {
		t.Fatalf("show: %v\n%s", err, text)
	}
	if err := c.Change("fail", ChangeRequest{Link: []string{"P1", "P2"}}); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Ping(ProbeRequest{From: "A1", To: "10.1.2.1"}); r.Result != "unreachable" || r.ReplyFrom != "PE1" {
		t.Fatalf("after fail: %+v", r)
	}
	if err := c.Change("restore", ChangeRequest{Link: []string{"P2", "P1"}}); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Ping(ProbeRequest{From: "A1", To: "10.1.2.1"}); r.Result != "reply" {
		t.Fatalf("after restore: %+v", r)
	}
}

func TestAPIRefusesBadRequests(t *testing.T) {
	c := serve(t)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := c.Ping(ProbeRequest{From: "X9", To: "10.1.2.1"}); return err }(), `no node "X9" in classic`},
		{func() error { _, err := c.Ping(ProbeRequest{From: "A1", To: "banana"}); return err }(), `"banana" is not an IPv4 address`},
		{func() error { _, err := c.Show("P1", "nosuch", "", "text"); return err }(), `no table "nosuch"`},
		{c.Change("fail", ChangeRequest{Link: []string{"A1", "P2"}}), "no link between A1 and P2"},
		{c.Change("fail", ChangeRequest{}), "fail needs a link"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", tc.err, tc.want)
		}
	}
	if _, err := NewClient("10.0.0.1:8179"); err == nil {
		t.Error("a client to a non-loopback address was made")
	}
}

// A client that finds nothing listening yet keeps trying for Wait: a script
// may start serve in the background and ask it something at once.
func TestClientWaitsForAServerStarting(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close() // the port is free now: the first try is refused
	c, err := NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	c.Wait = time.Minute
	c.Refused = func(tries int) {
		refused = tries
		if tries > 1 {
			return
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Error(err)
			return
		}
		hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]bool{"converged": true})
		}))
		hs.Listener = l
		hs.Start()
		t.Cleanup(hs.Close)
	}
	if err := c.Change("fail", ChangeRequest{Node: "P1"}); err != nil {
		t.Fatalf("after the server started: %v", err)
	}
	if refused != 1 {
		t.Errorf("refused %d times, want 1", refused)
	}
}

func TestClientWithoutWaitFailsAtOnce(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	c, _ := NewClient(addr)
	c.Refused = func(int) { t.Error("a client without Wait retried") }
	if err := c.Change("fail", ChangeRequest{Node: "P1"}); err == nil || !strings.Contains(err.Error(), "no vpnsim server at") {
		t.Errorf("err = %v, want no vpnsim server at ...", err)
	}
}
