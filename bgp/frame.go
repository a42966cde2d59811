package bgp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"time"
)

// Framing: the relay reads every BGP message by its header, so it is where
// a message that breaks RFC 4271's framing is caught, before either speaker
// sees it. GoBGP itself checks neither the marker nor the largest length.

// maxMessageLen is the largest BGP message (RFC 4271 section 4.1). GoBGP
// v3.37 does not offer the Extended Message capability (RFC 8654), so no
// session negotiates more.
const maxMessageLen = 4096

// NOTIFICATION codes the fabric sends itself (RFC 4271 section 4.5, RFC 4486).
const (
	errMessageHeader          = 1 // Message Header Error
	subNotSynchronized        = 1 // Connection Not Synchronized (bad marker)
	subBadLength              = 2 // Bad Message Length
	subBadType                = 3 // Bad Message Type
	errUpdateMessage          = 3 // UPDATE Message Error
	subMalformedAttributeList = 1
	errFSM                    = 5 // Finite State Machine Error (RFC 6608)
	subUnexpectedInOpenSent   = 1 // Receive Unexpected Message in OpenSent State
	errCease                  = 6
	subAdminShutdown          = 2 // Administrative Shutdown
	subConnectionReject       = 5 // Connection Rejected
	subCollision              = 7 // Connection Collision Resolution
)

// frameError is a message header that breaks RFC 4271 section 6.1: the
// session it arrived on is reset with a NOTIFICATION that says why.
type frameError struct {
	subcode uint8
	data    []byte // the NOTIFICATION's data field
	what    string
}

func (e *frameError) Error() string { return "bad BGP message header: " + e.what }

var marker = bytes.Repeat([]byte{0xff}, 16)

// minLen is each message type's smallest length, header included (RFC 4271
// section 4; ROUTE-REFRESH: RFC 2918 section 3).
var minLen = [...]int{msgOpen: 29, msgUpdate: 23, msgNotification: 21, msgKeepalive: headerLen, msgRouteRefresh: 23}

// checkHeader checks a message header: the all-ones marker, a length from
// the type's minimum to 4096 (a KEEPALIVE exactly 19), a known type.
func checkHeader(hdr []byte) *frameError {
	if !bytes.Equal(hdr[:16], marker) {
		return &frameError{subcode: subNotSynchronized, what: fmt.Sprintf("the marker is % x, not 16 bytes of ff", hdr[:16])}
	}
	n, typ := int(binary.BigEndian.Uint16(hdr[16:18])), hdr[18]
	switch {
	case n < headerLen || n > maxMessageLen:
		return &frameError{subcode: subBadLength, data: bytes.Clone(hdr[16:18]), what: fmt.Sprintf("length %d is outside %d to %d", n, headerLen, maxMessageLen)}
	case typ < msgOpen || typ > msgRouteRefresh:
		return &frameError{subcode: subBadType, data: []byte{typ}, what: fmt.Sprintf("message type %d is not 1 to 5", typ)}
	case n < minLen[typ] || (typ == msgKeepalive && n != headerLen) || (typ == msgRouteRefresh && n != minLen[typ]):
		return &frameError{subcode: subBadLength, data: bytes.Clone(hdr[16:18]), what: fmt.Sprintf("length %d does not fit a message of type %d", n, typ)}
	}
	return nil
}

// notification builds a NOTIFICATION message.
func notification(code, subcode uint8, data []byte) []byte {
	b := make([]byte, 0, 21+len(data))
	b = append(b, marker...)
	b = binary.BigEndian.AppendUint16(b, uint16(21+len(data)))
	b = append(b, msgNotification, code, subcode)
	return append(b, data...)
}

// notifyWait bounds writing a NOTIFICATION to a peer that is being
// dropped: a peer that does not read must not hold the fabric up.
const notifyWait = time.Second

// sendNotification writes a NOTIFICATION to c, best effort.
func sendNotification(c net.Conn, code, subcode uint8, data []byte) {
	c.SetWriteDeadline(time.Now().Add(notifyWait))
	c.Write(notification(code, subcode, data))
}
