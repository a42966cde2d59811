package bgp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// BGP message types (RFC 4271 section 4.1).
const (
	msgOpen         = 1
	msgUpdate       = 2
	msgNotification = 3
	msgKeepalive    = 4
	msgRouteRefresh = 5

	headerLen = 19
)

// relay joins two TCP connections the fabric dialled, one into each
// speaker's listener, and copies BGP messages between them whole (packing
// UPDATEs between two of the fabric's speakers, pack.go). It counts the
// messages per direction, as they were sent, and closes both ends when
// either fails.
type relay struct {
	conns [2]net.Conn   // conns[0] goes to A's listener (A's end of the session), conns[1] to B's
	wmu   [2]sync.Mutex // held around every write to conns[i]: whole messages never interleave
	dirs  [2]wireCount
	done  chan struct{}
	once  sync.Once
	err   error // why it ended; set before done is closed
	wg    sync.WaitGroup

	ev    relayEvents
	downs uint64 // the session's SetUp(false) count when this relay was made

	// note is the first NOTIFICATION of the session: relayed from one end
	// to the other, or sent by the relay itself. Set before the relay
	// ends, it says why the session ended (see notice).
	note atomic.Pointer[notice]
	// hold[dir] is the Hold Time in the OPEN read in direction dir (RFC
	// 4271 section 4.2), 0 until one is read.
	hold  [2]atomic.Uint32
	opens [2]atomic.Bool
}

// notice is a NOTIFICATION seen on a relay: its sender is the end of
// conns[from] (0 for A) or, when byRelay, the relay itself, which sent it
// to the end of conns[from].
type notice struct {
	from          int
	byRelay       bool
	code, subcode uint8
}

// String is "NOTIFICATION 4/0 (Hold Timer Expired)".
func (n notice) String() string {
	return fmt.Sprintf("NOTIFICATION %d/%d (%s)", n.code, n.subcode, notificationName(n.code, n.subcode))
}

func (r *relay) noted(n notice) { r.note.CompareAndSwap(nil, &n) }

// negotiatedHold is the session's hold time in seconds, the smaller of the
// two OPENs' (RFC 4271 section 4.2), and whether both OPENs were read.
func (r *relay) negotiatedHold() (uint32, bool) {
	if !r.opens[0].Load() || !r.opens[1].Load() {
		return 0, false
	}
	return min(r.hold[0].Load(), r.hold[1].Load()), true
}

// relayEvents are what a relay reports, each from one of its goroutines;
// any may be nil.
type relayEvents struct {
	// read: a whole message other than a KEEPALIVE was read in direction
	// dir (0 is A to B), not yet written; marker tells a settle marker
	// (see marker.go) from everything else.
	read func(dir int, marker bool)
	// written: a batch of messages was written; real tells whether it held
	// anything but KEEPALIVEs and markers.
	written func(real bool)
	// done: the relay ended (called once).
	done func()
	// check, when set, looks at each whole UPDATE read in direction dir
	// before it is passed on: an error ends the relay, with what came
	// before the UPDATE delivered and an UPDATE Message Error
	// NOTIFICATION (Malformed Attribute List) sent back to the sender.
	check func(dir int, msg []byte) error
	// openFirst[dir]: the first message read in direction dir must be an
	// OPEN (RFC 4271 section 8.2.2: anything else in OpenSent is an FSM
	// error); the sender gets the NOTIFICATION (RFC 6608, Receive
	// Unexpected Message in OpenSent State) and the relay ends.
	openFirst [2]bool
	// openRewrite[dir], when set, rewrites the OPEN read in direction dir
	// before it is passed on (a whole message in, a whole message out).
	openRewrite [2]func(msg []byte) []byte
	// pack: consecutive UPDATEs that differ only in their NLRIs are
	// passed on as one (pack.go).
	pack bool
	// adjIn[dir], when set, is kept as the receiver's Adj-RIB-In of
	// direction dir from every UPDATE passed on (adjin.go).
	adjIn [2]*adjIn
}

// wireCount counts one way of the relay. dirs[0] is A to B.
type wireCount struct {
	readUpdates    atomic.Uint64 // UPDATEs read in full from the sender
	writtenUpdates atomic.Uint64 // UPDATEs written to the receiver
	routeUpdates   atomic.Uint64 // UPDATEs written other than settle markers
	wireUpdates    atomic.Uint64 // UPDATE messages written, packs counted once (pack.go)
	pending        atomic.Int64  // bytes read but not yet written
}

// newRelay starts copying and reporting ev.
func newRelay(toA, toB net.Conn, ev relayEvents) *relay {
	r := &relay{conns: [2]net.Conn{toA, toB}, done: make(chan struct{}), ev: ev}
	r.wg.Add(2)
	go r.pump(0, toA, toB)
	go r.pump(1, toB, toA)
	return r
}

