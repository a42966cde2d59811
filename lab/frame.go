package lab

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// SendFrame sends one Ethernet frame from host from (a CE) out of its
// first interface and runs the network until nothing is in flight: what
// wide-area Ethernet carries and an IP-VPN does not (a frame that is not
// IPv4 is dropped at an IP-VPN attachment, reason not-ip).
func (l *Lab) SendFrame(from string, o network.FrameOptions) (network.FrameResult, error) {
	c := l.ces[from]
	if c == nil {
		return network.FrameResult{}, fmt.Errorf("%s is not a CE: frames are sent by the customers' hosts", from)
	}
	sn := l.nodes[from]
	if len(sn.Ifaces) == 0 {
		return network.FrameResult{}, fmt.Errorf("%s has no link", from)
	}
	dst, err := l.frameDst(sn, o.To)
	if err != nil {
		return network.FrameResult{}, err
	}
	etype := o.EtherType
	if etype == 0 {
		etype = network.DefaultEtherType
	}
	switch etype {
	case packet.EtherTypeIPv4, packet.EtherTypeARP, packet.EtherTypeMPLS, packet.EtherTypeVLAN:
		return network.FrameResult{}, fmt.Errorf("ethertype %#04x: send IPv4 with ping, ARP comes with it; give another ethertype, such as 0x88b5", etype)
	}
	size := o.Size
	if size == 0 {
		size = 46
	}
	if size < 0 || size > 9000 {
		return network.FrameResult{}, fmt.Errorf("size %d: a frame's payload is 0 to 9000 bytes", size)
	}
	defer l.walk(o.Walk)()
	l.probe++
	id := l.probe
	fw := &frameWatch{id: id, copies: map[string]int{}}
	l.obs.add(fw)
	defer l.obs.remove(fw)
	out := sn.Ifaces[0]
	f := packet.NewRawFrame(dst, out.MAC, etype, make([]byte, size), packet.Meta{Origin: from, Probe: id})
	out.Tag(f)
	if sn.Down {
		return network.FrameResult{Result: network.Lost, DroppedAt: from, Reason: sim.DropLinkDown}, nil
	}
	sn.Note("frame of ethertype %#04x to %s, %d bytes", etype, dst, size)
	sn.SendFrame(f, out.Index)
	if err := l.Net.Run(); err != nil {
		return network.FrameResult{}, err
	}
	if err := l.afterProbe(); err != nil {
		return network.FrameResult{}, err
	}
	r := network.FrameResult{Result: network.Lost, Copies: fw.copies, DroppedAt: fw.dropAt, Reason: fw.reason}
	if len(fw.delivered) > 0 {
		r.Result, r.DroppedAt, r.Reason = network.Delivered, "", 0
		r.DeliveredTo = slices.Sorted(slices.Values(fw.delivered))
		r.DeliveredTo = slices.Compact(r.DeliveredTo)
	}
	return r, nil
}

// frameDst is the MAC a frame from sn goes to: a MAC, or the node a name
// gives (its interface on the link from sn, else its first interface's).
func (l *Lab) frameDst(sn *sim.Node, to string) (packet.MAC, error) {
	if hw, err := net.ParseMAC(to); err == nil && len(hw) == 6 {
		return packet.MAC(hw), nil
	}
	if strings.EqualFold(to, "broadcast") {
		return packet.BroadcastMAC, nil
	}
	if tn := l.nodes[to]; tn != nil && len(tn.Ifaces) > 0 {
		for _, i := range sn.Ifaces {
			if i.Link != nil && i.Peer().Node == tn {
				return i.Peer().MAC, nil
			}
		}
		return tn.Ifaces[0].MAC, nil
	}
	return packet.MAC{}, fmt.Errorf("to %q: give a MAC (02:00:00:07:00:01), broadcast, or a node's name", to)
}

// frameWatch follows one frame: the copies each node receives, the hosts
// that take it, the first drop.
type frameWatch struct {
	id        uint32
	copies    map[string]int
	delivered []string
	dropAt    string
	reason    sim.DropReason
}

func (w *frameWatch) Transmitted(time.Duration, *sim.Iface, []byte) {}
func (w *frameWatch) Received(_ time.Duration, in *sim.Iface, f *packet.Frame) {
	if f.Probe == w.id {
		w.copies[in.Node.Name]++
	}
}
func (w *frameWatch) Decided(time.Duration, *sim.Node, string) {}
func (w *frameWatch) Dropped(_ time.Duration, n *sim.Node, r sim.DropReason, f *packet.Frame) {
	if f.Probe == w.id && w.dropAt == "" {
		w.dropAt, w.reason = n.Name, r
	}
}
func (w *frameWatch) Delivered(_ time.Duration, n *sim.Node, f *packet.Frame) {
	if f.Probe == w.id {
		w.delivered = append(w.delivered, n.Name)
	}
}
