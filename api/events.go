package api

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vpnsim/vpnsim/topologies"
)

// The guard every request passes (ServeHTTP), the drawing of the network
// (GET /v1/graph) and the stream of events (GET /v1/events): what the web
// page of `vpnsim web` needs beyond the other endpoints.

// TokenHeader carries the token a server with Token set requires of every
// change (Authorization: Bearer TOKEN works too).
const TokenHeader = "X-Vpnsim-Token"

// changes are the endpoints that change the network or run a console
// (which can): with Token set, they need it. Probes, tables and the
// drawing change nothing and stay open to every page that watches.
var changes = map[string]bool{
	"/v1/fail": true, "/v1/restore": true, "/v1/metric": true, "/v1/mtu": true,
	"/v1/route-target": true, "/v1/console": true, "/v1/converge": true,
}

// guard refuses, with 403 and a sentence, a request from another origin
// (a page elsewhere must not drive the network through a browser that
// can reach it), a request to a loopback listener whose Host is not a
// loopback name (DNS rebinding), and, when s.Token is set, a change
// without the token. It reports whether the request may go on.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	refuse := func(why string) bool {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": why})
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host || u.Scheme != "http" {
			return refuse(fmt.Sprintf("a request from origin %s is refused: only pages this server serves (http://%s) may use its API", o, r.Host))
		}
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return refuse("a " + site + " request is refused: only pages this server serves may use its API")
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && isLoopback(la.String()) && !loopbackHost(r.Host) {
		return refuse(fmt.Sprintf("Host %q is refused: this server listens on loopback; use http://%s", r.Host, la))
	}
	if s.Token != "" && (changes[r.URL.Path] || r.Method != http.MethodGet && r.Method != http.MethodHead && !probes[r.URL.Path]) {
		got := r.Header.Get(TokenHeader)
		if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && got == "" {
			got = b
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) != 1 {
			return refuse("this change needs the token vpnsim web printed at start (header " + TokenHeader + "; for vpnsim commands with --server, set VPNSIM_TOKEN); without it the page only watches")
		}
	}
	return true
}

// probes are the POST endpoints that change nothing.
var probes = map[string]bool{"/v1/ping": true, "/v1/traceroute": true}

func isLoopback(hostport string) bool {
	ap, err := netip.ParseAddrPort(hostport)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// loopbackHost reports whether a Host header names this machine: a
// loopback address or localhost, with or without a port.
func loopbackHost(host string) bool {
	h := host
	if x, _, err := net.SplitHostPort(host); err == nil {
		h = x
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return a.Unmap().IsLoopback()
	}
	return h == "localhost"
}

// Graph is the network as the web page draws it (GET /v1/graph).
type Graph struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	VRFs        []string    `json:"vrfs"`
	EVPNs       []string    `json:"evpns"`
	Nodes       []GraphNode `json:"nodes"`
	Links       []GraphLink `json:"links"`
	// ReadOnly: this server wants a token for changes (the page asks
	// for it before it offers them).
	TokenRequired bool `json:"token_required,omitempty"`
}

// GraphNode is one node: its role, where it is drawn, whether it is down.
type GraphNode struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	X        float64  `json:"x"`
	Y        float64  `json:"y"`
	Loopback string   `json:"loopback,omitempty"`
	LANs     []string `json:"lans,omitempty"`
	// Addrs are the node's interface addresses, the destinations a walk
	// may pick.
	Addrs []string `json:"addrs,omitempty"`
	Down  bool     `json:"down,omitempty"`
}

// GraphLink is one link: its ends, the attachment's VRF, the metric now.
type GraphLink struct {
	A      string `json:"a"`
	B      string `json:"b"`
	AIf    string `json:"a_if"`
	BIf    string `json:"b_if"`
	VRF    string `json:"vrf,omitempty"`
	EVPN   string `json:"evpn,omitempty"`   // an EVPN attachment's instance
	Metric uint32 `json:"metric,omitempty"` // provider links only
	Subnet string `json:"subnet"`
	Failed bool   `json:"failed,omitempty"`
}

// graphUnit is one hop's length in the drawing, in its units.
const graphUnit = 120

