package lab

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// extRouter is a router outside the model, played by the test with raw
// BGP messages from 127.0.0.50.
type extRouter struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialExt(t *testing.T, to netip.AddrPort) *extRouter {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 50)}}
	c, err := d.Dial("tcp4", to.String())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second)) // only against a hung test
	t.Cleanup(func() { c.Close() })
	return &extRouter{t: t, c: c, r: bufio.NewReader(c)}
}

func (x *extRouter) send(m *bgp.BGPMessage) {
	x.t.Helper()
	b, err := m.Serialize()
	if err == nil {
		_, err = x.c.Write(b)
	}
	if err != nil {
		x.t.Fatal(err)
	}
}

func (x *extRouter) read() (*bgp.BGPMessage, error) {
	hdr := make([]byte, 19)
	if _, err := io.ReadFull(x.r, hdr); err != nil {
		return nil, err
	}
	body := make([]byte, int(binary.BigEndian.Uint16(hdr[16:18]))-19)
	if _, err := io.ReadFull(x.r, body); err != nil {
		return nil, err
	}
	return bgp.ParseBGPMessage(append(hdr, body...))
}

func (x *extRouter) readUntil(typ uint8) *bgp.BGPMessage {
	x.t.Helper()
	for {
		m, err := x.read()
		if err != nil {
			x.t.Fatalf("reading until a message of type %d: %v", typ, err)
		}
		if m.Header.Type == typ {
			return m
		}
	}
}

// establish opens an iBGP VPNv4 session in AS 65000 (router ID 10.255.0.50).
func (x *extRouter) establish() {
	x.t.Helper()
	caps := []bgp.ParameterCapabilityInterface{bgp.NewCapMultiProtocol(bgp.RF_IPv4_VPN), bgp.NewCapFourOctetASNumber(65000)}
	x.send(bgp.NewBGPOpenMessage(65000, 90, "10.255.0.50", []bgp.OptionParameterInterface{bgp.NewOptionParameterCapability(caps)}))
	x.readUntil(bgp.BGP_MSG_OPEN)
	x.send(bgp.NewBGPKeepAliveMessage())
	x.readUntil(bgp.BGP_MSG_KEEPALIVE)
}

// advertise sends one VPN route with route target 65000:1 (VRF A's).
func (x *extRouter) advertise(rd, prefix, nextHop string, label uint32) {
	x.t.Helper()
	p := netip.MustParsePrefix(prefix)
	d := vrf.MustParseRD(rd)
	nlri := bgp.NewLabeledVPNIPAddrPrefix(uint8(p.Bits()), p.Addr().String(), *bgp.NewMPLSLabelStack(label), bgp.GetRouteDistinguisher(d[:]))
	rt := vrf.MustParseRouteTarget("65000:1")
	ec, err := bgp.ParseExtended(rt[:])
	if err != nil {
		x.t.Fatal(err)
	}
	x.send(bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(bgp.BGP_ORIGIN_ATTR_TYPE_IGP),
		bgp.NewPathAttributeAsPath(nil),
		bgp.NewPathAttributeLocalPref(100),
		bgp.NewPathAttributeMpReachNLRI(nextHop, []bgp.AddrPrefixInterface{nlri}),
		bgp.NewPathAttributeExtendedCommunities([]bgp.ExtendedCommunityInterface{ec}),
	}, nil))
}

