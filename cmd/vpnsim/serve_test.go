package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

// TestServeExternalPeers: serve prints, for each external peer, where it is
// accepted and what the router needs, and reports a refused connection.
func TestServeExternalPeers(t *testing.T) {
	data, err := os.ReadFile("../../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "external-peers:\n  - {name: frr1, address: 127.0.0.50, peer-of: RR1, listen: 127.0.0.1:1790}\n"...)
	topo, _, err := topologies.Parse("ext.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	topo.ExternalPeers[0].Listen = netip.MustParseAddrPort("127.0.0.1:0") // a free port
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	listen := l.Fabric().ExternalPeers()[0].ListenAddr()

	var b bytes.Buffer
	printExternalPeers(&b, l)
	want := "External peers (real routers connect here; docs/real-peers.md):\n" +
		"  frr1       route-reflector client of RR1 listening on " + listen.String() +
		": connect from 127.0.0.50, AS 65000 (iBGP), address family VPNv4 (AFI 1, SAFI 128), a router ID other than 10.0.0.10; RR1 never dials\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}

	var events bytes.Buffer
	ev := newEventLog(&events)
	ev.report(l)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 9)}}
	c, err := d.Dial("tcp4", listen.String())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second)) // only against a hung test
	io.Copy(io.Discard, c)                          // the Cease, then the close
	c.Close()
	ev.report(l)
	if got := events.String(); !strings.Contains(got, "  RR1 refused a connection from 127.0.0.9:") ||
		!strings.Contains(got, ": only frr1 at 127.0.0.50 may connect to "+listen.String()+"\n") {
		t.Errorf("events:\n%s", got)
	}
}

// TestServeExternalSessionDownReason: the event line of an external
// session going down says why, with the NOTIFICATION's code and subcode
// and who sent it.
func TestServeExternalSessionDownReason(t *testing.T) {
	data, err := os.ReadFile("../../topologies/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "external-peers:\n  - {name: frr1, address: 127.0.0.50, peer-of: RR1, listen: 127.0.0.1:1790}\n"...)
	topo, _, err := topologies.Parse("ext.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	topo.ExternalPeers[0].Listen = netip.MustParseAddrPort("127.0.0.1:0") // a free port
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	peer := l.Fabric().ExternalPeers()[0]
	var events bytes.Buffer
	ev := newEventLog(&events)
	ev.report(l)
	waitPeer := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			select {
			case <-l.Fabric().Changed():
			case <-ctx.Done():
				t.Fatalf("timed out waiting until %s", what)
			}
		}
		ev.report(l)
	}

	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 50)}}
	c, err := d.Dial("tcp4", peer.ListenAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second)) // only against a hung test
	msg := func(typ byte, body ...byte) []byte {
		b := append(bytes.Repeat([]byte{0xff}, 16), byte(0), byte(19+len(body)), typ)
		return append(b, body...)
	}
	// OPEN: version 4, AS 65000, hold time 90, router ID 10.255.0.50, the
	// multiprotocol capability for VPNv4 (AFI 1, SAFI 128).
	open := msg(1, 4, 0xfd, 0xe8, 0, 90, 10, 255, 0, 50, 8, 2, 6, 1, 4, 0, 1, 0, 128)
	if _, err := c.Write(append(open, msg(4)...)); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, c) // what RR1 sends
	waitPeer("the session is established", func() bool { return peer.State().Established })
	// The router shuts the session down: Cease, Administrative Shutdown.
	if _, err := c.Write(msg(3, 6, 2)); err != nil {
		t.Fatal(err)
	}
	waitPeer("the session is down", func() bool { return !peer.State().Established })
	want := "  external session RR1–frr1 down: frr1 sent NOTIFICATION 6/2 (Cease, Administrative Shutdown)\n"
	if got := events.String(); !strings.Contains(got, "  external session RR1–frr1 up (from 127.0.0.50, hold time 90 s)\n") || !strings.Contains(got, want) {
		t.Errorf("events:\n%s\nwant a line ending %q", got, want)
	}
}
