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