// startExternal starts classic with an external peer of RR1 at 127.0.0.50,
// listening on a free port of 127.0.0.1.
func startExternal(t *testing.T) *Lab {
	t.Helper()
	data, err := os.ReadFile("../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "external-peers:\n  - {name: frr1, address: 127.0.0.50, peer-of: RR1, listen: 127.0.0.1:1790}\n"...)
	topo, _, err := topologies.Parse("classic-external.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	topo.ExternalPeers[0].Listen = netip.MustParseAddrPort("127.0.0.1:0") // any free port: tests share the machine
	return startTopo(t, topo)
}

// convergeUntil converges whenever the BGP fabric reports a change, until
// cond holds (a route from outside arrives when the router sends it).
func convergeUntil(t *testing.T, l *Lab, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for converge(t, l); !cond(); converge(t, l) {
		select {
		case <-l.Fabric().Changed():
		case <-deadline.C:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func TestExternalRoutesUnresolved(t *testing.T) {
	l := startExternal(t)
	e := l.Fabric().ExternalPeers()[0]
	if st := e.State(); !st.Desired || st.Established {
		t.Fatalf("before any connection: %+v", st)
	}
	x := dialExt(t, e.ListenAddr())
	x.establish()

	// The reflector sends the router every VPN route of the model.
	got := map[string]bool{}
	want := []string{
		"65000:1:10.1.1.0/24 via 10.0.0.1", "65000:1:10.1.2.0/24 via 10.0.0.4", "65000:1:100.96.0.0/30 via 10.0.0.1", "65000:1:192.168.12.0/30 via 10.0.0.4",
		"65000:2:10.1.1.0/24 via 10.0.0.1", "65000:2:10.1.2.0/24 via 10.0.0.4", "65000:2:100.96.0.4/30 via 10.0.0.1", "65000:2:100.96.0.8/30 via 10.0.0.4",
	}
	for len(got) < len(want) {
		for _, a := range x.readUntil(bgp.BGP_MSG_UPDATE).Body.(*bgp.BGPUpdate).PathAttributes {
			if mp, ok := a.(*bgp.PathAttributeMpReachNLRI); ok {
				for _, n := range mp.Value {
					got[n.String()+" via "+mp.Nexthop.String()] = true
				}
			}
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("the router did not get %s (got %v)", w, got)
		}
	}

	// Two routes for VRF A: one with a next hop outside the model, one
	// that names PE2's loopback, to which an LSP exists. Neither is used.
	// The first is no candidate at the reflector at all (its next hop does
	// not resolve, RFC 4271 section 9.1.2.1), so it is never reflected,
	// and neither is a third that copies a PE's route (same RD and prefix,
	// ORIGIN IGP where the PE's redistributed route has incomplete: it
	// would win if it counted) with that next hop: the working route stays.
	x.advertise("65000:99", "10.99.0.0/24", "192.0.2.50", 555)
	x.advertise("65000:98", "10.98.0.0/24", "10.0.0.4", 100000)
	x.advertise("65000:1", "10.1.2.0/24", "192.0.2.50", 556)
	rrHas := func(rd, prefix string) (valid, best bool, ok bool) {
		paths, v, b, err := l.VPNTable("RR1")
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range paths {
			if p.RD.String() == rd && p.Prefix.String() == prefix && p.FromPeer == "frr1" {
				return v[i], b[i], true
			}
		}
		return false, false, false
	}
	convergeUntil(t, l, "both PEs show the routes", func() bool {
		_, _, ok := rrHas("65000:1", "10.1.2.0/24")
		return ok && len(l.Unresolved("PE1", "A")) == 1 && len(l.Unresolved("PE2", "A")) == 1
	})
	for _, c := range []struct{ rd, prefix string }{{"65000:99", "10.99.0.0/24"}, {"65000:1", "10.1.2.0/24"}} {
		if valid, best, _ := rrHas(c.rd, c.prefix); valid || best {
			t.Errorf("RR1 counts %s:%s via 192.0.2.50 as a candidate (valid %v, best %v)", c.rd, c.prefix, valid, best)
		}
	}
	for _, pe := range []string{"PE1", "PE2"} {
		if u := l.Unresolved(pe, "B"); len(u) != 0 {
			t.Errorf("%s VRF B took routes with another route target: %v", pe, u)
		}
		a, _ := l.VRF(pe, "A")
		for _, p := range []string{"10.98.0.0/24", "10.99.0.0/24"} {
			if r := a.Exact(netip.MustParsePrefix(p)); r != nil {
				t.Errorf("%s installed %s from outside the model: %+v", pe, p, r)
			}
		}
	}
	u := l.Unresolved("PE1", "A")
	if u[0].Prefix.String() != "10.98.0.0/24" || u[0].NextHop.String() != "10.0.0.4" || u[0].RD.String() != "65000:98" || u[0].Label != 100000 {
		t.Errorf("PE1 VRF A unresolved: %+v", u[0])
	}

	// Not forwarded: the ingress PE has no route and says so; the
	// model's own traffic flows.
	for _, c := range []struct {
		from, to        string
		result, replier string
	}{
		{"A1", "10.99.0.1", "unreachable", "PE1"}, {"A1", "10.98.0.1", "unreachable", "PE1"},
		{"A2", "10.99.0.1", "unreachable", "PE2"}, {"B1", "10.99.0.1", "unreachable", "PE1"},
		{"A1", "10.1.2.1", "reply", "A2"},
	} {
		r, err := l.Ping(c.from, netip.MustParseAddr(c.to), network.ProbeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Result != c.result || r.ReplyFrom != c.replier || (c.result == "unreachable" && r.Reason != sim.DropNoRoute) {
			t.Errorf("ping %s %s: %+v, want %s from %s", c.from, c.to, r, c.result, c.replier)
		}
	}

	var b bytes.Buffer
	for _, s := range []struct{ node, table, vrf string }{
		{"PE1", "routes", "A"}, {"PE1", "routes", "B"}, {"PE1", "vpnv4", ""}, {"RR1", "vpnv4", ""}, {"RR1", "bgp", ""},
	} {
		b.WriteString("==== " + s.node + " " + s.table + " " + s.vrf + "\n")
		if err := showText(l, &b, s.node, s.table, s.vrf); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "external-show.golden", b.Bytes())
	var js bytes.Buffer
	if err := showJSON(l, &js, "PE2", "routes", "A"); err != nil {
		t.Fatal(err)
	}
	var tbl struct{ Rows []map[string]string }
	if err := json.Unmarshal(js.Bytes(), &tbl); err != nil {
		t.Fatal(err)
	}
	unres := 0
	for _, r := range tbl.Rows {
		if r["code"] == "u" {
			unres++
			if r["via"] != "-" || r["labels"] != "-" {
				t.Errorf("unresolved row %v", r)
			}
		}
	}
	if unres != 1 {
		t.Errorf("PE2 VRF A JSON has %d unresolved rows: %s", unres, js.String())
	}

	// RR1 fails: the router's session closes and its routes go.
	if err := l.FailNode("RR1"); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	for {
		if _, err := x.read(); err != nil {
			break
		}
	}
	convergeUntil(t, l, "the routes are gone", func() bool {
		return len(l.Unresolved("PE1", "A")) == 0 && !e.State().Established
	})
	if e.State().Desired {
		t.Errorf("the external peer of a failed RR1 is still accepted")
	}
	if err := l.RestoreNode("RR1"); err != nil {
		t.Fatal(err)
	}
	converge(t, l)
	if !e.State().Desired {
		t.Errorf("the external peer of RR1 is not accepted once RR1 is back")
	}
}
