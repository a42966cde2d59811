// Package capture records every frame of a simulated network as pcapng, the
// format Wireshark and tshark read.
//
// A Writer is a sim.Observer. When it is created it declares one pcapng
// interface for every interface of every node, in node order and then
// interface order, so the same network always gives the same interface
// numbers. Each pcapng interface is named like the simulator names the
// interface, NODE:IFNAME (for example "PE1:eth1"), has link type Ethernet and
// a description naming the interface at the far end of its link ("PE1:eth1
// to P1:eth1"). A frame is recorded once, on the interface it leaves by, with
// its Ethernet header and MPLS label stack exactly as they are on the wire;
// the receiving end does not record it again.
//
// Time: the model has no wall clock. A frame's timestamp is its simulated
// time added to Epoch (2026-01-01T00:00:00Z), with nanosecond resolution, so
// a capture of the same run is byte-identical on every machine and the
// times Wireshark shows are the simulated times since the network started.
package capture

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/sim"
)

// Epoch is the timestamp recorded for simulated time zero.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Writer writes the frames a network transmits to a pcapng stream.
type Writer struct {
	ng     *pcapgo.NgWriter
	ids    map[*sim.Iface]int
	frames int
	err    error // the first write error; every later frame is skipped
	closed bool
}

var _ sim.Observer = (*Writer)(nil)

// New writes the pcapng section header and one interface description per
// interface of n to w, and returns a Writer ready to be attached to the
// network as an observer (lab.Watch). Interfaces added to n later are not
// recorded: their frames make Flush and Close fail.
func New(w io.Writer, n *sim.Network) (*Writer, error) {
	var ifaces []*sim.Iface
	for _, node := range n.Nodes {
		ifaces = append(ifaces, node.Ifaces...)
	}
	if len(ifaces) == 0 {
		return nil, errors.New("capture: the network has no interfaces to capture on")
	}
	section := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: "vpnsim",
		Comment:     "simulated network; timestamps are simulated time since " + Epoch.Format(time.RFC3339),
	}}
	c := &Writer{ids: make(map[*sim.Iface]int, len(ifaces))}
	for i, ifc := range ifaces {
		var err error
		if i == 0 {
			// pcapgo declares the first interface with the section header.
			c.ng, err = pcapgo.NewNgWriterInterface(w, ngInterface(ifc), section)
		} else {
			_, err = c.ng.AddInterface(ngInterface(ifc))
		}
		if err != nil {
			return nil, fmt.Errorf("capture: writing the description of %s: %w", ifc, err)
		}
		c.ids[ifc] = i
	}
	return c, nil
}

// ngInterface describes one simulated interface to pcapng. pcapgo always
// records nanosecond timestamps.
func ngInterface(ifc *sim.Iface) pcapgo.NgInterface {
	desc := ifc.String() + " not connected"
	if ifc.Link != nil {
		desc = ifc.String() + " to " + ifc.Peer().String()
	}
	return pcapgo.NgInterface{Name: ifc.String(), Description: desc, LinkType: layers.LinkTypeEthernet}
}

// Transmitted records a frame on the interface it left by.
func (c *Writer) Transmitted(at time.Duration, from *sim.Iface, wire []byte) {
	if c.err != nil || c.closed {
		return
	}
	id, ok := c.ids[from]
	if !ok {
		c.err = fmt.Errorf("capture: a frame left %s, an interface added after the capture started", from)
		return
	}
	ci := gopacket.CaptureInfo{Timestamp: Epoch.Add(at), CaptureLength: len(wire), Length: len(wire), InterfaceIndex: id}
	if err := c.ng.WritePacket(ci, wire); err != nil {
		c.err = fmt.Errorf("capture: writing a frame from %s: %w", from, err)
		return
	}
	c.frames++
}

// Received does nothing: the frame was recorded when it was transmitted.
func (c *Writer) Received(time.Duration, *sim.Iface, *packet.Frame) {}

// Decided does nothing: a capture holds frames only.
func (c *Writer) Decided(time.Duration, *sim.Node, string) {}

// Dropped does nothing: a dropped frame was recorded when it was transmitted,
// and one dropped before leaving its node was never on a wire.
func (c *Writer) Dropped(time.Duration, *sim.Node, sim.DropReason, *packet.Frame) {}

// Delivered does nothing: a capture holds frames only.
func (c *Writer) Delivered(time.Duration, *sim.Node, *packet.Frame) {}

// Frames is how many frames have been recorded.
func (c *Writer) Frames() int { return c.frames }

// Flush writes buffered blocks out and returns the first error met while
// recording or flushing.
func (c *Writer) Flush() error {
	if c.err != nil {
		return c.err
	}
	if err := c.ng.Flush(); err != nil {
		c.err = fmt.Errorf("capture: %w", err)
	}
	return c.err
}

// Close flushes and stops recording: later frames are ignored. It does not
// close the underlying writer.
func (c *Writer) Close() error {
	err := c.Flush()
	c.closed = true
	return err
}
