package bgp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Options configure a Fabric.
type Options struct {
	// Logger receives the fabric's own messages and, when Verbose is set,
	// GoBGP's warnings and errors. Nil discards everything.
	Logger *slog.Logger
	// Verbose passes GoBGP's warnings and worse on to Logger; without it
	// GoBGP is silent.
	Verbose bool
	// ListenPort is the TCP port every speaker listens on, each on its own
	// 127.x.y.z address. Zero means DefaultListenPort.
	ListenPort int
	// NoRIBAudit leaves out Settled's last step, the comparison of every
	// session's Adj-RIB-Out with its peer's Adj-RIB-In once the network is
	// quiet. It finds inconsistencies inside GoBGP (a withdrawal lost, a
	// path never sent) but costs a listing of the whole Loc-RIB per
	// session: on a network of 100 000 routes more than all the rest.
	NoRIBAudit bool
}

// DefaultListenPort is the port speakers listen on unless Options say
// otherwise: unprivileged, and easy to remember next to BGP's 179.
const DefaultListenPort = 1179

// ErrClosed is returned by every operation on a closed Fabric.
var ErrClosed = errors.New("bgp: fabric closed")

// Fabric owns every speaker and session of one simulated network. All its
// methods are safe for concurrent use.
type Fabric struct {
	opts Options
	log  *slog.Logger

	ctx    context.Context // cancelled by Close: stops session controllers
	cancel context.CancelFunc
	wg     sync.WaitGroup // session controllers

	closing atomic.Bool // Close has begun

	mu        sync.Mutex
	closed    bool
	speakers  []*Speaker
	byAddr    map[string]*Speaker // socket address (127.x.y.z) to speaker
	byName    map[string]*Speaker
	sessions  []*Session
	externals []*ExternalPeer

	// gen counts activity: every message a speaker's main loop processed,
	// every BGP message (other than KEEPALIVE) the relays forwarded, every
	// local change and every session action. Settled brackets its checks
	// with it: an unchanged gen means nothing moved while it looked.
	gen atomic.Uint64
	// work counts the activity that can change a RIB: everything gen
	// counts but settle markers and the main loops' own steps (whose
	// effect on other speakers crosses a relay). Two marker rounds with
	// work unchanged mean the network is quiet (see marker.go).
	work atomic.Uint64
	// sessionGen counts sessions coming up and going down (Speaker.RIBInGen).
	sessionGen atomic.Uint64

	changed chan struct{} // public notification, see Changed
	wake    chan struct{} // WaitSettled's own notification

	settleMu   sync.Mutex // serialises Settled; guards the memos and the round
	settleMemo settleMemo
	inSync     map[dirKey]dirMemo
	round      *markerRound
	markerSeq  uint64 // the last marker sequence number used
}

// NewFabric returns an empty fabric.
func NewFabric(opts Options) *Fabric {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.ListenPort == 0 {
		opts.ListenPort = DefaultListenPort
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Fabric{
		opts:    opts,
		log:     opts.Logger,
		ctx:     ctx,
		cancel:  cancel,
		byAddr:  map[string]*Speaker{},
		byName:  map[string]*Speaker{},
		changed: make(chan struct{}, 1),
		wake:    make(chan struct{}, 1),
		inSync:  map[dirKey]dirMemo{},
	}
}

// Changed returns a channel that receives a value after any session state
// change or any RIB change in any speaker (a coalescing notification: one
// pending value stands for any number of changes). The simulator re-reads
// what it needs when it fires. There is one channel per fabric: give it
// one reader.
func (f *Fabric) Changed() <-chan struct{} { return f.changed }

// touch records work and notifies. It never blocks: GoBGP's main loops
// call it.
func (f *Fabric) touch() {
	f.work.Add(1)
	f.note(true)
}

// note records activity; changed tells whether Changed's readers must
// hear of it (settle markers are not theirs). WaitSettled always does.
func (f *Fabric) note(changed bool) {
	f.gen.Add(1)
	if changed {
		select {
		case f.changed <- struct{}{}:
		default:
		}
	}
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// relayEvents is what a relay between two speakers (or a speaker and a
// router, nil) reports to the fabric: a message read counts as work for
// both ends unless it is a settle marker from a speaker, which is counted
// toward the receiver (see hook).
func (f *Fabric) relayEvents(ends [2]*Speaker, done func()) relayEvents {
	return relayEvents{
		read: func(dir int, marker bool) {
			from, to := ends[dir], ends[1-dir]
			if marker && from != nil { // a router sends no markers: what it sends is work

				if to != nil {
					to.markersIn.Add(1)
				}
				return
			}
			f.work.Add(1)
			if to != nil {
				to.inbound.Add(1)
			}
			for _, sp := range []*Speaker{from, to} {
				if sp != nil {
					sp.work.Add(1)
				}
			}
		},
		written: func(real bool) {
			if real {
				f.touch()
			} else {
				f.note(false)
			}
		},
		done: done,
		pack: ends[0] != nil && ends[1] != nil, // two of the fabric's speakers (pack.go)
	}
}

func (f *Fabric) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Sessions returns every session in creation order.
func (f *Fabric) Sessions() []*Session {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Session(nil), f.sessions...)
}

// Speakers returns every speaker in creation order.
func (f *Fabric) Speakers() []*Speaker {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Speaker(nil), f.speakers...)
}

// Speaker returns the speaker with the given model name, or nil.
func (f *Fabric) Speaker(name string) *Speaker {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byName[name]
}

// nameOf maps a socket address to the speaker's model name ("" if none).
func (f *Fabric) nameOf(addr string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sp := f.byAddr[addr]; sp != nil {
		return sp.cfg.Name
	}
	return ""
}

// Close stops every session and speaker and waits for all their goroutines
// to end. Calling it again does nothing.
func (f *Fabric) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	speakers := append([]*Speaker(nil), f.speakers...)
	f.mu.Unlock()
	f.closing.Store(true)

	f.cancel()
	f.wg.Wait()
	var errs []error
	for _, sp := range speakers {
		if err := sp.stop(); err != nil {
			errs = append(errs, fmt.Errorf("speaker %s: %w", sp.cfg.Name, err))
		}
	}
	return errors.Join(errs...)
}
