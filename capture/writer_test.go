package capture_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/sim"
)

// oneNode is a network of one node with one interface and no link.
func oneNode() (*sim.Network, *sim.Node) {
	n := sim.New()
	a := n.AddNode("A")
	a.AddIface("eth1")
	return n, a
}

func TestNoInterfaces(t *testing.T) {
	n := sim.New()
	n.AddNode("A")
	if _, err := capture.New(io.Discard, n); err == nil || !strings.Contains(err.Error(), "no interfaces") {
		t.Fatalf("New on a network without interfaces: %v, want an error saying so", err)
	}
}

func TestLateInterface(t *testing.T) {
	n, a := oneNode()
	c, err := capture.New(io.Discard, n)
	if err != nil {
		t.Fatal(err)
	}
	c.Transmitted(0, a.AddIface("eth2"), make([]byte, 60))
	if err := c.Close(); err == nil || !strings.Contains(err.Error(), "A:eth2") {
		t.Fatalf("Close after a frame from an interface added later: %v, want an error naming A:eth2", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	n, a := oneNode()
	c, err := capture.New(failingWriter{}, n)
	if err != nil {
		t.Fatal(err) // pcapgo buffers the headers: nothing is written yet
	}
	c.Transmitted(0, a.Ifaces[0], make([]byte, 60))
	if err := c.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close on a failing writer: %v, want the writer's error", err)
	}
}

// TestCloseStops: frames after Close are not recorded, and an interface
// without a link says so in its description.
func TestCloseStops(t *testing.T) {
	n, a := oneNode()
	var b bytes.Buffer
	c, err := capture.New(&b, n)
	if err != nil {
		t.Fatal(err)
	}
	c.Transmitted(0, a.Ifaces[0], make([]byte, 60))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c.Transmitted(1, a.Ifaces[0], make([]byte, 60))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if c.Frames() != 1 {
		t.Errorf("Frames() = %d, want 1", c.Frames())
	}
	r, err := pcapgo.NewNgReader(&b, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for {
		_, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		frames++
	}
	if frames != 1 {
		t.Errorf("the file holds %d frames, want 1", frames)
	}
	ifc, err := r.Interface(0)
	if err != nil {
		t.Fatal(err)
	}
	if ifc.Name != "A:eth1" || ifc.Description != "A:eth1 not connected" {
		t.Errorf("interface %q, %q; want \"A:eth1\", \"A:eth1 not connected\"", ifc.Name, ifc.Description)
	}
}
