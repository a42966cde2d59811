package lab

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
)

// PathStep is one link an echo request crossed.
type PathStep struct {
	Link     *topologies.Link
	From, To string   // NODE:IF
	Labels   []uint32 // the label stack on that link, outermost first
	Headers  string   // the header boxes
}

// RequestPath sends one echo request and returns the links it crossed on
// its way to the destination, in order, with the labels on each.
func (l *Lab) RequestPath(from string, dst netip.Addr, o ProbeOptions) ([]PathStep, PingResult, error) {
	rec := &pathRecorder{origin: from, lab: l}
	stop := l.Watch(rec, false)
	r, err := l.Ping(from, dst, o)
	stop()
	return rec.steps, r, err
}

type pathRecorder struct {
	origin string
	lab    *Lab
	steps  []PathStep
}

func (p *pathRecorder) Transmitted(time.Duration, *sim.Iface, []byte) {}
func (p *pathRecorder) Decided(time.Duration, *sim.Node, string)      {}
func (p *pathRecorder) Dropped(time.Duration, *sim.Node, sim.DropReason, *packet.Frame) {
}
func (p *pathRecorder) Delivered(time.Duration, *sim.Node, *packet.Frame) {}

func (p *pathRecorder) Received(_ time.Duration, in *sim.Iface, f *packet.Frame) {
	ip := f.IP()
	if f.Origin != p.origin || ip.Protocol() != packet.ProtoICMP || packet.ICMP(ip.Payload()).Type() != packet.ICMPEchoRequest {
		return
	}
	st := PathStep{Link: p.lab.Topo.Links[in.Link.Index], From: in.Peer().String(), To: in.String()}
	var hs []string
	for _, e := range f.Stack() {
		st.Labels = append(st.Labels, uint32(e.Label))
		hs = append(hs, fmt.Sprintf("[MPLS %d%s TTL %d]", e.Label, map[bool]string{true: " S"}[e.Bottom], e.TTL))
	}
	hs = append(hs, fmt.Sprintf("[IPv4 %s > %s TTL %d]", ip.Src(), ip.Dst(), ip.TTL()))
	st.Headers = strings.Join(hs, "")
	p.steps = append(p.steps, st)
}

// StackText prints a path step's labels as routers do ("18/100000"), or
// "no label".
func (s PathStep) StackText() string {
	if len(s.Labels) == 0 {
		return "no label"
	}
	ls := make([]mpls.Label, len(s.Labels))
	for i, x := range s.Labels {
		ls[i] = mpls.Label(x)
	}
	return "labels " + mpls.Join(ls)
}
