package capture_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/vpnsim/vpnsim/capture"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	out    = flag.String("out", "", "TestWriteCaptureFile: write the capture of a traceroute A1 -> 10.1.2.1 on classic to this file")
)

var dst = netip.MustParseAddr("10.1.2.1")

// classicIfaces is every interface of the classic topology, in node then
// interface order, with the description of its link.
var classicIfaces = []string{
	"PE1:eth1 to P1:eth1",
	"PE1:eth2 to A1:eth1",
	"PE1:eth3 to B1:eth1",
	"P1:eth1 to PE1:eth1",
	"P1:eth2 to P2:eth1",
	"P1:eth3 to RR1:eth1",
	"P2:eth1 to P1:eth2",
	"P2:eth2 to PE2:eth1",
	"PE2:eth1 to P2:eth2",
	"PE2:eth2 to A2:eth1",
	"PE2:eth3 to B2:eth1",
	"RR1:eth1 to P1:eth3",
	"A1:eth1 to PE1:eth2",
	"A2:eth1 to PE2:eth2",
	"B1:eth1 to PE1:eth3",
	"B2:eth1 to PE2:eth3",
}

// startClassic builds and converges the classic topology.
func startClassic(t *testing.T) *lab.Lab {
	t.Helper()
	top, _, err := topologies.Open("classic")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.New(top, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return l
}

// record captures everything the network transmits while probe runs.
func record(t *testing.T, l *lab.Lab, probe func() error) []byte {
	t.Helper()
	var b bytes.Buffer
	c, err := capture.New(&b, l.Net)
	if err != nil {
		t.Fatal(err)
	}
	stop := l.Watch(c, false)
	err = probe()
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ping(l *lab.Lab) func() error {
	return func() error {
		r, err := l.Ping("A1", dst, network.ProbeOptions{})
		if err == nil && r.Result != network.Reply {
			err = fmt.Errorf("ping A1 -> %s: %s, want a reply", dst, r.Result)
		}
		return err
	}
}

func traceroute(l *lab.Lab) func() error {
	return func() error {
		r, err := l.Traceroute("A1", dst, network.ProbeOptions{})
		if err == nil && !r.Reached {
			err = fmt.Errorf("traceroute A1 -> %s did not reach it", dst)
		}
		return err
	}
}

// frame is one recorded frame, read back and decoded.
type frame struct {
	iface string
	at    time.Duration // since capture.Epoch
	pkt   gopacket.Packet
}

// readBack reads a capture with pcapgo, checks what every capture must
// satisfy (the interfaces of classic, timestamps that never go back, frames
// that decode as Ethernet without error) and returns its frames.
func readBack(t *testing.T, b []byte) []frame {
	t.Helper()
	r, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		ci   gopacket.CaptureInfo
		data []byte
	}
	var recs []rec
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("frame %d: %v", len(recs)+1, err)
		}
		recs = append(recs, rec{ci, data})
	}
	var ifaces []string
	for i := range r.NInterfaces() {
		ifc, err := r.Interface(i)
		if err != nil {
			t.Fatal(err)
		}
		if ifc.LinkType != layers.LinkTypeEthernet || ifc.TimestampResolution != 9 {
			t.Errorf("interface %s: link type %s, resolution %d; want Ethernet, 9 (ns)", ifc.Name, ifc.LinkType, ifc.TimestampResolution)
		}
		if !strings.HasPrefix(ifc.Description, ifc.Name+" ") {
			t.Errorf("interface %q has description %q, which does not start with its name", ifc.Name, ifc.Description)
		}
		ifaces = append(ifaces, ifc.Description)
	}
	if !slices.Equal(ifaces, classicIfaces) {
		t.Fatalf("interfaces:\n%s\nwant:\n%s", strings.Join(ifaces, "\n"), strings.Join(classicIfaces, "\n"))
	}
	var frames []frame
	var last time.Duration
	for i, x := range recs {
		at := x.ci.Timestamp.Sub(capture.Epoch)
		if at < last {
			t.Errorf("frame %d at %v, before the frame before it (%v)", i+1, at, last)
		}
		last = at
		if x.ci.CaptureLength != x.ci.Length || len(x.data) != x.ci.Length {
			t.Errorf("frame %d: %d of %d bytes captured", i+1, x.ci.CaptureLength, x.ci.Length)
		}
		pkt := gopacket.NewPacket(x.data, layers.LayerTypeEthernet, gopacket.Default)
		if e := pkt.ErrorLayer(); e != nil {
			t.Errorf("frame %d does not decode: %v", i+1, e.Error())
		}
		if pkt.Layer(layers.LayerTypeICMPv4) == nil && pkt.Layer(layers.LayerTypeARP) == nil {
			t.Errorf("frame %d holds no ICMP message and no ARP: %v", i+1, pkt)
		}
		frames = append(frames, frame{iface: strings.Fields(ifaces[x.ci.InterfaceIndex])[0], at: at, pkt: pkt})
	}
	return frames
}