func (s *Server) graph(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lab.Topo
	if s.positions == nil {
		s.positions = topologies.Positions(t, graphUnit)
	}
	g := Graph{Name: t.Name, Description: t.Description, VRFs: []string{}, EVPNs: []string{}, TokenRequired: s.Token != ""}
	for _, v := range t.VRFs {
		g.VRFs = append(g.VRFs, v.Name)
	}
	for _, e := range t.EVPNs {
		g.EVPNs = append(g.EVPNs, e.Name)
	}
	for i, n := range t.Nodes {
		gn := GraphNode{Name: n.Name, Role: string(n.Role), X: s.positions[i].X, Y: s.positions[i].Y, Down: s.lab.NodeDown(n.Name)}
		if n.Loopback.IsValid() {
			gn.Loopback = n.Loopback.String()
		}
		for _, p := range n.LANs {
			gn.LANs = append(gn.LANs, p.String())
		}
		for _, ifc := range n.Interfaces {
			gn.Addrs = append(gn.Addrs, ifc.Addr.Addr().String())
		}
		g.Nodes = append(g.Nodes, gn)
	}
	for _, l := range t.Links {
		failed, metric := s.lab.LinkState(l)
		gl := GraphLink{A: l.A.Node.Name, B: l.B.Node.Name, AIf: l.A.Name, BIf: l.B.Name, VRF: l.VRF, EVPN: l.EVPN, Subnet: l.Subnet.String(), Failed: failed}
		if l.IsProviderLink() {
			gl.Metric = metric
		}
		g.Links = append(g.Links, gl)
	}
	writeJSON(w, http.StatusOK, g)
}

// stateKey sums up what the drawing shows of the network's state (failed
// links, their metrics, down nodes), to tell whether a console line
// changed it.
func (s *Server) stateKey() string {
	var b strings.Builder
	for _, l := range s.lab.Topo.Links {
		failed, metric := s.lab.LinkState(l)
		fmt.Fprintf(&b, "%v%d,", failed, metric)
	}
	for _, n := range s.lab.Topo.Nodes {
		fmt.Fprintf(&b, "%v,", s.lab.NodeDown(n.Name))
	}
	return b.String()
}

// Preset is a walk the page offers ready-made: a ping or traceroute step
// of the scenario vpnsim web was given (--scenario), as the probe it sends.
type Preset struct {
	Label string       `json:"label"`
	Probe ProbeRequest `json:"probe"`
}

func (s *Server) presets(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.Presets
	if out == nil {
		out = []Preset{}
	}
	writeJSON(w, http.StatusOK, out)
}

// Event is one message of the stream GET /v1/events sends (server-sent
// events: "event: KIND", "data: JSON").
type Event struct {
	Kind string `json:"-"`
	// Time is the wall clock when it happened, RFC 3339 with milliseconds.
	Time string `json:"time"`
	// What: a change's description ("link P1–P2 down"), or a line of the
	// events serve prints (a session up or down, paths learned).
	What string `json:"what"`
}

// Event kinds.
const (
	EventChange    = "change"    // a change was asked for; convergence runs
	EventConverged = "converged" // the change is done and the network still: fetch /v1/graph again
	EventLog       = "log"       // a line of what happened while it converged
)

// maxStreams bounds the event streams open at once (a class of pages,
// with room to spare).
const maxStreams = 256

// hub fans events out to the streams open on GET /v1/events.
type hub struct {
	mu     sync.Mutex
	subs   map[chan Event]bool
	closed bool
}

// Publish sends an event of kind to every open stream. A stream that
// cannot keep up (64 events behind) is closed; its page reconnects and
// fetches the graph afresh.
func (s *Server) Publish(kind, what string) {
	e := Event{Kind: kind, Time: time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), What: what}
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	for c := range s.events.subs {
		select {
		case c <- e:
		default:
			delete(s.events.subs, c)
			close(c)
		}
	}
}

// CloseEvents ends every open event stream (before the HTTP server shuts
// down, which waits for open requests).
func (s *Server) CloseEvents() {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	s.events.closed = true
	for c := range s.events.subs {
		delete(s.events.subs, c)
		close(c)
	}
}

func (s *Server) eventStream(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		fail(w, fmt.Errorf("this connection cannot stream events"))
		return
	}
	c := make(chan Event, 64)
	s.events.mu.Lock()
	if s.events.closed {
		s.events.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if len(s.events.subs) >= maxStreams {
		s.events.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": fmt.Sprintf("%d event streams are open already; close a page", maxStreams)})
		return
	}
	if s.events.subs == nil {
		s.events.subs = map[chan Event]bool{}
	}
	s.events.subs[c] = true
	s.events.mu.Unlock()
	defer func() {
		s.events.mu.Lock()
		if s.events.subs[c] {
			delete(s.events.subs, c)
			close(c)
		}
		s.events.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": vpnsim events\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-c:
			if !ok {
				return
			}
			b, _ := json.Marshal(e)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Kind, b)
			fl.Flush()
		}
	}
}

// LineWriter is an io.Writer that publishes every whole line written to it
// as a log event: serve's event lines, to the page.
type LineWriter struct {
	S   *Server
	mu  sync.Mutex
	buf []byte
}

func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf = append(lw.buf, p...)
	for {
		i := strings.IndexByte(string(lw.buf), '\n')
		if i < 0 {
			return len(p), nil
		}
		lw.S.Publish(EventLog, string(lw.buf[:i]))
		lw.buf = lw.buf[i+1:]
	}
}
