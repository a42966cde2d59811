package bgp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/vpnsim/vpnsim/vrf"
)

// SessionConfig describes a BGP session between two speakers.
type SessionConfig struct {
	A, B   *Speaker
	Family Family
	// BIsRRClientOfA makes A a route reflector and B its client (PE–RR).
	// Leave it false for RR–RR, a PE–PE full mesh and eBGP.
	BIsRRClientOfA bool
	// BImports, when not nil, are the route targets B imports: A then
	// sends B only the VPN paths carrying at least one of them, and none
	// if the list is empty (the effect of RFC 4684's route-target
	// constraint, configured instead of signalled; see rtfilter.go).
	// AImports is the same toward A. Nil sends everything.
	AImports, BImports []vrf.RouteTarget
	// AOptions and BOptions are each end's AS-path options toward the
	// other, on an eBGP session.
	AOptions, BOptions EBGPOptions
}

// EBGPOptions are one end's AS-path rules on an eBGP session. Whatever they
// say, a speaker sends a path whose AS_PATH holds the neighbour's AS (as
// IOS and FRR do; GoBGP would hold it back, which the neighbour cannot
// tell from a loop it dropped): the receiver's AS-loop check (RFC 4271
// section 9.1.2) decides.
type EBGPOptions struct {
	// ASOverride replaces the neighbour's AS by the speaker's own in the
	// AS_PATH of every path sent to it (IOS "neighbor as-override").
	ASOverride bool
	// AllowOwnAS accepts paths whose AS_PATH holds the speaker's own AS up
	// to this many times (IOS "neighbor allowas-in N"); 0 rejects them.
	AllowOwnAS uint8
}

// SessionState is a snapshot of a session.
type SessionState struct {
	A, B    string // the speakers' model names
	Family  Family
	Desired bool // what the simulator asked for (SetUp)
	// Established is true while both speakers have the session in
	// Established and the fabric's relay joins them.
	Established bool
	// UpdatesAToB and UpdatesBToA count the UPDATE messages the relay
	// forwarded since the session last came up.
	UpdatesAToB, UpdatesBToA uint64
	// LastError says why the session last failed on its own (not because
	// it was set down); "" if it never did.
	LastError string
}

// Session is a BGP session between two speakers, joined by the fabric's
// relay. Its desired state is set with SetUp; a controller goroutine brings
// the real state there.
type Session struct {
	f    *Fabric
	cfg  SessionConfig
	name string
	// rrPeering marks a session between two route reflectors of one AS
	// that are not each other's clients; see reflectorPeering.
	rrPeering bool

	desired     atomic.Bool
	downs       atomic.Uint64 // SetUp(false) calls that took the desired state down
	established atomic.Bool
	phase       atomic.Int32
	kick        chan struct{}
	relay       atomic.Pointer[relay]
	lastErr     atomic.Pointer[string]

	notBefore time.Time // controller only: no dial before this (after a failure)
}

// Controller phases: which events the controller is waiting for.
const (
	phaseIdle            = iota // desired down (or up and established): nothing to wait for
	phaseWaitActive             // neighbours configured, waiting for both FSMs to reach Active
	phaseWaitEstablished        // relay running, waiting for both FSMs to reach Established
	phaseWaitQuiet              // relay closed, waiting for the connections to leave GoBGP (quiesce)
)

const (
	retryDelay = 250 * time.Millisecond // after a session failed by itself
	dialWait   = 5 * time.Second        // dialling a 127.x listener; it never takes long
	holdTime   = 90                     // seconds; sessions never expire in the model
)

// Name is "A–B", with the speakers' model names.
func (s *Session) Name() string { return s.name }

// Config returns the session's configuration.
func (s *Session) Config() SessionConfig { return s.cfg }

// State returns a snapshot of the session.
func (s *Session) State() SessionState {
	st := SessionState{
		A: s.cfg.A.cfg.Name, B: s.cfg.B.cfg.Name, Family: s.cfg.Family,
		Desired: s.desired.Load(), Established: s.established.Load(),
	}
	if r := s.relay.Load(); r != nil {
		st.UpdatesAToB = r.dirs[0].writtenUpdates.Load()
		st.UpdatesBToA = r.dirs[1].writtenUpdates.Load()
	}
	if e := s.lastErr.Load(); e != nil {
		st.LastError = *e
	}
	return st
}