// labels lists the MPLS stack of a frame, outer label first.
func labels(p gopacket.Packet) []uint32 {
	var ls []uint32
	for _, l := range p.Layers() {
		if m, ok := l.(*layers.MPLS); ok {
			ls = append(ls, m.Label)
		}
	}
	return ls
}

func icmpOf(p gopacket.Packet) (*layers.IPv4, *layers.ICMPv4) {
	ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	m, _ := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	return ip, m
}

// mplsExtension parses the RFC 4950 incoming label stack object of an ICMP
// error (RFC 4884 extension structure), checking the extension's version
// and checksum; ok is false when the message carries none.
func mplsExtension(m *layers.ICMPv4) (stack []uint32, ok bool, err error) {
	origLen := int(m.Id&0xff) * 4 // RFC 4884: the length sits in the second byte of the unused field
	if origLen == 0 {
		return nil, false, nil
	}
	if len(m.Payload) < origLen+4 {
		return nil, false, fmt.Errorf("original datagram length %d leaves no room for an extension in %d bytes", origLen, len(m.Payload))
	}
	ext := m.Payload[origLen:]
	if ext[0]>>4 != 2 {
		return nil, false, fmt.Errorf("extension version %d, want 2", ext[0]>>4)
	}
	var sum uint32
	for i := 0; i+1 < len(ext); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ext[i:]))
	}
	if len(ext)%2 == 1 {
		sum += uint32(ext[len(ext)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	if sum != 0xffff {
		return nil, false, fmt.Errorf("extension checksum does not verify (sum %#04x)", sum)
	}
	for obj := ext[4:]; len(obj) >= 4; {
		n := int(binary.BigEndian.Uint16(obj))
		if n < 4 || n > len(obj) {
			return nil, false, fmt.Errorf("object length %d in %d bytes", n, len(obj))
		}
		if obj[2] == 1 && obj[3] == 1 { // MPLS label stack class, incoming stack
			for e := obj[4:n]; len(e) >= 4; e = e[4:] {
				stack = append(stack, binary.BigEndian.Uint32(e)>>12)
			}
			return stack, true, nil
		}
		obj = obj[n:]
	}
	return nil, false, nil
}

// splitARP separates the ARP frames of a capture from the rest.
func splitARP(frames []frame) (arp, rest []frame) {
	for _, f := range frames {
		if f.pkt.Layer(layers.LayerTypeARP) != nil {
			arp = append(arp, f)
		} else {
			rest = append(rest, f)
		}
	}
	return arp, rest
}

func TestPing(t *testing.T) {
	l := startClassic(t)
	frames := readBack(t, record(t, l, ping(l)))
	// The static attachments resolve their neighbour with ARP (RFC 826)
	// before the first packet crosses: A1 asks for PE1, PE2 for A2, each
	// request broadcast and answered to the asker's MAC (the provider
	// links learned theirs from their LDP sessions, A2 learned PE2's
	// from PE2's request, so the reply needs no ARP).
	arps, frames := splitARP(frames)
	wantARP := []struct {
		iface    string
		op       uint16
		dst      string
		sender   string
		target   string
		senderHW string
	}{
		{"A1:eth1", layers.ARPRequest, "ff:ff:ff:ff:ff:ff", "100.96.0.2", "100.96.0.1", "02:00:00:05:00:01"},
		{"PE1:eth2", layers.ARPReply, "02:00:00:05:00:01", "100.96.0.1", "100.96.0.2", "02:00:00:00:00:02"},
		{"PE2:eth2", layers.ARPRequest, "ff:ff:ff:ff:ff:ff", "192.168.12.1", "192.168.12.2", "02:00:00:03:00:02"},
		{"A2:eth1", layers.ARPReply, "02:00:00:03:00:02", "192.168.12.2", "192.168.12.1", "02:00:00:06:00:01"},
	}
	if len(arps) != len(wantARP) {
		t.Fatalf("%d ARP frames, want %d", len(arps), len(wantARP))
	}
	for i, w := range wantARP {
		f := arps[i]
		eth := f.pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		a := f.pkt.Layer(layers.LayerTypeARP).(*layers.ARP)
		got := fmt.Sprintf("%s op %d to %s: %s is %s, asks %s", f.iface, a.Operation, eth.DstMAC, net.IP(a.SourceProtAddress), net.HardwareAddr(a.SourceHwAddress), net.IP(a.DstProtAddress))
		want := fmt.Sprintf("%s op %d to %s: %s is %s, asks %s", w.iface, w.op, w.dst, w.sender, w.senderHW, w.target)
		if got != want {
			t.Errorf("ARP frame %d: %s\nwant %s", i+1, got, want)
		}
	}
	// A1 -> PE1 -> P1 -> P2 -> PE2 -> A2 and back.
	wantPath := []string{"A1:eth1", "PE1:eth1", "P1:eth2", "P2:eth2", "PE2:eth2", "A2:eth1", "PE2:eth1", "P2:eth1", "P1:eth1", "PE1:eth2"}
	var path []string
	for _, f := range frames {
		path = append(path, f.iface)
	}
	if !slices.Equal(path, wantPath) {
		t.Fatalf("%d frames on %v\nwant %d on %v", len(path), path, len(wantPath), wantPath)
	}
	// Labels are local to each router (classic's label ranges: PE1
	// 100-199, P1 200-299, P2 300-399, PE2 400-499): the transport label
	// changes at every hop (202 at P1, 302 at P2, popped before PE2), and
	// VRF A's per-VRF VPN label is 404 at PE2 and 104 at PE1.
	wantLabels := [][]uint32{nil, {202, 404}, {302, 404}, {404}, nil, nil, {300, 104}, {200, 104}, {104}, nil}
	for i, f := range frames {
		if got := labels(f.pkt); !slices.Equal(got, wantLabels[i]) {
			t.Errorf("frame %d leaving %s has labels %v, want %v", i+1, f.iface, got, wantLabels[i])
		}
		ip, m := icmpOf(f.pkt)
		want, to := uint8(layers.ICMPv4TypeEchoRequest), "10.1.2.1"
		if i >= 5 {
			want, to = layers.ICMPv4TypeEchoReply, "10.1.1.1"
		}
		if m.TypeCode.Type() != want || ip.DstIP.String() != to {
			t.Errorf("frame %d on %s is %v to %s, want type %d to %s", i+1, f.iface, m.TypeCode, ip.DstIP, want, to)
		}
	}
}

func TestTraceroute(t *testing.T) {
	l := startClassic(t)
	frames := readBack(t, record(t, l, traceroute(l)))
	// Each hop's time exceeded, as every link it crosses records it; the
	// egress PE answers from its VRF interface (as IOS does), with the
	// VPN label it received.
	want := map[string][]uint32{"100.64.0.1": {202, 404}, "100.64.0.3": {302, 404}, "192.168.12.1": {404}}
	seen := map[string]int{}
	lastTTL := map[string]uint8{}
	for i, f := range frames {
		ip, m := icmpOf(f.pkt)
		if m == nil || m.TypeCode.Type() != layers.ICMPv4TypeTimeExceeded {
			continue
		}
		stack, ok, err := mplsExtension(m)
		if err != nil {
			t.Errorf("frame %d on %s: time exceeded from %s: %v", i+1, f.iface, ip.SrcIP, err)
			continue
		}
		src := ip.SrcIP.String()
		w, inCore := want[src]
		switch {
		case !inCore && ok:
			t.Errorf("frame %d on %s: time exceeded from %s carries labels %v; only a router that received labels reports them", i+1, f.iface, src, stack)
		case inCore && !slices.Equal(stack, w):
			t.Errorf("frame %d on %s: time exceeded from %s reports labels %v (extension found: %v), want %v", i+1, f.iface, src, stack, ok, w)
		}
		seen[src]++
		// an ICMP error starts at TTL 255 (IOS) and its IP TTL only falls
		// on its way back, labels or not
		if last, ok := lastTTL[src]; ok && ip.TTL > last {
			t.Errorf("frame %d on %s: time exceeded from %s has IP TTL %d, up from %d", i+1, f.iface, src, ip.TTL, last)
		}
		lastTTL[src] = ip.TTL
	}
	for src := range want {
		if seen[src] == 0 {
			t.Errorf("no time exceeded from %s in the capture", src)
		}
	}
	if seen["100.96.0.1"] == 0 {
		t.Errorf("no time exceeded from PE1 (100.96.0.1) in the capture")
	}
}

// TestSameBytes: two runs on fresh networks give byte-identical captures.
func TestSameBytes(t *testing.T) {
	var runs [2][]byte
	for i := range runs {
		l := startClassic(t)
		runs[i] = record(t, l, ping(l))
		l.Close()
	}
	if !bytes.Equal(runs[0], runs[1]) {
		t.Fatalf("two captures of the same ping differ (%d and %d bytes)", len(runs[0]), len(runs[1]))
	}
}

// TestGolden compares a text dump of each capture, one line per frame, with
// testdata/NAME.golden; each probe runs on a fresh network.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		probe func(*lab.Lab) func() error
	}{
		{"ping", ping},
		{"traceroute", traceroute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startClassic(t)
			var b strings.Builder
			for _, f := range readBack(t, record(t, l, tc.probe(l))) {
				fmt.Fprintf(&b, "%s %-8s %s\n", fmtTime(f.at), f.iface, summary(f.pkt))
			}
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./capture -update creates it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("dump differs from %s (go test ./capture -update rewrites it):\n%s", golden, b.String())
			}
		})
	}
}

