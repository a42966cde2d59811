package capture_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/network"
)

// A frame that is not IP crosses an EVPN E-LAN unchanged (RFC 7432): the
// frame X1 puts on its link, 802.1Q tag and all, is byte for byte what
// travels under the labels behind a zero control word, and what PE2 hands
// X2 (both attachments on VLAN 100). Decoded with gopacket.
func TestEVPNFrameCrossesUnchanged(t *testing.T) {
	l := labtest.Start(t, "wide-area-ethernet")
	var b bytes.Buffer
	c, err := capture.New(&b, l.Net)
	if err != nil {
		t.Fatal(err)
	}
	stop := l.Watch(c, false)
	r, err := l.SendFrame("X1", network.FrameOptions{To: "X2", EtherType: 0x88b5, Size: 60})
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Result != network.Delivered || strings.Join(r.DeliveredTo, ",") != "X2" {
		t.Fatalf("frame %+v, want delivered to X2", r)
	}
	rd, err := pcapgo.NewNgReader(bytes.NewReader(b.Bytes()), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var sent []byte
	var underLabels, atX2 int
	for {
		data, ci, err := rd.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ifc, err := rd.Interface(ci.InterfaceIndex)
		if err != nil {
			t.Fatal(err)
		}
		from := strings.Fields(ifc.Description)[0]
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		switch {
		case from == "X1:eth1":
			vlan, ok := p.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
			if !ok || vlan.VLANIdentifier != 100 || vlan.Type != 0x88b5 {
				t.Fatalf("X1 sent %v, want VLAN 100 and ethertype 0x88b5", p)
			}
			sent = append([]byte(nil), data...)
		case eth.EthernetType == layers.EthernetTypeMPLSUnicast:
			var stack []*layers.MPLS
			for _, ly := range p.Layers() {
				if m, ok := ly.(*layers.MPLS); ok {
					stack = append(stack, m)
				}
			}
			if len(stack) == 0 || !stack[len(stack)-1].StackBottom {
				t.Fatalf("%s: labels %v", from, stack)
			}
			payload := data[14+4*len(stack):]
			if !bytes.Equal(payload[:4], []byte{0, 0, 0, 0}) {
				t.Errorf("%s: control word % x, want four zero bytes", from, payload[:4])
			}
			if !bytes.Equal(payload[4:], sent) {
				t.Errorf("%s: the frame under the labels\n% x\ndiffers from what X1 sent\n% x", from, payload[4:], sent)
			}
			for _, m := range stack {
				if m.TTL == 0 {
					t.Errorf("%s: label %d with TTL 0", from, m.Label)
				}
			}
			underLabels++
		case from == "PE2:eth2":
			if !bytes.Equal(data, sent) {
				t.Errorf("PE2 handed X2\n% x\nnot what X1 sent\n% x", data, sent)
			}
			atX2++
		}
	}
	if sent == nil || underLabels == 0 || atX2 != 1 {
		t.Errorf("X1 sent %d bytes; %d frames under labels, %d to X2 (want 1)", len(sent), underLabels, atX2)
	}
}
