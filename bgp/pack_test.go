package bgp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"testing"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// packed runs msgs through a packer as the relay's pump does (each
// message read, pushed, the batch flushed at the end) and returns what it
// would write.
func packed(on bool, msgs [][]byte) []byte {
	pk := packer{on: on}
	var batch []byte
	for _, m := range msgs {
		start := len(batch)
		batch = append(batch, m...)
		batch = pk.push(batch, start, m[18])
	}
	return pk.flush(batch)
}

// splitMessages cuts a stream into whole messages; it fails the test on a
// bad header or a message longer than RFC 4271 allows.
func splitMessages(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < headerLen {
			t.Fatalf("%d bytes left over, less than a header", len(b))
		}
		if fe := checkHeader(b[:headerLen]); fe != nil {
			t.Fatalf("bad header: %s", fe.what)
		}
		n := int(binary.BigEndian.Uint16(b[16:18]))
		if n > len(b) {
			t.Fatalf("message of %d bytes, %d left", n, len(b))
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// routesOf decodes msgs with GoBGP and lists what they carry, one line per
// NLRI (or per message that is not an UPDATE), in order: what a receiver
// would act on.
func routesOf(t testing.TB, msgs [][]byte) []string {
	t.Helper()
	var out []string
	for _, m := range msgs {
		msg, err := bgp.ParseBGPMessage(m)
		if err != nil {
			t.Fatalf("GoBGP cannot parse % x: %v", m, err)
		}
		u, ok := msg.Body.(*bgp.BGPUpdate)
		if !ok {
			out = append(out, fmt.Sprintf("type %d", m[18]))
			continue
		}
		var other []string
		var reach *bgp.PathAttributeMpReachNLRI
		var unreach *bgp.PathAttributeMpUnreachNLRI
		for _, a := range u.PathAttributes {
			switch a := a.(type) {
			case *bgp.PathAttributeMpReachNLRI:
				reach = a
			case *bgp.PathAttributeMpUnreachNLRI:
				unreach = a
			default:
				other = append(other, a.String())
			}
		}
		switch {
		case reach != nil:
			for _, n := range reach.Value {
				out = append(out, fmt.Sprintf("reach %v nh %v %v", n, reach.Nexthop, other))
			}
		case unreach != nil && len(unreach.Value) == 0:
			out = append(out, fmt.Sprintf("end-of-rib %d/%d", unreach.AFI, unreach.SAFI))
		case unreach != nil:
			for _, n := range unreach.Value {
				out = append(out, fmt.Sprintf("withdraw %v", n))
			}
		default:
			for _, n := range u.WithdrawnRoutes {
				out = append(out, fmt.Sprintf("withdraw %v", n))
			}
			for _, n := range u.NLRI {
				out = append(out, fmt.Sprintf("reach %v %v", n, other))
			}
		}
	}
	return out
}

func serialize(t testing.TB, m *bgp.BGPMessage) []byte {
	t.Helper()
	b, err := m.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vpnAnnounce is one VPNv4 route in an UPDATE of its own, as GoBGP sends
// it: the attributes of a PE's route, route target rt, next hop nh.
func vpnAnnounce(t testing.TB, i int, nh string, rt vrf.RouteTarget, origin uint8) []byte {
	t.Helper()
	p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
	ec, err := bgp.ParseExtended(rt[:])
	if err != nil {
		t.Fatal(err)
	}
	return serialize(t, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(origin),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{65101})}),
		bgp.NewPathAttributeLocalPref(100),
		bgp.NewPathAttributeMpReachNLRI(nh, []bgp.AddrPrefixInterface{vpnNLRI(rd1, p, mpls.Label(16+i))}),
		bgp.NewPathAttributeExtendedCommunities([]bgp.ExtendedCommunityInterface{ec}),
	}, nil))
}

func vpnWithdraw(t testing.TB, i int) []byte {
	t.Helper()
	p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
	return serialize(t, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{vpnNLRI(rd1, p, 0)}),
	}, nil))
}