// fmtTime prints a duration as seconds with nine decimals.
func fmtTime(d time.Duration) string {
	return fmt.Sprintf("%d.%09d", d/time.Second, d%time.Second)
}

// summary is one line of headers: Ethernet addresses, the MPLS stack, IPv4
// and ICMP.
func summary(p gopacket.Packet) string {
	var parts []string
	for _, l := range p.Layers() {
		switch h := l.(type) {
		case *layers.Ethernet:
			parts = append(parts, fmt.Sprintf("%s > %s", h.SrcMAC, h.DstMAC))
		case *layers.MPLS:
			parts = append(parts, fmt.Sprintf("MPLS %d tc %d ttl %d", h.Label, h.TrafficClass, h.TTL))
		case *layers.IPv4:
			parts = append(parts, fmt.Sprintf("IPv4 %s > %s ttl %d len %d", h.SrcIP, h.DstIP, h.TTL, h.Length))
		case *layers.ICMPv4:
			s := "ICMP " + h.TypeCode.String()
			switch h.TypeCode.Type() {
			case layers.ICMPv4TypeEchoRequest, layers.ICMPv4TypeEchoReply:
				s += fmt.Sprintf(" id %d seq %d", h.Id, h.Seq)
			default:
				if stack, ok, err := mplsExtension(h); err != nil {
					s += " bad extension: " + err.Error()
				} else if ok {
					s += fmt.Sprintf(" extension MPLS %v", stack)
				}
			}
			parts = append(parts, s)
		case *layers.ARP:
			if h.Operation == layers.ARPRequest {
				parts = append(parts, fmt.Sprintf("ARP who-has %s tell %s", net.IP(h.DstProtAddress), net.IP(h.SourceProtAddress)))
			} else {
				parts = append(parts, fmt.Sprintf("ARP reply %s is-at %s", net.IP(h.SourceProtAddress), net.HardwareAddr(h.SourceHwAddress)))
			}
		}
	}
	return strings.Join(parts, " | ")
}

