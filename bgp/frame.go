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

// notificationName names a NOTIFICATION's error code and subcode as RFC
// 4271 section 4.5 (and RFC 4486 for Cease, RFC 6608 for FSM errors)
// does: "UPDATE Message Error, Optional Attribute Error".
func notificationName(code, subcode uint8) string {
	codes := map[uint8]string{1: "Message Header Error", 2: "OPEN Message Error", 3: "UPDATE Message Error",
		4: "Hold Timer Expired", 5: "Finite State Machine Error", 6: "Cease", 7: "ROUTE-REFRESH Message Error"}
	subs := map[uint8]map[uint8]string{
		1: {1: "Connection Not Synchronized", 2: "Bad Message Length", 3: "Bad Message Type"},
		2: {1: "Unsupported Version Number", 2: "Bad Peer AS", 3: "Bad BGP Identifier", 4: "Unsupported Optional Parameter",
			6: "Unacceptable Hold Time", 7: "Unsupported Capability"},
		3: {1: "Malformed Attribute List", 2: "Unrecognized Well-known Attribute", 3: "Missing Well-known Attribute",
			4: "Attribute Flags Error", 5: "Attribute Length Error", 6: "Invalid ORIGIN Attribute", 8: "Invalid NEXT_HOP Attribute",
			9: "Optional Attribute Error", 10: "Invalid Network Field", 11: "Malformed AS_PATH"},
		5: {1: "Receive Unexpected Message in OpenSent State", 2: "Receive Unexpected Message in OpenConfirm State",
			3: "Receive Unexpected Message in Established State"},
		6: {1: "Maximum Number of Prefixes Reached", 2: "Administrative Shutdown", 3: "Peer De-configured", 4: "Administrative Reset",
			5: "Connection Rejected", 6: "Other Configuration Change", 7: "Connection Collision Resolution", 8: "Out of Resources", 9: "Hard Reset"},
	}
	name, ok := codes[code]
	if !ok {
		return fmt.Sprintf("unknown error code %d", code)
	}
	if s, ok := subs[code][subcode]; ok {
		name += ", " + s
	}
	return name
}