func TestPackUpdates(t *testing.T) {
	a := func(i int) []byte { return vpnAnnounce(t, i, "10.255.0.1", rtA, 0) }
	keepalive := append(append([]byte{}, marker...), 0, headerLen, msgKeepalive)
	eor := serialize(t, bgp.NewEndOfRib(bgp.RF_IPv4_VPN))
	settle := serialize(t, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeMpReachNLRI("0.0.0.0", []bgp.AddrPrefixInterface{bgp.NewOpaqueNLRI([]byte(markerKey), make([]byte, markerValue))}),
	}, nil))
	ipv4 := serialize(t, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath(nil),
		bgp.NewPathAttributeNextHop("192.168.1.1"),
	}, []*bgp.IPAddrPrefix{bgp.NewIPAddrPrefix(24, "192.168.9.0")}))
	many := func(n int) [][]byte {
		var out [][]byte
		for i := range n {
			out = append(out, a(i))
		}
		return out
	}
	cases := []struct {
		name string
		in   [][]byte
		want int // messages written
	}{
		{"same attributes: one UPDATE", many(3), 1},
		{"another route target ends a pack", [][]byte{a(1), a(2), vpnAnnounce(t, 3, "10.255.0.1", rtB, 0), a(4)}, 3},
		{"another next hop ends a pack", [][]byte{a(1), vpnAnnounce(t, 2, "10.255.0.2", rtA, 0), a(3)}, 3},
		{"another ORIGIN ends a pack", [][]byte{a(1), vpnAnnounce(t, 2, "10.255.0.1", rtA, 2)}, 2},
		{"withdrawals pack", [][]byte{vpnWithdraw(t, 1), vpnWithdraw(t, 2), vpnWithdraw(t, 3)}, 1},
		{"announcements, then withdrawals", [][]byte{a(1), a(2), vpnWithdraw(t, 3), vpnWithdraw(t, 4)}, 2},
		{"a KEEPALIVE passes between packs", [][]byte{a(1), a(2), keepalive, a(3)}, 3},
		{"a settle marker is never packed", [][]byte{a(1), settle, settle, a(2)}, 4},
		{"End-of-RIB is never packed", [][]byte{a(1), eor, vpnWithdraw(t, 2), eor}, 4},
		{"IPv4 unicast passes as it is", [][]byte{ipv4, ipv4, a(1)}, 3},
		{"a lone UPDATE passes byte for byte", [][]byte{a(1)}, 1},
		{"no more than 4096 bytes a message", many(600), 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := splitMessages(t, packed(true, c.in))
			if len(out) != c.want {
				t.Errorf("%d messages written, want %d", len(out), c.want)
			}
			for _, m := range out {
				if len(m) > maxMessageLen {
					t.Errorf("a message of %d bytes", len(m))
				}
			}
			got, want := routesOf(t, out), routesOf(t, c.in)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("routes differ:\n got %q\nwant %q", got, want)
			}
			if len(c.in) == 1 && !bytes.Equal(out[0], c.in[0]) {
				t.Errorf("a lone UPDATE changed:\n got % x\nwant % x", out[0], c.in[0])
			}
			if off := packed(false, c.in); !bytes.Equal(off, bytes.Join(c.in, nil)) {
				t.Error("with packing off the bytes changed")
			}
		})
	}
}

// TestPackLongAttribute: a pack whose MP_REACH_NLRI outgrows 255 bytes
// takes the extended-length flag (RFC 4271 section 4.3), and GoBGP reads
// it back.
func TestPackLongAttribute(t *testing.T) {
	var in [][]byte
	for i := range 40 {
		in = append(in, vpnAnnounce(t, i, "10.255.0.1", rtA, 0))
	}
	out := splitMessages(t, packed(true, in))
	if len(out) != 1 {
		t.Fatalf("%d messages, want 1", len(out))
	}
	u, ok := splitMP(out[0])
	if !ok || u.flags&0x10 == 0 || len(u.head)+len(u.nlri) <= 255 {
		t.Errorf("MP_REACH_NLRI flags %#x, %d bytes: want extended length over 255", u.flags, len(u.head)+len(u.nlri))
	}
	if got, want := routesOf(t, out), routesOf(t, in); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("routes differ:\n got %q\nwant %q", got, want)
	}
}

// packKey is what must be equal for two UPDATEs to share a pack, or the
// whole message when it cannot be packed.
func packKey(m []byte) (key string, nlri []byte) {
	u, ok := splitMP(m)
	if !ok {
		return "whole " + string(m), nil
	}
	return fmt.Sprintf("%d %d %x %x %x", u.typ, u.flags&^0x10, u.before, u.head, u.after), u.nlri
}

// normalized lists a stream's messages by packKey, runs of one key joined
// with their NLRIs concatenated: packing must not change it.
func normalized(msgs [][]byte) []string {
	var out []string
	last := ""
	for _, m := range msgs {
		k, nlri := packKey(m)
		if nlri != nil && k == last {
			out[len(out)-1] += fmt.Sprintf("%x", nlri)
			continue
		}
		if nlri != nil {
			out = append(out, k+" "+fmt.Sprintf("%x", nlri))
			last = k
		} else {
			out = append(out, k)
			last = ""
		}
	}
	return out
}

