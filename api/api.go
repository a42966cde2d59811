// Package api is the control API of a running network (`vpnsim serve`):
// HTTP with JSON bodies on a loopback address. The server wraps a lab.Lab
// and runs one request at a time (a Lab belongs to one goroutine); the
// client is what `vpnsim ping --server ADDR` and friends use.
//
// Endpoints (all JSON; errors are {"error": "..."} with status 400 for a
// request the network cannot satisfy, 404 for an unknown path):
//
//	GET  /v1/topology                      {"name", "description", "nodes": [{"name","role"}]}
//	POST /v1/ping        ProbeRequest   -> PingResponse
//	POST /v1/traceroute  ProbeRequest   -> TraceResponse
//	POST /v1/frame       FrameRequest   -> FrameResponse
//	GET  /v1/show?node=N&table=T&vrf=V&format=text|json -> text/plain or the JSON table
//	POST /v1/fail        ChangeRequest  -> {"converged": true}
//	POST /v1/restore     ChangeRequest  -> {"converged": true}
//	POST /v1/metric      ChangeRequest  -> {"converged": true}
//	POST /v1/mtu         ChangeRequest  -> {"converged": true}
//	POST /v1/route-target ChangeRequest -> {"converged": true}
//	POST /v1/converge                   -> {"converged": true}
//	POST /v1/console     ConsoleRequest -> ConsoleResponse (a router console: vpnsim console's)
//	GET  /v1/table?node=N&table=T&vrf=V -> network.Table (typed rows)
//	GET  /v1/route?node=N&vrf=V&prefix=P -> {"route": network.RouteAnswer or null, "error": "no-such-vrf"}
//	GET  /v1/lfib?node=N&label=L        -> {"entry": network.LFIBAnswer or null}
//	GET  /v1/count?node=N&table=T&vrf=V -> {"count": N}
//	GET  /v1/graph, /v1/events, /v1/capture: for the web page (events.go)
//
// Remote is the client side as a network.Network: what `--server` gives
// every command.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// ProbeRequest asks for a ping or a traceroute.
type ProbeRequest struct {
	From    string `json:"from"`
	To      string `json:"to"`
	VRF     string `json:"vrf,omitempty"`
	Source  string `json:"source,omitempty"`
	TTL     int    `json:"ttl,omitempty"`
	MaxHops int    `json:"max_hops,omitempty"`
	// Size is the echo request's total length (0: 60); DF sets Don't Fragment.
	Size int  `json:"size,omitempty"`
	DF   bool `json:"df,omitempty"`
	// MPLS sends MPLS echo requests for the LDP FEC to/32 (RFC 8029).
	MPLS bool `json:"mpls,omitempty"`
	// Walk asks a ping for its packet walk: every frame on every link and
	// every decision (what vpnsim trace prints).
	Walk bool `json:"walk,omitempty"`
}

// WalkStep is one step of a packet walk: a frame on a link (from, to and
// its headers, outermost first) or a node's decision (node and note).
type WalkStep struct {
	AtMs    float64  `json:"at_ms"`
	From    string   `json:"from,omitempty"`
	To      string   `json:"to,omitempty"`
	Headers []string `json:"headers,omitempty"`
	// Stack is the same headers as typed values (kind, label, tc, bottom,
	// ttl, src, dst, icmp_type, icmp_code, icmp_labels).
	Stack []network.Header `json:"stack,omitempty"`
	Node  string           `json:"node,omitempty"`
	Note  string           `json:"note,omitempty"`
}