// TestWriteCaptureFile writes a capture for scripts/check-capture.sh:
//
//	go test ./capture -run TestWriteCaptureFile -args -out FILE
//
// Without -out it does nothing.
func TestWriteCaptureFile(t *testing.T) {
	if *out == "" {
		t.Skip("no -out FILE given")
	}
	l := startClassic(t)
	if err := os.WriteFile(*out, record(t, l, traceroute(l)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// An address nobody owns (the network address of PE2–A2's /30) is asked
// for three times, one second apart, by PE2 on its way to A2; then the
// packet's source gets host unreachable (type 3 code 1) from PE2's VRF
// interface, not a provider address (RFC 826, RFC 1812 4.3.3.1).
func TestARPUnresolved(t *testing.T) {
	l := startClassic(t)
	to := netip.MustParseAddr("192.168.12.0")
	frames := readBack(t, record(t, l, func() error {
		r, err := l.Ping("A1", to, network.ProbeOptions{})
		if err == nil && (r.Result != network.Unreachable || r.ReplyFrom != "PE2") {
			err = fmt.Errorf("ping A1 -> %s: %s from %s, want unreachable from PE2", to, r.Result, r.ReplyFrom)
		}
		return err
	}))
	var asks []time.Duration
	var unreach []string
	for _, f := range frames {
		if a, ok := f.pkt.Layer(layers.LayerTypeARP).(*layers.ARP); ok {
			if a.Operation == layers.ARPReply && net.IP(a.SourceProtAddress).String() == to.String() {
				t.Errorf("%s: someone answered for %s", f.iface, to)
			}
			if a.Operation == layers.ARPRequest && net.IP(a.DstProtAddress).String() == to.String() {
				if f.iface != "PE2:eth2" || net.IP(a.SourceProtAddress).String() != "192.168.12.1" {
					t.Errorf("request for %s on %s from %s, want PE2:eth2 from 192.168.12.1", to, f.iface, net.IP(a.SourceProtAddress))
				}
				asks = append(asks, f.at)
			}
			continue
		}
		ip, m := icmpOf(f.pkt)
		if m != nil && m.TypeCode.Type() == layers.ICMPv4TypeDestinationUnreachable {
			if m.TypeCode.Code() != layers.ICMPv4CodeHost || ip.SrcIP.String() != "192.168.12.1" || ip.DstIP.String() != "10.1.1.1" {
				t.Errorf("%s: unreachable code %d from %s to %s, want host unreachable (1) from 192.168.12.1 to 10.1.1.1", f.iface, m.TypeCode.Code(), ip.SrcIP, ip.DstIP)
			}
			unreach = append(unreach, f.iface)
		}
		if ip != nil && ip.DstIP.String() == to.String() && f.iface == "PE2:eth2" {
			t.Errorf("the echo request left PE2 toward an address nobody owns")
		}
	}
	if len(asks) != 3 || asks[1]-asks[0] != time.Second || asks[2]-asks[1] != time.Second {
		t.Errorf("ARP requests at %v, want three, a second apart", asks)
	}
	if len(unreach) == 0 || unreach[len(unreach)-1] != "PE1:eth2" {
		t.Errorf("host unreachable seen on %v, want it last on PE1:eth2 (toward A1)", unreach)
	}
}