// FuzzPackUpdates: any sequence of well-framed messages packs without a
// panic into well-framed messages of at most 4096 bytes that carry the
// same thing: each NLRI in order with the same attributes, every message
// that cannot be packed byte for byte.
func FuzzPackUpdates(f *testing.F) {
	for _, seq := range [][][]byte{
		{vpnAnnounce(f, 1, "10.255.0.1", rtA, 0), vpnAnnounce(f, 2, "10.255.0.1", rtA, 0), vpnWithdraw(f, 3)},
		{vpnWithdraw(f, 1), vpnWithdraw(f, 2), serialize(f, bgp.NewEndOfRib(bgp.RF_IPv4_VPN))},
	} {
		var bodies []byte
		for _, m := range seq {
			bodies = binary.BigEndian.AppendUint16(bodies, uint16(len(m)-headerLen))
			bodies = append(bodies, m[headerLen:]...)
		}
		f.Add(bodies)
	}
	f.Fuzz(func(t *testing.T, bodies []byte) {
		// bodies: UPDATE bodies, each behind a two-byte length.
		var in [][]byte
		for len(bodies) >= 2 {
			n := int(binary.BigEndian.Uint16(bodies))
			bodies = bodies[2:]
			if n > len(bodies) || n+headerLen > maxMessageLen || n < 4 {
				return
			}
			m := append(append([]byte{}, marker...), 0, 0, msgUpdate)
			binary.BigEndian.PutUint16(m[16:], uint16(headerLen+n))
			in = append(in, append(m, bodies[:n]...))
			bodies = bodies[n:]
		}
		if len(in) == 0 {
			return
		}
		out := splitMessages(t, packed(true, in))
		if got, want := normalized(out), normalized(in); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("packing changed what the messages carry:\n got %q\nwant %q", got, want)
		}
	})
}

// TestRelayPacks runs UPDATEs through a relay, all written at once (so the
// relay has them at hand together): with packing the receiver gets fewer
// messages carrying the same routes, the counts say so, and without it
// the bytes pass unchanged.
func TestRelayPacks(t *testing.T) {
	var in [][]byte
	for i := range 100 {
		in = append(in, vpnAnnounce(t, i, "10.255.0.1", rtA, 0))
	}
	in = append(in, vpnWithdraw(t, 1), vpnWithdraw(t, 2), vpnWithdraw(t, 3))
	stream := bytes.Join(in, nil)
	for _, pack := range []bool{true, false} {
		t.Run(fmt.Sprintf("pack=%v", pack), func(t *testing.T) {
			a, toA := net.Pipe()
			b, toB := net.Pipe()
			r := newRelay(toA, toB, relayEvents{pack: pack})
			defer r.close()
			go a.Write(stream)
			want := routesOf(t, in)
			var got []string
			var msgs [][]byte
			var received []byte
			for len(got) < len(want) {
				hdr := make([]byte, headerLen)
				if _, err := io.ReadFull(b, hdr); err != nil {
					t.Fatal(err)
				}
				m := append(hdr, make([]byte, int(binary.BigEndian.Uint16(hdr[16:18]))-headerLen)...)
				if _, err := io.ReadFull(b, m[headerLen:]); err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, m)
				received = append(received, m...)
				got = append(got, routesOf(t, [][]byte{m})...)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("routes differ:\n got %q\nwant %q", got, want)
			}
			// The counts are added once the write the receiver just read
			// returns: final once the relay has ended.
			r.close()
			d := &r.dirs[0]
			if d.writtenUpdates.Load() != uint64(len(in)) || d.routeUpdates.Load() != uint64(len(in)) || d.wireUpdates.Load() != uint64(len(msgs)) {
				t.Errorf("counted %d written, %d routes, %d on the wire; want %d, %d, %d",
					d.writtenUpdates.Load(), d.routeUpdates.Load(), d.wireUpdates.Load(), len(in), len(in), len(msgs))
			}
			switch {
			case pack && len(msgs) >= len(in)/10:
				t.Errorf("%d messages for %d UPDATEs: not packed", len(msgs), len(in))
			case !pack && !bytes.Equal(received, stream):
				t.Error("without packing the bytes changed")
			}
		})
	}
}