// PingResponse is what one echo request brought back.
type PingResponse struct {
	Result    string       `json:"result"`
	ReplyFrom string       `json:"reply_from,omitempty"`
	ReplyAddr string       `json:"reply_addr,omitempty"`
	RTTms     float64      `json:"rtt_ms"`
	Labels    []mpls.Label `json:"labels,omitempty"`
	// Code is an unreachable's ICMP code (1 host unreachable, ...).
	Code *uint8 `json:"code,omitempty"`
	// NextHopMTU is a fragmentation needed's next-hop MTU (code 4).
	NextHopMTU int `json:"next_hop_mtu,omitempty"`
	// ReturnCode is an MPLS echo reply's return code (RFC 8029).
	ReturnCode uint8  `json:"return_code,omitempty"`
	DroppedAt  string `json:"dropped_at,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// DeliveredTo: a lost probe's answer reached this other node.
	DeliveredTo string `json:"delivered_to,omitempty"`
	// Silent: a lost probe's request reached this node, which sent nothing back.
	Silent string `json:"silent,omitempty"`
	// Walk is the packet walk, when the request asked for it.
	Walk []WalkStep `json:"walk,omitempty"`
	// Capture is where the walk's frames are, as pcapng (GET it).
	Capture string `json:"capture,omitempty"`
}

// WalkOf converts a walk to its API form.
func WalkOf(w *network.Walk) []WalkStep {
	out := make([]WalkStep, len(w.Steps))
	for i, s := range w.Steps {
		out[i] = WalkStep{AtMs: float64(s.At) / float64(time.Millisecond), From: s.From, To: s.To, Stack: s.Stack, Node: s.Node, Note: s.Note}
		if s.Stack != nil {
			out[i].Headers = render.Headers(s.Stack)
		}
	}
	return out
}

// WalkFrom converts an API walk back to a network.Walk.
func WalkFrom(steps []WalkStep) *network.Walk {
	w := &network.Walk{Steps: make([]network.WalkStep, len(steps))}
	for i, s := range steps {
		w.Steps[i] = network.WalkStep{At: time.Duration(math.Round(s.AtMs * float64(time.Millisecond))), From: s.From, To: s.To, Stack: s.Stack, Node: s.Node, Note: s.Note}
	}
	return w
}

// TraceResponse is a whole traceroute.
type TraceResponse struct {
	Hops    []HopResponse `json:"hops"`
	Reached bool          `json:"reached"`
	// Walk is the packet walk of every probe, when the request asked for it.
	Walk []WalkStep `json:"walk,omitempty"`
}

// HopResponse is one TTL of a traceroute.
type HopResponse struct {
	TTL int `json:"ttl"`
	PingResponse
}

// ChangeRequest names a link (both ends) or a node, and for metric a value.
type ChangeRequest struct {
	Link  []string `json:"link,omitempty"`
	Node  string   `json:"node,omitempty"`
	Value uint32   `json:"value,omitempty"`
	// A route-target change: the PE (node), its VRF, the target, which
	// lists it goes in or leaves.
	VRF    string `json:"vrf,omitempty"`
	RT     string `json:"rt,omitempty"`
	Import bool   `json:"import,omitempty"`
	Export bool   `json:"export,omitempty"`
	Remove bool   `json:"remove,omitempty"`
}

// Server serves the control API of one lab.
type Server struct {
	mu     sync.Mutex
	lab    *lab.Lab
	settle time.Duration
	mux    *http.ServeMux
	// OnChange, when set, is called after every fail, restore or metric
	// (under the server's lock) with a one-line description.
	OnChange func(string)
	// consoles are the router consoles open through /v1/console.
	consoles    map[string]*consoleSession
	nextConsole int
	// Presets are the walks GET /v1/walks offers (set before serving).
	Presets []Preset
	// Token, when set, is required of every change (see guard).
	Token  string
	events hub
	// the captures of the last walks (GET /v1/capture?id=N)
	captures    []walkCapture
	nextCapture int
	positions   []topologies.Point // the drawing's, computed once
}

// NewServer returns the API of l; settle bounds each reconvergence.
func NewServer(l *lab.Lab, settle time.Duration) *Server {
	s := &Server{lab: l, settle: settle, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /v1/topology", s.topology)
	s.mux.HandleFunc("POST /v1/ping", s.ping)
	s.mux.HandleFunc("POST /v1/traceroute", s.traceroute)
	s.mux.HandleFunc("POST /v1/frame", s.frame)
	s.mux.HandleFunc("GET /v1/show", s.show)
	s.mux.HandleFunc("POST /v1/fail", s.change("fail"))
	s.mux.HandleFunc("POST /v1/restore", s.change("restore"))
	s.mux.HandleFunc("POST /v1/metric", s.change("metric"))
	s.mux.HandleFunc("POST /v1/mtu", s.change("mtu"))
	s.mux.HandleFunc("POST /v1/route-target", s.change(network.RouteTarget))
	s.mux.HandleFunc("POST /v1/converge", s.converge)
	s.mux.HandleFunc("POST /v1/console", s.consoleLine)
	s.mux.HandleFunc("GET /v1/table", s.table)
	s.mux.HandleFunc("GET /v1/route", s.route)
	s.mux.HandleFunc("GET /v1/lfib", s.lfib)
	s.mux.HandleFunc("GET /v1/count", s.count)
	s.mux.HandleFunc("GET /v1/graph", s.graph)
	s.mux.HandleFunc("GET /v1/events", s.eventStream)
	s.mux.HandleFunc("GET /v1/capture", s.capture)
	s.mux.HandleFunc("GET /v1/walks", s.presets)
	return s
}

// ServeHTTP implements http.Handler.
// Every request passes the guard first: no other origin, and with Token
// set no change without it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.guard(w, r) {
		s.mux.ServeHTTP(w, r)
	}
}

// Lock runs f with the lab to itself (for the serve command's own event
// reporting).
func (s *Server) Lock(f func(l *lab.Lab)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.lab)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func fail(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

func (s *Server) topology(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lab.Topo
	type node struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	out := struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		Nodes       []node `json:"nodes"`
	}{Name: t.Name, Description: t.Description}
	for _, n := range t.Nodes {
		out.Nodes = append(out.Nodes, node{n.Name, string(n.Role)})
	}
	writeJSON(w, http.StatusOK, out)
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad request body: %v", err)
	}
	return nil
}

// probe decodes and checks a probe request into req.
func (s *Server) probe(r *http.Request, req *ProbeRequest) (string, netip.Addr, network.ProbeOptions, error) {
	if err := decode(r, req); err != nil {
		return "", netip.Addr{}, network.ProbeOptions{}, err
	}
	if s.lab.Topo.Node(req.From) == nil {
		return "", netip.Addr{}, network.ProbeOptions{}, fmt.Errorf("no node %q in %s", req.From, s.lab.Topo.Name)
	}
	dst, err := netip.ParseAddr(req.To)
	if err != nil || !dst.Is4() {
		return "", netip.Addr{}, network.ProbeOptions{}, fmt.Errorf("%q is not an IPv4 address", req.To)
	}
	o := network.ProbeOptions{VRF: req.VRF, TTL: req.TTL, MaxHops: req.MaxHops, Size: req.Size, DF: req.DF, MPLS: req.MPLS}
	if req.Size != 0 && (req.Size < 28 || req.Size > 65535) {
		return "", netip.Addr{}, o, fmt.Errorf("size %d: give 28 to 65535 bytes", req.Size)
	}
	if req.Source != "" {
		if o.Source, err = netip.ParseAddr(req.Source); err != nil || !o.Source.Is4() {
			return "", netip.Addr{}, o, fmt.Errorf("source %q is not an IPv4 address", req.Source)
		}
	}
	if req.TTL < 0 || req.TTL > 255 || req.MaxHops < 0 || req.MaxHops > 255 {
		return "", netip.Addr{}, o, errors.New("ttl and max_hops must be 1 to 255")
	}
	return req.From, dst, o, nil
}

// FrameRequest asks a host (a CE) to send one Ethernet frame
// (network.FrameOptions): to a MAC, broadcast or a node's name.
type FrameRequest struct {
	From      string `json:"from"`
	To        string `json:"to"`
	EtherType uint16 `json:"ethertype,omitempty"`
	Size      int    `json:"size,omitempty"`
	Walk      bool   `json:"walk,omitempty"`
}

// FrameResponse is where the frame went (network.FrameResult), the drop
// reason named, and its walk when asked.
type FrameResponse struct {
	network.FrameResult
	Reason string     `json:"reason,omitempty"`
	Walk   []WalkStep `json:"walk,omitempty"`
}

func (s *Server) frame(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req FrameRequest
	if err := decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	if s.lab.Topo.Node(req.From) == nil {
		fail(w, fmt.Errorf("no node %q in %s", req.From, s.lab.Topo.Name))
		return
	}
	o := network.FrameOptions{To: req.To, EtherType: req.EtherType, Size: req.Size}
	if req.Walk {
		o.Walk = &network.Walk{}
	}
	res, err := s.lab.SendFrame(req.From, o)
	if err != nil {
		fail(w, err)
		return
	}
	out := FrameResponse{FrameResult: res}
	if res.DroppedAt != "" {
		out.Reason = res.Reason.String()
	}
	if o.Walk != nil {
		out.Walk = WalkOf(o.Walk)
	}
	writeJSON(w, http.StatusOK, out)
}

// Frame asks the server to send a frame.
func (c *Client) Frame(req FrameRequest) (FrameResponse, error) {
	var out FrameResponse
	return out, c.do("POST", "/v1/frame", req, &out)
}

// PingOf converts a lab result to its API form.
func PingOf(r network.PingResult) PingResponse {
	p := PingResponse{Result: r.Result, ReplyFrom: r.ReplyFrom, RTTms: float64(r.RTT) / float64(time.Millisecond), DroppedAt: r.DroppedAt,
		DeliveredTo: r.DeliveredTo, Silent: r.Silent, ReturnCode: r.ReturnCode}
	if r.ReplyAddr.IsValid() {
		p.ReplyAddr = r.ReplyAddr.String()
	}
	for _, e := range r.Labels {
		p.Labels = append(p.Labels, e.Label)
	}
	if r.Result == network.Lost && r.DroppedAt != "" {
		p.Reason = r.Reason.String()
	}
	if r.Result == network.Unreachable {
		c := r.Code
		p.Code = &c
		p.NextHopMTU = r.NextHopMTU
	}
	return p
}

// Answer converts an API ping back to a network.PingResult.
func (p PingResponse) Answer() network.PingResult {
	r := network.PingResult{Result: p.Result, ReplyFrom: p.ReplyFrom, RTT: time.Duration(p.RTTms * float64(time.Millisecond)), DroppedAt: p.DroppedAt,
		DeliveredTo: p.DeliveredTo, Silent: p.Silent}
	r.ReplyAddr, _ = netip.ParseAddr(p.ReplyAddr)
	r.Reason, _ = sim.ParseDropReason(p.Reason)
	if p.Code != nil {
		r.Code = *p.Code
	}
	r.NextHopMTU = p.NextHopMTU
	r.ReturnCode = p.ReturnCode
	for i, l := range p.Labels {
		r.Labels = append(r.Labels, mpls.StackEntry{Label: l, Bottom: i == len(p.Labels)-1})
	}
	return r
}

func (s *Server) ping(w http.ResponseWriter, r *http.Request) {
	s.runProbe(w, r, func(req ProbeRequest, from string, dst netip.Addr, o network.ProbeOptions) (any, error) {
		var finish func() string
		if req.Walk {
			o.Walk = &network.Walk{}
			finish = s.captureWalk(fmt.Sprintf("walk-%s-%s.pcapng", from, dst))
		}
		res, err := s.lab.Ping(from, dst, o)
		out := PingOf(res)
		if finish != nil {
			out.Capture = finish()
		}
		if o.Walk != nil {
			out.Walk = WalkOf(o.Walk)
		}
		return out, err
	})
}

func (s *Server) traceroute(w http.ResponseWriter, r *http.Request) {
	s.runProbe(w, r, func(req ProbeRequest, from string, dst netip.Addr, o network.ProbeOptions) (any, error) {
		if req.Walk {
			o.Walk = &network.Walk{}
		}
		tr, err := s.lab.Traceroute(from, dst, o)
		out := TraceResponse{Reached: tr.Reached, Hops: []HopResponse{}}
		for _, h := range tr.Hops {
			out.Hops = append(out.Hops, HopResponse{TTL: h.TTL, PingResponse: PingOf(h.PingResult)})
		}
		if o.Walk != nil {
			out.Walk = WalkOf(o.Walk)
		}
		return out, err
	})
}

// runProbe decodes a probe request, runs it with the lab to itself and
// writes its answer or its error.
func (s *Server) runProbe(w http.ResponseWriter, r *http.Request, run func(ProbeRequest, string, netip.Addr, network.ProbeOptions) (any, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req ProbeRequest
	from, dst, o, err := s.probe(r, &req)
	if err != nil {
		fail(w, err)
		return
	}
	out, err := run(req, from, dst, o)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	var b bytes.Buffer
	t, err := s.lab.Table(q.Get("node"), q.Get("table"), q.Get("vrf"))
	if err == nil {
		if q.Get("format") == "json" {
			err = render.JSON(&b, t)
		} else {
			err = render.Text(&b, t)
		}
	}
	if err != nil {
		fail(w, err)
		return
	}
	if q.Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Write(b.Bytes())
}

func (s *Server) change(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var req ChangeRequest
		if err := decode(r, &req); err != nil {
			fail(w, err)
			return
		}
		var what string
		ch := network.Change{Kind: kind, Node: req.Node, Value: req.Value, VRF: req.VRF, RT: req.RT, Import: req.Import, Export: req.Export, Remove: req.Remove}
		switch {
		case kind == network.RouteTarget && req.Node != "":
			what = fmt.Sprintf("%s vrf %s route-target %s", req.Node, req.VRF, req.RT)
			if req.Remove {
				what = fmt.Sprintf("%s vrf %s no route-target %s", req.Node, req.VRF, req.RT)
			}
		case len(req.Link) == 2 && kind == "metric":
			what = fmt.Sprintf("metric %s–%s = %d", req.Link[0], req.Link[1], req.Value)
		case len(req.Link) == 2 && kind == "mtu":
			what = fmt.Sprintf("mtu %s–%s = %d", req.Link[0], req.Link[1], req.Value)
		case len(req.Link) == 2 && kind == "fail":
			what = fmt.Sprintf("link %s–%s down", req.Link[0], req.Link[1])
		case len(req.Link) == 2 && kind == "restore":
			what = fmt.Sprintf("link %s–%s up", req.Link[0], req.Link[1])
		case req.Node != "" && kind == "fail":
			what = "node " + req.Node + " down"
		case req.Node != "" && kind == "restore":
			what = "node " + req.Node + " up"
		default:
			fail(w, fmt.Errorf("%s needs a link (two node names) or a node; metric and mtu need a link and a value", kind))
			return
		}
		if len(req.Link) == 2 && kind != network.RouteTarget {
			ch.Node, ch.Link = "", [2]string{req.Link[0], req.Link[1]}
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.settle)
		defer cancel()
		s.Publish(EventChange, what)
		err := s.lab.Change(ctx, ch)
		if err != nil {
			err = fmt.Errorf("%s: %v", what, err)
			s.Publish(EventLog, err.Error())
		} else if s.OnChange != nil {
			s.OnChange(what)
		}
		s.Publish(EventConverged, what)
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"converged": true})
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v) // marshalled once already
	return b
}

// Client talks to a running server.
type Client struct {
	Base string // http://ADDR
	HTTP *http.Client
	// Wait is how long a request keeps trying while nothing listens at the
	// address yet (connection refused): a script that starts vpnsim serve
	// in the background and talks to it at once finds it still starting.
	// Zero fails at once.
	Wait time.Duration
	// Refused, when set, is called on each refused connection before the
	// next try (the command line says it is waiting; tests start the
	// server).
	Refused func(tries int)
	// Token goes with every request (X-Vpnsim-Token): the token a server
	// started by vpnsim web wants for changes.
	Token string
}

// NewClient returns a client of the server at addr (HOST:PORT on loopback).
func NewClient(addr string) (*Client, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil, fmt.Errorf("--server %q: want a loopback ADDRESS:PORT such as 127.0.0.1:8179 (what vpnsim serve printed)", addr)
	}
	return &Client{Base: "http://" + addr, HTTP: &http.Client{Timeout: 10 * time.Minute}}, nil
}

func (c *Client) do(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		return err
	}
	if c.Token != "" {
		req.Header.Set(TokenHeader, c.Token)
	}
	resp, err := c.HTTP.Do(req)
	deadline := time.Now().Add(c.Wait)
	for tries := 1; err != nil && errors.Is(err, syscall.ECONNREFUSED) && time.Now().Before(deadline); tries++ {
		if c.Refused != nil {
			c.Refused(tries)
		}
		time.Sleep(100 * time.Millisecond)
		if rd != nil {
			req.Body = io.NopCloser(bytes.NewReader(mustJSON(body)))
		}
		resp, err = c.HTTP.Do(req)
	}
	if err != nil {
		return fmt.Errorf("no vpnsim server at %s: %v", c.Base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if s, ok := out.(*string); ok {
		*s = string(data)
		return nil
	}
	return json.Unmarshal(data, out)
}

// Ping asks the server for one ping.
func (c *Client) Ping(req ProbeRequest) (PingResponse, error) {
	var out PingResponse
	return out, c.do("POST", "/v1/ping", req, &out)
}

// Traceroute asks the server for a traceroute.
func (c *Client) Traceroute(req ProbeRequest) (TraceResponse, error) {
	var out TraceResponse
	return out, c.do("POST", "/v1/traceroute", req, &out)
}

// Show fetches a table, as text or JSON.
func (c *Client) Show(node, table, vrf, format string) (string, error) {
	var out string
	q := url.Values{"node": {node}, "table": {table}, "vrf": {vrf}, "format": {format}}
	return out, c.do("GET", "/v1/show?"+q.Encode(), nil, &out)
}

// Change asks for a fail, restore or metric and waits until the network has
// converged again.
func (c *Client) Change(kind string, req ChangeRequest) error {
	var out map[string]bool
	return c.do("POST", "/v1/"+kind, req, &out)
}

func (s *Server) converge(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), s.settle)
	defer cancel()
	if err := s.lab.Converge(ctx); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"converged": true})
}

// query runs f on the lab with the request's query and writes its answer.
func (s *Server) query(w http.ResponseWriter, r *http.Request, f func(q url.Values) (any, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := f(r.URL.Query())
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) table(w http.ResponseWriter, r *http.Request) {
	s.query(w, r, func(q url.Values) (any, error) {
		return s.lab.Table(q.Get("node"), q.Get("table"), q.Get("vrf"))
	})
}

// RouteResponse is a route lookup's answer: the route (null when absent),
// or the error name no-such-vrf.
type RouteResponse struct {
	Route *network.RouteAnswer `json:"route"`
	Error string               `json:"error_name,omitempty"`
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.query(w, r, func(q url.Values) (any, error) {
		p, err := netip.ParsePrefix(q.Get("prefix"))
		if err != nil {
			return nil, fmt.Errorf("prefix %q: want an IPv4 prefix such as 10.1.2.0/24", q.Get("prefix"))
		}
		a, err := s.lab.Route(q.Get("node"), q.Get("vrf"), p)
		if errors.Is(err, network.ErrNoSuchVRF) {
			return RouteResponse{Error: err.Error()}, nil
		}
		return RouteResponse{Route: a}, err
	})
}

func (s *Server) lfib(w http.ResponseWriter, r *http.Request) {
	s.query(w, r, func(q url.Values) (any, error) {
		l, err := mpls.ParseLabel(q.Get("label"))
		if err != nil {
			return nil, err
		}
		e, err := s.lab.LFIBEntry(q.Get("node"), l)
		return map[string]*network.LFIBAnswer{"entry": e}, err
	})
}

func (s *Server) count(w http.ResponseWriter, r *http.Request) {
	s.query(w, r, func(q url.Values) (any, error) {
		n, err := s.lab.Count(q.Get("node"), q.Get("table"), q.Get("vrf"))
		return map[string]int{"count": n}, err
	})
}

// walkCapture is one walk's frames, pcapng.
type walkCapture struct {
	id   int
	name string
	data []byte
}

// keptCaptures is how many walks' captures a server keeps (every page
// watching may walk; each gets its own).
const keptCaptures = 16

// captureWalk records every frame on every link until the returned
// function is called, which keeps the capture (pcapng, the format vpnsim
// traceroute --pcap writes) under name and returns its path to fetch.
func (s *Server) captureWalk(name string) (finish func() string) {
	var b bytes.Buffer
	c, err := capture.New(&b, s.lab.Net)
	if err != nil {
		return func() string { return "" }
	}
	stop := s.lab.Watch(c, false)
	return func() string {
		stop()
		if c.Close() != nil {
			return ""
		}
		s.nextCapture++
		s.captures = append(s.captures, walkCapture{id: s.nextCapture, name: name, data: b.Bytes()})
		if len(s.captures) > keptCaptures {
			s.captures = s.captures[1:]
		}
		return "/v1/capture?id=" + strconv.Itoa(s.nextCapture)
	}
}

// capture answers a walk's capture (?id=N, what the ping answered; the
// last one without) as a pcapng download.
func (s *Server) capture(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.captures) == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no walk yet: POST /v1/ping with \"walk\": true first"})
		return
	}
	c := s.captures[len(s.captures)-1]
	if q := r.URL.Query().Get("id"); q != "" {
		id, _ := strconv.Atoi(q)
		i := slices.IndexFunc(s.captures, func(c walkCapture) bool { return c.id == id })
		if i < 0 {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no capture %q: the server keeps the last %d walks'", q, keptCaptures)})
			return
		}
		c = s.captures[i]
	}
	w.Header().Set("Content-Type", "application/x-pcapng")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.name+`"`)
	w.Write(c.data)
}
