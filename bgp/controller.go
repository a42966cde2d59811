package bgp

import (
	"net"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// controller brings one BGP session to its desired state: the one state
// machine of a Session between two speakers and of an ExternalPeer's
// session between a speaker and a router outside the model. It owns the
// desired state (SetUp), the relay, and the speakers' neighbours of the
// session (its ends); a goroutine per controller (run) moves the session
// one step towards the desired state whenever something it waits for
// happens. What differs between the two kinds (how the relay is dialled
// and closed, what a failure is called) is the peering's.
type controller struct {
	f    *Fabric
	name string
	p    peering
	ends []end // each speaker's neighbour of the session: two for a Session, one for an external peer
	// conns delivers the router's connections to an external peer's
	// controller, which dials only with one in hand; nil for a Session,
	// which dials both speakers itself.
	conns      chan net.Conn
	retryDelay time.Duration // no dial for this long after a failure

	desired     atomic.Bool
	downs       atomic.Uint64 // SetUp(false) calls that took the desired state down
	established atomic.Bool
	phase       atomic.Int32
	kick        chan struct{}
	relay       atomic.Pointer[relay]
	lastErr     atomic.Pointer[string]

	notBefore time.Time // controller only: no dial before this (after a failure)
}

// end is one speaker's neighbour of a session.
type end struct {
	sp   *Speaker
	addr string           // the neighbour's socket address
	conf func() *api.Peer // the speaker's configuration of it
}

// peering is what a Session and an ExternalPeer do their own way.
type peering interface {
	// dial starts the relay: it connects to the speakers' listeners (and,
	// for an external peer, relays pending, the router's connection, which
	// it closes on failure).
	dial(pending net.Conn) (*relay, error)
	// closeRelay ends r and waits for it; down tells that the session was
	// set down in the model since r started.
	closeRelay(r *relay, down bool)
	// ended says why a wanted session ended by itself.
	ended(r *relay) string
	// logFail logs a failure.
	logFail(msg string)
	// collide turns away a router's connection that arrived while its
	// session is established; refuseDown one that arrived while the peer
	// is set down.
	collide(c net.Conn)
	refuseDown(c net.Conn)
}

// Controller phases: which events the controller is waiting for.
const (
	phaseIdle            = iota // desired down (or up and established): nothing to wait for
	phaseWaitActive             // neighbours configured, waiting for the FSMs to reach Active
	phaseWaitEstablished        // relay running, waiting for the FSMs to reach Established
	phaseWaitQuiet              // relay closed, waiting for the connections to leave GoBGP (quiesce)
)

const (
	retryDelay = 250 * time.Millisecond // after a session between speakers failed by itself
	dialWait   = 5 * time.Second        // dialling a 127.x listener; it never takes long
	holdTime   = 90                     // seconds; sessions never expire in the model
)

func newController(f *Fabric, name string, p peering, ends []end) *controller {
	return &controller{f: f, name: name, p: p, ends: ends, kick: make(chan struct{}, 1)}
}

// setUp sets the desired state. Every setUp(false) takes effect, even when
// setUp(true) follows before the controller acted: the session goes down
// (its routes are withdrawn) and comes back.
func (c *controller) setUp(up bool) {
	if c.desired.Swap(up) != up {
		if !up {
			c.downs.Add(1)
		}
		c.f.touch()
		c.poke()
	}
}

func (c *controller) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// observe is called from a speaker's main loop after each message it
// handled; the controller looks again if it is waiting for an FSM.
func (c *controller) observe() {
	if c.phase.Load() != phaseIdle {
		c.poke()
	}
}

// watch has each end's speaker call observe.
func (c *controller) watch() {
	for _, e := range c.ends {
		var l []*controller
		if old := e.sp.ctls.Load(); old != nil {
			l = append(l, *old...)
		}
		l = append(l, c)
		e.sp.ctls.Store(&l)
	}
}

// lastError is the last failure recorded, "" if none.
func (c *controller) lastError() string {
	if e := c.lastErr.Load(); e != nil {
		return *e
	}
	return ""
}

// run is the controller's goroutine: it wakes on setUp, on a router's
// connection (external peers), on the relay ending, on FSM changes in the
// speakers while it waits for one, and on its retry timer, and moves the
// session one step towards the desired state, until the fabric closes.
func (c *controller) run() {
	var retry *time.Timer
	var pending net.Conn // from the router, not yet relayed
	defer func() {
		if retry != nil {
			retry.Stop()
		}
		if pending != nil {
			pending.Close()
		}
		if r := c.relay.Load(); r != nil {
			r.close()
		}
	}()
	for {
		select {
		case conn := <-c.conns:
			if r := c.relay.Load(); r != nil && !r.isDone() && c.established.Load() {
				c.p.collide(conn)
				continue
			}
			if pending != nil {
				pending.Close() // the newest connection wins
			}
			pending = conn
		case <-c.kick:
		case <-c.f.ctx.Done():
			return
		}
		var d time.Duration
		if d, pending = c.step(pending); d > 0 {
			if retry != nil {
				retry.Stop()
			}
			retry = time.AfterFunc(d, c.poke)
		}
	}
}

// step returns how long to wait before the next step when only time can
// tell (after a failure), 0 when events will wake the controller, and the
// router's connection still waiting to be relayed, if any.
func (c *controller) step(pending net.Conn) (time.Duration, net.Conn) {
	if r := c.relay.Load(); r != nil && (!c.desired.Load() || r.downs != c.downs.Load() || r.isDone() || pending != nil) {
		down := !c.desired.Load() || r.downs != c.downs.Load()
		if !down && r.isDone() {
			c.fail(c.p.ended(r))
		}
		c.f.touch() // before anything changes, so a Settled in progress cannot miss it
		c.p.closeRelay(r, down)
		if !c.quiesce() {
			return 0, pending // the fabric is closing
		}
		// Reset (which drops the routes learned over the session) before
		// the session stops counting as up: Settled must never see it down
		// while its routes are still in a RIB.
		if err := c.reset(); err != nil {
			c.fail("reconfiguring: " + err.Error())
		}
		c.relay.Store(nil)
		c.setEstablished(false)
	}
	if !c.desired.Load() {
		if pending != nil {
			c.p.refuseDown(pending)
		}
		c.phase.Store(phaseIdle)
		return 0, nil
	}
	if c.relay.Load() == nil && (c.conns == nil || pending != nil) {
		if wait := time.Until(c.notBefore); wait > 0 {
			return wait, pending
		}
		// Every FSM must be in Active before the connections arrive: GoBGP
		// closes a connection that reaches an FSM still in Idle.
		c.phase.Store(phaseWaitActive)
		if !c.all(api.PeerState_ACTIVE) {
			return 0, pending
		}
		downs := c.downs.Load()
		r, err := c.p.dial(pending)
		pending = nil
		if err != nil {
			c.fail("dialling " + err.Error())
			if c.quiesce() {
				if err := c.reset(); err != nil {
					c.fail("reconfiguring: " + err.Error())
				}
			}
			return time.Until(c.notBefore), nil
		}
		r.downs = downs
		c.phase.Store(phaseWaitEstablished)
		c.relay.Store(r)
		c.f.touch()
	}
	up := false
	if r := c.relay.Load(); r != nil {
		c.phase.Store(phaseWaitEstablished)
		up = !r.isDone() && c.all(api.PeerState_ESTABLISHED)
	}
	if up || c.relay.Load() == nil {
		c.phase.Store(phaseIdle)
	}
	c.setEstablished(up)
	return 0, nil
}

// all tells whether every end's FSM is in state st.
func (c *controller) all(st api.PeerState_SessionState) bool {
	for _, e := range c.ends {
		if e.sp.neighbourState(e.addr) != st {
			return false
		}
	}
	return true
}

// quiesce waits, after the relay closed, until no speaker holds a
// connection of this session in hand-over or in the OPEN exchange. GoBGP
// leaks a goroutine when it deletes a neighbour whose FSM still has an
// unread message of the OPEN exchange, and a connection still on its way
// through GoBGP's accept queue would reach the re-added neighbour instead.
// Both end quickly once the connections are closed. It returns false if the
// fabric closes meanwhile (Close then does the same wait).
func (c *controller) quiesce() bool {
	c.phase.Store(phaseWaitQuiet)
	defer c.phase.Store(phaseIdle)
	for !c.quiet() {
		select {
		case <-c.kick:
		case <-c.f.ctx.Done():
			return false
		}
	}
	return true
}

func (c *controller) quiet() bool {
	for _, e := range c.ends {
		if !e.sp.quiet(e.addr) {
			return false
		}
	}
	return true
}

// configure adds every end's neighbour (none if one fails).
func (c *controller) configure() error {
	for i, e := range c.ends {
		if err := e.sp.addNeighbour(e.conf()); err != nil {
			for _, d := range c.ends[:i] {
				d.sp.deleteNeighbour(d.addr)
			}
			return err
		}
	}
	return nil
}

// reset deletes and re-adds every end's neighbour: a fresh FSM goes
// straight to Active, where a deleted-then-closed one would sit out
// GoBGP's 5 s idle hold. Deleting a neighbour withdraws every route
// learned from it.
func (c *controller) reset() error {
	for _, e := range c.ends {
		e.sp.deleteNeighbour(e.addr)
	}
	return c.configure()
}

func (c *controller) fail(msg string) {
	c.lastErr.Store(&msg)
	c.notBefore = time.Now().Add(c.retryDelay)
	c.p.logFail(msg)
}

func (c *controller) setEstablished(up bool) {
	if c.established.Swap(up) != up {
		c.f.sessionGen.Add(1)
		c.f.touch()
		c.f.log.Debug("bgp session", "session", c.name, "established", up)
	}
}