func (r *relay) pump(dir int, from, to net.Conn) {
	defer r.wg.Done()
	d := &r.dirs[dir]
	in := bufio.NewReaderSize(from, 64<<10)
	var batch []byte
	var batchUpdates, batchOthers, batchRoutes, batchIn int
	pk := packer{on: r.ev.pack}
	real := false
	first := true
	for {
		hdr, err := in.Peek(headerLen)
		if err != nil {
			r.stop(err)
			return
		}
		if fe := checkHeader(hdr); fe != nil {
			r.notify(dir, errMessageHeader, fe.subcode, fe.data)
			r.stop(fe)
			return
		}
		n := int(binary.BigEndian.Uint16(hdr[16:18]))
		typ := hdr[18]
		if first && r.ev.openFirst[dir] && typ != msgOpen {
			r.notify(dir, errFSM, subUnexpectedInOpenSent, nil)
			r.stop(fmt.Errorf("a message of type %d before OPEN (RFC 4271 section 8.2.2)", typ))
			return
		}
		first = false
		start := len(batch)
		batch = append(batch, make([]byte, n)...)
		if _, err := io.ReadFull(in, batch[start:]); err != nil {
			r.stop(err)
			return
		}
		switch m := batch[start:]; {
		case typ == msgNotification:
			r.noted(notice{from: dir, code: m[headerLen], subcode: m[headerLen+1]})
		case typ == msgOpen:
			r.hold[dir].Store(uint32(binary.BigEndian.Uint16(m[headerLen+3:])))
			r.opens[dir].Store(true)
		}
		if typ == msgOpen && r.ev.openRewrite[dir] != nil {
			m := r.ev.openRewrite[dir](batch[start:])
			batch = append(batch[:start], m...)
			n = len(m)
		}
		if typ == msgUpdate && r.ev.check != nil {
			if err := r.ev.check(dir, batch[start:]); err != nil {
				// What came before it, the pending pack last.
				if out := pk.flush(batch[:start]); len(out) > 0 {
					if werr := r.write(1-dir, out); werr == nil {
						d.routeUpdates.Add(uint64(batchRoutes))
						d.writtenUpdates.Add(uint64(batchUpdates))
					}
				}
				sub := uint8(subMalformedAttributeList)
				var ue *updateError
				if errors.As(err, &ue) {
					sub = ue.subcode
				}
				r.notify(dir, errUpdateMessage, sub, nil)
				r.stop(err)
				return
			}
		}
		if t := r.ev.adjIn[dir]; t != nil && typ == msgUpdate {
			t.update(batch[start:]) // before the receiver can have it
		}
		d.pending.Add(int64(n))
		batchIn += n
		if typ == msgUpdate {
			d.readUpdates.Add(1)
			batchUpdates++
		}
		if typ != msgKeepalive {
			batchOthers++
			marker := typ == msgUpdate && isMarkerUpdate(batch[start:])
			real = real || !marker
			if typ == msgUpdate && !marker {
				batchRoutes++
			}
			if r.ev.read != nil {
				r.ev.read(dir, marker)
			}
		}
		batch = pk.push(batch, start, typ)
		// Write what has arrived once no further whole message is at hand
		// (a bad header ends the batch: what came before it is delivered).
		if more := in.Buffered(); more >= headerLen && len(batch) < 256<<10 {
			h, _ := in.Peek(headerLen)
			if checkHeader(h) == nil && int(binary.BigEndian.Uint16(h[16:18])) <= more {
				continue
			}
		}
		batch = pk.flush(batch)
		if err := r.write(1-dir, batch); err != nil {
			r.stop(err)
			return
		}
		d.wireUpdates.Add(uint64(countUpdates(batch)))
		d.routeUpdates.Add(uint64(batchRoutes)) // before the count settling reads
		d.writtenUpdates.Add(uint64(batchUpdates))
		d.pending.Add(-int64(batchIn))
		if batchOthers > 0 && r.ev.written != nil {
			r.ev.written(real)
		}
		batch, batchUpdates, batchOthers, batchRoutes, batchIn, real = batch[:0], 0, 0, 0, 0, false
	}
}

// countUpdates counts the UPDATE messages in b, whole messages.
func countUpdates(b []byte) int {
	n := 0
	for len(b) >= headerLen {
		l := int(binary.BigEndian.Uint16(b[16:18]))
		if l < headerLen || l > len(b) {
			break // not whole messages: never so in a batch
		}
		if b[18] == msgUpdate {
			n++
		}
		b = b[l:]
	}
	return n
}

// write writes whole messages to conns[i].
func (r *relay) write(i int, b []byte) error {
	r.wmu[i].Lock()
	defer r.wmu[i].Unlock()
	_, err := r.conns[i].Write(b)
	return err
}

// notify sends a NOTIFICATION back to the sender of direction dir (the
// end of conns[dir]), best effort and between whole messages.
func (r *relay) notify(dir int, code, subcode uint8, data []byte) {
	r.noted(notice{from: dir, byRelay: true, code: code, subcode: subcode})
	r.wmu[dir].Lock()
	defer r.wmu[dir].Unlock()
	sendNotification(r.conns[dir], code, subcode, data)
}

// closeWith ends the relay as a router ending the session would: a
// NOTIFICATION to the end of conns[i], then both connections closed.
func (r *relay) closeWith(i int, code, subcode uint8, why string) {
	if !r.isDone() {
		r.notify(i, code, subcode, nil)
	}
	r.stop(errors.New(why))
	r.wg.Wait()
}

// stop closes both connections once, remembering the first reason.
func (r *relay) stop(err error) {
	r.once.Do(func() {
		if err == nil || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
			err = errors.New("connection closed")
		}
		r.err = err
		r.conns[0].Close()
		r.conns[1].Close()
		close(r.done)
		if r.ev.done != nil {
			r.ev.done()
		}
	})
}

// close stops the relay and waits for both directions to end.
func (r *relay) close() {
	r.stop(errors.New("closed by the fabric"))
	r.wg.Wait()
}

func (r *relay) isDone() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}