// SetUp sets the desired state: up while both speakers are up and their
// loopbacks reach each other in the model. The fabric brings the session
// there asynchronously: a session set up is Established within
// milliseconds; one set down is closed at once and every route learned over
// it withdrawn.
//
// Every SetUp(false) takes effect, even when SetUp(true) follows before the
// fabric acted: the session goes down (its routes are withdrawn) and comes
// back.
func (s *Session) SetUp(up bool) {
	if s.desired.Swap(up) != up {
		if !up {
			s.downs.Add(1)
		}
		s.f.touch()
		s.poke()
	}
}

func (s *Session) poke() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// observe is called from a speaker's main loop after each message it
// handled; the controller looks again if it is waiting for an FSM.
func (s *Session) observe() {
	if ph := s.phase.Load(); ph != phaseIdle {
		s.poke()
	}
}

// AddSession configures a session between two speakers of the fabric,
// initially down. Both speakers get the other as a passive neighbour (they
// never dial: the fabric does).
func (f *Fabric) AddSession(cfg SessionConfig) (*Session, error) {
	if err := f.checkSession(cfg); err != nil {
		return nil, err
	}
	s := &Session{f: f, cfg: cfg, name: cfg.A.cfg.Name + "–" + cfg.B.cfg.Name, kick: make(chan struct{}, 1)}
	s.rrPeering = !cfg.BIsRRClientOfA && cfg.A.cfg.ClusterID.IsValid() && cfg.B.cfg.ClusterID.IsValid() &&
		cfg.A.cfg.ASN == cfg.B.cfg.ASN
	if s.rrPeering {
		// A reflector whose decision the caller makes compares
		// CLUSTER_LIST lengths itself: no LOCAL_PREF stand-in.
		if !cfg.A.cfg.Decides {
			if err := cfg.A.reflectorPeering(cfg.B); err != nil {
				return nil, fmt.Errorf("session %s: %w", s.name, err)
			}
		}
		if !cfg.B.cfg.Decides {
			if err := cfg.B.reflectorPeering(cfg.A); err != nil {
				return nil, fmt.Errorf("session %s: %w", s.name, err)
			}
		}
	}
	for _, x := range []struct {
		from, to *Speaker
		rts      []vrf.RouteTarget
	}{{cfg.A, cfg.B, cfg.BImports}, {cfg.B, cfg.A, cfg.AImports}} {
		if x.rts == nil {
			continue
		}
		if err := x.from.exportFilter(x.to, x.rts); err != nil {
			return nil, fmt.Errorf("session %s: route-target filter toward %s: %w", s.name, x.to.cfg.Name, err)
		}
	}
	if err := s.configure(); err != nil {
		return nil, fmt.Errorf("session %s: %w", s.name, err)
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, ErrClosed
	}
	f.sessions = append(f.sessions, s)
	for _, sp := range []*Speaker{cfg.A, cfg.B} {
		var l []*Session
		if old := sp.sessions.Load(); old != nil {
			l = append(l, *old...)
		}
		l = append(l, s)
		sp.sessions.Store(&l)
	}
	f.wg.Add(1)
	f.mu.Unlock()
	go s.run()
	return s, nil
}

