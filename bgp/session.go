package bgp

import (
	"context"
	"errors"
	"fmt"
	"net"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/vpnsim/vpnsim/vrf"
)

// SessionConfig describes a BGP session between two speakers.
type SessionConfig struct {
	A, B   *Speaker
	Family Family
	// EVPN makes the session also carry l2vpn-evpn (AFI 25, SAFI 70, see
	// evpn.go); only with Family VPNv4.
	EVPN bool
	// BIsRRClientOfA makes A a route reflector and B its client (PE–RR).
	// Leave it false for RR–RR, a PE–PE full mesh and eBGP.
	BIsRRClientOfA bool
	// BImports, when not nil, are the route targets B imports: A then
	// sends B only the VPN paths (VPNv4, and EVPN with EVPN set: list the
	// EVPN instances' targets too) carrying at least one of them, and none
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
	// RouteUpdatesAToB and RouteUpdatesBToA count the same UPDATEs without
	// the settle markers (marker.go): the routes and withdrawals sent.
	RouteUpdatesAToB, RouteUpdatesBToA uint64
	// WireUpdatesAToB and WireUpdatesBToA count the UPDATE messages the
	// relay wrote: fewer than UpdatesAToB and UpdatesBToA where it packed
	// several into one (pack.go).
	WireUpdatesAToB, WireUpdatesBToA uint64
	// LastError says why the session last failed on its own (not because
	// it was set down); "" if it never did.
	LastError string
}

// Session is a BGP session between two speakers, joined by the fabric's
// relay. Its desired state is set with SetUp; its controller (controller.go)
// brings the real state there.
type Session struct {
	*controller
	cfg SessionConfig
	// rrPeering marks a session between two route reflectors of one AS
	// that are not each other's clients; see reflectorPeering.
	rrPeering bool
}

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
		st.RouteUpdatesAToB = r.dirs[0].routeUpdates.Load()
		st.RouteUpdatesBToA = r.dirs[1].routeUpdates.Load()
		st.WireUpdatesAToB = r.dirs[0].wireUpdates.Load()
		st.WireUpdatesBToA = r.dirs[1].wireUpdates.Load()
	}
	st.LastError = s.lastError()
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
func (s *Session) SetUp(up bool) { s.setUp(up) }

// AddSession configures a session between two speakers of the fabric,
// initially down. Both speakers get the other as a passive neighbour (they
// never dial: the fabric does).
func (f *Fabric) AddSession(cfg SessionConfig) (*Session, error) {
	if err := f.checkSession(cfg); err != nil {
		return nil, err
	}
	s := &Session{cfg: cfg}
	s.controller = newController(f, cfg.A.cfg.Name+"–"+cfg.B.cfg.Name, s, []end{
		{cfg.A, cfg.B.addr.String(), func() *api.Peer { return s.neighbour(cfg.A, cfg.B, cfg.BIsRRClientOfA || s.rrPeering, cfg.AOptions) }},
		{cfg.B, cfg.A.addr.String(), func() *api.Peer { return s.neighbour(cfg.B, cfg.A, s.rrPeering, cfg.BOptions) }},
	})
	s.retryDelay = retryDelay
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
	if cfg.Family == VPNv4 {
		for _, x := range [][2]*Speaker{{cfg.A, cfg.B}, {cfg.B, cfg.A}} {
			sp := x[0]
			sp.wireMu.Lock()
			if sp.wireIn == nil {
				sp.wireIn = map[string]*Session{}
			}
			sp.wireIn[x[1].addr.String()] = s
			sp.wireMu.Unlock()
		}
	}
	s.watch()
	f.wg.Add(1)
	f.mu.Unlock()
	go func() {
		defer f.wg.Done()
		s.run()
	}()
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
	case cfg.EVPN && cfg.Family != VPNv4:
		return fmt.Errorf("session %s: l2vpn-evpn rides beside VPNv4 only, not %v", name, cfg.Family)
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
	if s.cfg.EVPN {
		p.AfiSafis = append(p.AfiSafis, &api.AfiSafi{Config: &api.AfiSafiConfig{Family: L2VPNEVPN.api(), Enabled: true}})
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

// dial connects to A's listener from B's address and to B's listener from
// A's address, and starts the relay between the two connections: each
// speaker sees a connection from its neighbour's address, as if the other
// had dialled.
func (s *Session) dial(net.Conn) (*relay, error) {
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
	ev := s.f.relayEvents([2]*Speaker{a, b}, s.poke)
	if s.cfg.Family == VPNv4 {
		ev.adjIn = [2]*adjIn{newAdjIn(), newAdjIn()}
	}
	return newRelay(toA, toB, ev), nil
}

// wireAdjIn is the Adj-RIB-In sp holds from the other end of s, as the
// relay kept it (adjin.go): ok is false when GoBGP must be asked (the
// session is between states, or the relay could not read what it
// passed); t is nil and ok true when sp holds nothing from it (no relay:
// the session never came up, or went down and GoBGP dropped its routes
// before the relay was let go, see controller.step).
func (s *Session) wireAdjIn(sp *Speaker) (t *adjIn, ok bool) {
	dir := 0 // A to B
	if sp == s.cfg.A {
		dir = 1
	}
	r := s.relay.Load()
	if r == nil {
		return nil, !s.established.Load()
	}
	if !s.established.Load() || r.isDone() {
		return nil, false
	}
	t = r.ev.adjIn[dir]
	if t == nil || !t.usable() {
		return nil, false
	}
	return t, true
}

func dialFrom(ctx context.Context, from, to *Speaker) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from.addr.AsSlice()}, Timeout: dialWait}
	c, err := d.DialContext(ctx, "tcp4", to.ListenAddr().String())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", to.cfg.Name, err)
	}
	to.dialed.Add(1)
	return c, nil
}

// closeRelay closes the connections: each speaker sees its neighbour go.
func (s *Session) closeRelay(r *relay, _ bool) { r.close() }

func (s *Session) ended(r *relay) string { return "closed by a speaker: " + r.err.Error() }

func (s *Session) logFail(msg string) {
	s.f.log.Warn("bgp session failed", "session", s.name, "error", msg)
}

// A session takes no connection from outside.
func (s *Session) collide(c net.Conn)    { c.Close() }
func (s *Session) refuseDown(c net.Conn) { c.Close() }

// SetImports replaces the route targets each side imports (the filters
// SessionConfig.AImports and BImports set up) and reports whether a filter
// changed; the caller then resets the session (SetUp false, then true),
// after which each side holds what its new filter gives: the routes
// carrying a newly imported target arrive, the others are gone. A side
// whose filter was nil stays unfiltered.
func (s *Session) SetImports(aImports, bImports []vrf.RouteTarget) (bool, error) {
	changed := false
	for _, x := range []struct {
		from, to *Speaker
		rts      []vrf.RouteTarget
		had      []vrf.RouteTarget
	}{{s.cfg.A, s.cfg.B, bImports, s.cfg.BImports}, {s.cfg.B, s.cfg.A, aImports, s.cfg.AImports}} {
		if x.had == nil || x.rts == nil {
			continue
		}
		ch, err := x.from.setExportTargets(x.to, x.rts)
		if err != nil {
			return changed, fmt.Errorf("session %s: route-target filter toward %s: %w", s.name, x.to.cfg.Name, err)
		}
		changed = changed || ch
	}
	if aImports != nil && s.cfg.AImports != nil {
		s.cfg.AImports = aImports
	}
	if bImports != nil && s.cfg.BImports != nil {
		s.cfg.BImports = bImports
	}
	return changed, nil
}
