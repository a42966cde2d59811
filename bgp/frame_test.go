package bgp

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
)

// FuzzRelayFraming feeds any bytes to a relay as if a router sent them: the
// relay never panics, and what reaches the speaker is whole, well-framed
// messages, exactly the longest such run the input starts with (what came
// before a bad header included); a bad header ends the relay with a
// Message Header Error NOTIFICATION back to the sender.
func FuzzRelayFraming(f *testing.F) {
	keepalive := append(bytes.Clone(marker), 0, 19, msgKeepalive)
	f.Add(keepalive)
	f.Add(append(bytes.Clone(keepalive), keepalive...))
	f.Add(append(bytes.Clone(marker), 0x13, 0x88, msgUpdate))
	f.Add(append(bytes.Clone(keepalive[:18]), 9))
	f.Add(append(bytes.Clone(keepalive), 0xff, 0xff))
	f.Add(append(bytes.Clone(keepalive), append([]byte{0}, keepalive[1:]...)...)) // a good message, then a bad marker
	f.Add(rawUpdate(nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		router, fromRouter := tcpPair(t)
		toSpeaker, speaker := tcpPair(t)
		r := newRelay(toSpeaker, fromRouter, relayEvents{})
		back := make(chan []byte)
		go func() { b, _ := io.ReadAll(router); back <- b }()
		got := make(chan []byte)
		go func() { b, _ := io.ReadAll(speaker); got <- b }()
		router.Write(data)  // fails when the relay stopped early and reset the connection
		router.CloseWrite() // the relay reads to the end, then stops
		forwarded := <-got
		notified := <-back
		r.close()
		router.Close()
		speaker.Close()

		want, bad := wellFramed(data)
		if !bytes.Equal(forwarded, want) {
			t.Fatalf("forwarded % x, want % x", forwarded, want)
		}
		// Bytes after a bad header stay unread, so closing the connection
		// may reset it and the router lose the NOTIFICATION.
		if bad != nil && !(len(notified) == 0 && len(data) > len(want)+headerLen) {
			if len(notified) < 21 || notified[18] != msgNotification || notified[19] != errMessageHeader || notified[20] != bad.subcode {
				t.Fatalf("after %v the router got % x", bad, notified)
			}
		} else if len(notified) != 0 {
			t.Fatalf("the router got % x", notified)
		}
	})
}

// tcpPair is a connected pair of loopback TCP connections.
func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	ln, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, err := net.DialTCP("tcp4", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ln.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// wellFramed splits data the way the relay must: the whole well-framed
// messages it starts with, and the header error that stops it (nil when
// the data ends in a partial message or at a message boundary).
func wellFramed(data []byte) ([]byte, *frameError) {
	n := 0
	for len(data)-n >= headerLen {
		if fe := checkHeader(data[n : n+headerLen]); fe != nil {
			return data[:n], fe
		}
		l := int(binary.BigEndian.Uint16(data[n+16 : n+18]))
		if len(data)-n < l {
			break
		}
		n += l
	}
	return data[:n], nil
}