func (f *Fabric) checkSession(cfg SessionConfig) error {
	if cfg.A == nil || cfg.B == nil {
		return errors.New("bgp session: both speakers must be given")
	}
	name := cfg.A.cfg.Name + "–" + cfg.B.cfg.Name
	switch {
	case cfg.A.f != f || cfg.B.f != f:
		return fmt.Errorf("session %s: both speakers must belong to this fabric", name)
	case cfg.A == cfg.B:
		return fmt.Errorf("session %s: a speaker cannot peer with itself", name)
	case !cfg.Family.valid():
		return fmt.Errorf("session %s: family %v is not VPNv4 or IPv4Unicast", name, cfg.Family)
	case (cfg.AImports != nil || cfg.BImports != nil) && cfg.Family != VPNv4:
		return fmt.Errorf("session %s: route-target filters apply to VPNv4 sessions only, not %v", name, cfg.Family)
	case cfg.BIsRRClientOfA && !cfg.A.cfg.ClusterID.IsValid():
		return fmt.Errorf("session %s: %s has no cluster ID, so it cannot be a route reflector", name, cfg.A.cfg.Name)
	case cfg.BIsRRClientOfA && cfg.A.cfg.ASN != cfg.B.cfg.ASN:
		return fmt.Errorf("session %s: a route reflector client must be in the reflector's AS (%d, not %d)", name, cfg.A.cfg.ASN, cfg.B.cfg.ASN)
	case cfg.A.cfg.ASN == cfg.B.cfg.ASN && cfg.A.cfg.RouterID == cfg.B.cfg.RouterID:
		return fmt.Errorf("session %s: both speakers have router ID %v; iBGP peers need different router IDs", name, cfg.A.cfg.RouterID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	for _, o := range f.sessions {
		if (o.cfg.A == cfg.A && o.cfg.B == cfg.B) || (o.cfg.A == cfg.B && o.cfg.B == cfg.A) {
			return fmt.Errorf("session %s: the two speakers already have a session (%s)", name, o.name)
		}
	}
	return nil
}

// neighbour is local's configuration of remote.
func (s *Session) neighbour(local, remote *Speaker, rrClient bool, opts EBGPOptions) *api.Peer {
	p := &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: remote.addr.String(), PeerAsn: remote.cfg.ASN},
		Transport: &api.Transport{
			LocalAddress: local.addr.String(),
			PassiveMode:  true,
			RemotePort:   uint32(remote.port),
		},
		Timers: &api.Timers{Config: &api.TimersConfig{
			ConnectRetry:      1,
			HoldTime:          holdTime,
			KeepaliveInterval: holdTime / 3,
		}},
		AfiSafis: []*api.AfiSafi{
			{Config: &api.AfiSafiConfig{Family: s.cfg.Family.api(), Enabled: true}},
			{Config: &api.AfiSafiConfig{Family: markerFamily, Enabled: true}},
		},
	}
	if local.cfg.ASN != remote.cfg.ASN {
		p.Conf.AllowAspathLoopLocal = true
		p.Conf.ReplacePeerAsn = opts.ASOverride
		p.Conf.AllowOwnAsn = uint32(opts.AllowOwnAS)
	} else {
		// Inside the AS no router checks the AS path for its own AS (IOS,
		// FRR): a route may carry the provider's AS when a hub CE passed
		// it back in (pe-allowas-in). GoBGP checks on both ends unless
		// told otherwise.
		p.Conf.AllowAspathLoopLocal = true
		p.Conf.AllowOwnAsn = 255
	}
	if rrClient {
		p.RouteReflector = &api.RouteReflector{
			RouteReflectorClient:    true,
			RouteReflectorClusterId: local.cfg.ClusterID.String(),
		}
	}
	return p
}

// configure adds both neighbours.
func (s *Session) configure() error {
	a, b := s.cfg.A, s.cfg.B
	if err := a.addNeighbour(s.neighbour(a, b, s.cfg.BIsRRClientOfA || s.rrPeering, s.cfg.AOptions)); err != nil {
		return err
	}
	if err := b.addNeighbour(s.neighbour(b, a, s.rrPeering, s.cfg.BOptions)); err != nil {
		a.deleteNeighbour(b)
		return err
	}
	return nil
}

// reset deletes and re-adds both neighbours: a fresh FSM goes straight to
// Active, where a deleted-then-closed one would sit out GoBGP's 5 s idle
// hold. Deleting a neighbour withdraws every route learned from it.
func (s *Session) reset() error {
	s.cfg.A.deleteNeighbour(s.cfg.B)
	s.cfg.B.deleteNeighbour(s.cfg.A)
	return s.configure()
}

func (sp *Speaker) addNeighbour(p *api.Peer) error {
	sp.touch()
	return sp.use(func() error {
		return sp.srv.AddPeer(context.Background(), &api.AddPeerRequest{Peer: p})
	})
}

func (sp *Speaker) deleteNeighbour(remote *Speaker) {
	sp.touch()
	sp.use(func() error {
		addr := remote.addr.String()
		err := sp.srv.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: addr})
		if err == nil {
			sp.fsmDeleted(addr)
		}
		return err
	})
}

// peers returns the speaker's neighbours by socket address.
func (sp *Speaker) peers() (map[string]*api.Peer, error) {
	out := map[string]*api.Peer{}
	err := sp.use(func() error {
		return sp.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			out[p.Conf.NeighborAddress] = p
		})
	})
	return out, err
}

// peerState is remote's session state as local's GoBGP sees it.
func (sp *Speaker) peerState(remote *Speaker) api.PeerState_SessionState {
	var st api.PeerState_SessionState
	sp.use(func() error {
		return sp.srv.ListPeer(context.Background(), &api.ListPeerRequest{Address: remote.addr.String()}, func(p *api.Peer) {
			st = p.GetState().GetSessionState()
		})
	})
	return st
}

// run is the session's controller: it wakes on SetUp, on the relay ending,
// on FSM changes in either speaker while it waits for one, and on its retry
// timer, and moves the session one step towards the desired state.
func (s *Session) run() {
	defer s.f.wg.Done()
	var retry *time.Timer
	defer func() {
		if retry != nil {
			retry.Stop()
		}
		if r := s.relay.Load(); r != nil {
			r.close()
		}
	}()
	for {
		select {
		case <-s.kick:
		case <-s.f.ctx.Done():
			return
		}
		if d := s.step(); d > 0 {
			if retry != nil {
				retry.Stop()
			}
			retry = time.AfterFunc(d, s.poke)
		}
	}
}

