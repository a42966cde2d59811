package api

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/sim"
)

// Remote is a network behind `vpnsim serve`, used through its control API.
type Remote struct {
	C     *Client
	Name  string // the served topology's name
	nodes []network.Node
}

var _ network.Network = (*Remote)(nil)

// Dial returns the network served at addr (a loopback HOST:PORT), once it
// answers (the client waits as Client.Wait says).
func Dial(c *Client) (*Remote, error) {
	var t struct {
		Name  string         `json:"name"`
		Nodes []network.Node `json:"nodes"`
	}
	if err := c.do("GET", "/v1/topology", nil, &t); err != nil {
		return nil, err
	}
	return &Remote{C: c, Name: t.Name, nodes: t.Nodes}, nil
}

// Nodes implements network.Network.
func (r *Remote) Nodes() []network.Node { return r.nodes }

// Converge implements network.Network; the server bounds it by its --settle.
func (r *Remote) Converge(context.Context) error {
	var out map[string]bool
	return r.C.do("POST", "/v1/converge", nil, &out)
}

// Change implements network.Network.
func (r *Remote) Change(_ context.Context, c network.Change) error {
	req := ChangeRequest{Node: c.Node, Value: c.Value, VRF: c.VRF, RT: c.RT, Import: c.Import, Export: c.Export, Remove: c.Remove}
	if c.IsLink() {
		req = ChangeRequest{Link: c.Link[:], Value: c.Value}
	}
	return r.C.Change(c.Kind, req)
}

func probeRequest(from string, dst netip.Addr, o network.ProbeOptions) ProbeRequest {
	req := ProbeRequest{From: from, To: dst.String(), VRF: o.VRF, TTL: o.TTL, MaxHops: o.MaxHops, Size: o.Size, DF: o.DF, MPLS: o.MPLS, Walk: o.Walk != nil}
	if o.Source.IsValid() {
		req.Source = o.Source.String()
	}
	return req
}

// Ping implements network.Network.
func (r *Remote) Ping(from string, dst netip.Addr, o network.ProbeOptions) (network.PingResult, error) {
	p, err := r.C.Ping(probeRequest(from, dst, o))
	if err != nil {
		return network.PingResult{}, err
	}
	if o.Walk != nil {
		o.Walk.Steps = append(o.Walk.Steps, WalkFrom(p.Walk).Steps...)
	}
	return p.Answer(), nil
}

// SendFrame implements network.Network.
func (r *Remote) SendFrame(from string, o network.FrameOptions) (network.FrameResult, error) {
	f, err := r.C.Frame(FrameRequest{From: from, To: o.To, EtherType: o.EtherType, Size: o.Size, Walk: o.Walk != nil})
	if err != nil {
		return network.FrameResult{}, err
	}
	if o.Walk != nil {
		o.Walk.Steps = append(o.Walk.Steps, WalkFrom(f.Walk).Steps...)
	}
	res := f.FrameResult
	res.Reason, _ = sim.ParseDropReason(f.Reason)
	return res, nil
}

// Traceroute implements network.Network.
func (r *Remote) Traceroute(from string, dst netip.Addr, o network.ProbeOptions) (network.TraceResult, error) {
	t, err := r.C.Traceroute(probeRequest(from, dst, o))
	if err != nil {
		return network.TraceResult{}, err
	}
	if o.Walk != nil {
		o.Walk.Steps = append(o.Walk.Steps, WalkFrom(t.Walk).Steps...)
	}
	tr := network.TraceResult{Reached: t.Reached}
	for _, h := range t.Hops {
		tr.Hops = append(tr.Hops, network.Hop{TTL: h.TTL, PingResult: h.PingResponse.Answer()})
	}
	return tr, nil
}

// Table implements network.Network.
func (r *Remote) Table(node, name, vrf string) (*network.Table, error) {
	var t network.Table
	q := url.Values{"node": {node}, "table": {name}, "vrf": {vrf}}
	if err := r.C.do("GET", "/v1/table?"+q.Encode(), nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Route implements network.Network.
func (r *Remote) Route(node, vrf string, prefix netip.Prefix) (*network.RouteAnswer, error) {
	var out RouteResponse
	q := url.Values{"node": {node}, "vrf": {vrf}, "prefix": {prefix.String()}}
	if err := r.C.do("GET", "/v1/route?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	if out.Error == network.ErrNoSuchVRF.Error() {
		return nil, network.ErrNoSuchVRF
	}
	if out.Error != "" {
		return nil, fmt.Errorf("%s", out.Error)
	}
	return out.Route, nil
}

// LFIBEntry implements network.Network.
func (r *Remote) LFIBEntry(node string, label mpls.Label) (*network.LFIBAnswer, error) {
	var out struct {
		Entry *network.LFIBAnswer `json:"entry"`
	}
	q := url.Values{"node": {node}, "label": {strconv.FormatUint(uint64(label), 10)}}
	err := r.C.do("GET", "/v1/lfib?"+q.Encode(), nil, &out)
	return out.Entry, err
}

// Count implements network.Network.
func (r *Remote) Count(node, table, vrf string) (int, error) {
	var out struct {
		Count int `json:"count"`
	}
	q := url.Values{"node": {node}, "table": {table}, "vrf": {vrf}}
	err := r.C.do("GET", "/v1/count?"+q.Encode(), nil, &out)
	return out.Count, err
}
