package bgp

import (
	"bufio"
	"encoding/binary"
	"errors"
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
// speaker's listener, and copies BGP messages between them whole. It counts
// the messages per direction and closes both ends when either fails.
type relay struct {
	conns [2]net.Conn // conns[0] goes to A's listener (A's end of the session), conns[1] to B's
	dirs  [2]wireCount
	done  chan struct{}
	once  sync.Once
	err   error // why it ended; set before done is closed
	wg    sync.WaitGroup

	ev    relayEvents
	downs uint64 // the session's SetUp(false) count when this relay was made
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
}

// wireCount counts one way of the relay. dirs[0] is A to B.
type wireCount struct {
	readUpdates    atomic.Uint64 // UPDATEs read in full from the sender
	writtenUpdates atomic.Uint64 // UPDATEs written to the receiver
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
	var batchUpdates, batchOthers int
	real := false
	for {
		hdr, err := in.Peek(headerLen)
		if err != nil {
			r.stop(err)
			return
		}
		if fe := checkHeader(hdr); fe != nil {
			sendNotification(from, errMessageHeader, fe.subcode, fe.data)
			r.stop(fe)
			return
		}
		n := int(binary.BigEndian.Uint16(hdr[16:18]))
		typ := hdr[18]
		start := len(batch)
		batch = append(batch, make([]byte, n)...)
		if _, err := io.ReadFull(in, batch[start:]); err != nil {
			r.stop(err)
			return
		}
		if typ == msgUpdate && r.ev.check != nil {
			if err := r.ev.check(dir, batch[start:]); err != nil {
				if start > 0 {
					if _, werr := to.Write(batch[:start]); werr == nil {
						d.writtenUpdates.Add(uint64(batchUpdates))
					}
				}
				sendNotification(from, errUpdateMessage, subMalformedAttributeList, nil)
				r.stop(err)
				return
			}
		}
		d.pending.Add(int64(n))
		if typ == msgUpdate {
			d.readUpdates.Add(1)
			batchUpdates++
		}
		if typ != msgKeepalive {
			batchOthers++
			marker := typ == msgUpdate && isMarkerUpdate(batch[start:])
			real = real || !marker
			if r.ev.read != nil {
				r.ev.read(dir, marker)
			}
		}
		// Write what has arrived once no further whole message is at hand
		// (a bad header ends the batch: what came before it is delivered).
		if more := in.Buffered(); more >= headerLen && len(batch) < 256<<10 {
			h, _ := in.Peek(headerLen)
			if checkHeader(h) == nil && int(binary.BigEndian.Uint16(h[16:18])) <= more {
				continue
			}
		}
		if _, err := to.Write(batch); err != nil {
			r.stop(err)
			return
		}
		d.writtenUpdates.Add(uint64(batchUpdates))
		d.pending.Add(-int64(len(batch)))
		if batchOthers > 0 && r.ev.written != nil {
			r.ev.written(real)
		}
		batch, batchUpdates, batchOthers, real = batch[:0], 0, 0, false
	}
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