// step returns how long to wait before the next step when only time can
// tell (after a failure); 0 when events will wake the controller.
func (s *Session) step() time.Duration {
	if r := s.relay.Load(); r != nil && (!s.desired.Load() || r.downs != s.downs.Load() || r.isDone()) {
		failed := s.desired.Load() && r.downs == s.downs.Load()
		s.f.touch() // before anything changes, so a Settled in progress cannot miss it
		r.close()
		if !s.quiesce() {
			return 0 // the fabric is closing
		}
		// Reset (which drops the routes learned over the session) before
		// the session stops counting as up: Settled must never see it down
		// while its routes are still in a RIB.
		if err := s.reset(); err != nil {
			s.fail("reconfiguring: " + err.Error())
		}
		s.relay.Store(nil)
		s.setEstablished(false)
		if failed {
			s.fail("closed by a speaker: " + r.err.Error())
		}
	}
	if !s.desired.Load() {
		s.phase.Store(phaseIdle)
		return 0
	}
	if s.relay.Load() == nil {
		if wait := time.Until(s.notBefore); wait > 0 {
			return wait
		}
		// Both FSMs must be in Active before the connections arrive: GoBGP
		// closes a connection that reaches an FSM still in Idle.
		s.phase.Store(phaseWaitActive)
		if s.cfg.A.peerState(s.cfg.B) != api.PeerState_ACTIVE || s.cfg.B.peerState(s.cfg.A) != api.PeerState_ACTIVE {
			return 0
		}
		downs := s.downs.Load()
		r, err := s.dial()
		if err != nil {
			s.fail("dialling: " + err.Error())
			if s.quiesce() {
				if err := s.reset(); err != nil {
					s.fail("reconfiguring: " + err.Error())
				}
			}
			return time.Until(s.notBefore)
		}
		r.downs = downs
		s.phase.Store(phaseWaitEstablished)
		s.relay.Store(r)
		s.f.touch()
	}
	s.phase.Store(phaseWaitEstablished)
	up := s.cfg.A.peerState(s.cfg.B) == api.PeerState_ESTABLISHED && s.cfg.B.peerState(s.cfg.A) == api.PeerState_ESTABLISHED
	if up {
		s.phase.Store(phaseIdle)
	}
	s.setEstablished(up)
	return 0
}

// quiesce waits, after the relay closed, until neither speaker holds a
// connection of this session in hand-over or in the OPEN exchange. GoBGP
// leaks a goroutine when it deletes a neighbour whose FSM still has an
// unread message of the OPEN exchange, and a connection still on its way
// through GoBGP's accept queue would reach the re-added neighbour instead.
// Both end quickly once the connections are closed. It returns false if the
// fabric closes meanwhile (Close then does the same wait).
func (s *Session) quiesce() bool {
	s.phase.Store(phaseWaitQuiet)
	defer s.phase.Store(phaseIdle)
	for !s.cfg.A.quiet(s.cfg.B) || !s.cfg.B.quiet(s.cfg.A) {
		select {
		case <-s.kick:
		case <-s.f.ctx.Done():
			return false
		}
	}
	return true
}

func (s *Session) fail(msg string) {
	s.lastErr.Store(&msg)
	s.notBefore = time.Now().Add(retryDelay)
	s.f.log.Warn("bgp session failed", "session", s.name, "error", msg)
}

func (s *Session) setEstablished(up bool) {
	if s.established.Swap(up) != up {
		s.f.touch()
		s.f.log.Debug("bgp session", "session", s.name, "established", up)
	}
}

// dial connects to A's listener from B's address and to B's listener from
// A's address, and starts the relay between the two connections: each
// speaker sees a connection from its neighbour's address, as if the other
// had dialled.
func (s *Session) dial() (*relay, error) {
	a, b := s.cfg.A, s.cfg.B
	toA, err := dialFrom(s.f.ctx, b, a)
	if err != nil {
		return nil, err
	}
	toB, err := dialFrom(s.f.ctx, a, b)
	if err != nil {
		toA.Close()
		return nil, err
	}
	return newRelay(toA, toB, s.f.relayEvents([2]*Speaker{a, b}, s.poke)), nil
}

func dialFrom(ctx context.Context, from, to *Speaker) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from.addr.AsSlice()}, Timeout: dialWait}
	c, err := d.DialContext(ctx, "tcp4", to.ListenAddr().String())
	if err == nil {
		to.dialed.Add(1)
	}
	return c, err
}
