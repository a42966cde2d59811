package packet

import (
	"net"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// The ARP frames a node sends decode in gopacket as RFC 826 says they must
// look: a broadcast request with a zero target MAC, a unicast reply.
func TestARPFramesDecode(t *testing.T) {
	a, b := netip.MustParseAddr("100.64.0.0"), netip.MustParseAddr("100.64.0.1")
	ma, mb := NodeMAC(1, 0), NodeMAC(2, 1)
	for _, tc := range []struct {
		name               string
		op                 uint16
		dst                MAC
		senderIP, targetIP netip.Addr
		sender, target     MAC
	}{
		{"request", ARPRequest, BroadcastMAC, a, b, ma, MAC{}},
		{"reply", ARPReply, ma, b, a, mb, ma},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewARPFrame(tc.op, tc.dst, tc.sender, tc.senderIP, tc.target, tc.targetIP, Meta{})
			p := gopacket.NewPacket(f.Data(), layers.LayerTypeEthernet, gopacket.Default)
			if el := p.ErrorLayer(); el != nil {
				t.Fatalf("gopacket: %v", el.Error())
			}
			eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
			if eth.EthernetType != layers.EthernetTypeARP || net.HardwareAddr(tc.dst[:]).String() != eth.DstMAC.String() || eth.SrcMAC.String() != tc.sender.String() {
				t.Errorf("Ethernet %v > %v type %v", eth.SrcMAC, eth.DstMAC, eth.EthernetType)
			}
			arp := p.Layer(layers.LayerTypeARP).(*layers.ARP)
			if arp.Operation != tc.op || arp.AddrType != layers.LinkTypeEthernet || arp.Protocol != layers.EthernetTypeIPv4 ||
				net.IP(arp.SourceProtAddress).String() != tc.senderIP.String() || net.IP(arp.DstProtAddress).String() != tc.targetIP.String() ||
				net.HardwareAddr(arp.SourceHwAddress).String() != tc.sender.String() || net.HardwareAddr(arp.DstHwAddress).String() != tc.target.String() {
				t.Errorf("ARP %+v", arp)
			}
			v := WireARP(f.Data())
			if !v.Valid() || v.Op() != tc.op || v.SenderIP() != tc.senderIP || v.TargetIP() != tc.targetIP || v.SenderMAC() != tc.sender || v.TargetMAC() != tc.target {
				t.Errorf("view: op %d %s %s -> %s %s", v.Op(), v.SenderIP(), v.SenderMAC(), v.TargetIP(), v.TargetMAC())
			}
		})
	}
}

func TestARPInvalid(t *testing.T) {
	good := WireARP(NewARPFrame(ARPRequest, BroadcastMAC, NodeMAC(1, 0), netip.MustParseAddr("10.0.0.1"), MAC{}, netip.MustParseAddr("10.0.0.2"), Meta{}).Data())
	for _, tc := range []struct {
		name string
		edit func(ARP) ARP
	}{
		{"short", func(a ARP) ARP { return a[:27] }},
		{"hardware type", func(a ARP) ARP { a[1] = 6; return a }},
		{"protocol", func(a ARP) ARP { a[2] = 0x86; return a }},
		{"hardware length", func(a ARP) ARP { a[4] = 8; return a }},
		{"operation 3", func(a ARP) ARP { a[7] = 3; return a }},
	} {
		a := tc.edit(append(ARP(nil), good...))
		if a.Valid() {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if WireARP(make([]byte, 13)) != nil {
		t.Error("a 13-byte frame read as ARP")
	}
}

// FuzzARP feeds arbitrary bytes to the ARP decoder a receiving interface
// uses: nothing may panic, and what it accepts has the fields RFC 826 fixes.
func FuzzARP(f *testing.F) {
	f.Add(NewARPFrame(ARPRequest, BroadcastMAC, NodeMAC(1, 0), netip.MustParseAddr("10.0.0.1"), MAC{}, netip.MustParseAddr("10.0.0.2"), Meta{}).Data())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, wire []byte) {
		a := WireARP(wire)
		if a == nil || !a.Valid() {
			return
		}
		if len(a) < ARPLen || (a.Op() != ARPRequest && a.Op() != ARPReply) {
			t.Fatal("accepted a broken ARP packet")
		}
		_, _, _, _ = a.SenderIP(), a.SenderMAC(), a.TargetIP(), a.TargetMAC()
	})
}
