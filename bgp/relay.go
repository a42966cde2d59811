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

	onDone func() // called once when the relay ends, from a relay goroutine
	downs  uint64 // the session's SetUp(false) count when this relay was made
}

// wireCount counts one way of the relay. dirs[0] is A to B.
type wireCount struct {
	readUpdates    atomic.Uint64 // UPDATEs read in full from the sender
	writtenUpdates atomic.Uint64 // UPDATEs written to the receiver
	pending        atomic.Int64  // bytes read but not yet written
}

// newRelay starts copying. touch is called for every message other than a
// KEEPALIVE, after it was written; onDone once when the relay ends.
func newRelay(toA, toB net.Conn, touch, onDone func()) *relay {
	r := &relay{conns: [2]net.Conn{toA, toB}, done: make(chan struct{}), onDone: onDone}
	r.wg.Add(2)
	go r.pump(0, toA, toB, touch)
	go r.pump(1, toB, toA, touch)
	return r
}

func (r *relay) pump(dir int, from, to net.Conn, touch func()) {
	defer r.wg.Done()
	d := &r.dirs[dir]
	in := bufio.NewReaderSize(from, 64<<10)
	var batch []byte
	var batchUpdates, batchOthers int
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
		d.pending.Add(int64(n))
		if typ == msgUpdate {
			d.readUpdates.Add(1)
			batchUpdates++
		}
		if typ != msgKeepalive {
			batchOthers++
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
		if batchOthers > 0 {
			touch()
		}
		batch, batchUpdates, batchOthers = batch[:0], 0, 0
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
		r.onDone()
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
