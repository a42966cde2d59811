package bgp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/vrf"
)

// ExternalPeerConfig describes a BGP router outside the model (FRR, GoBGP,
// a lab router) that peers with one of the fabric's speakers over VPNv4.
type ExternalPeerConfig struct {
	// Name names the peer in states, logs and RIBs (VPNPath.FromPeer).
	// Unique among the fabric's speakers and external peers.
	Name string
	// Speaker is the simulated route reflector or PE it peers with. A
	// speaker with a cluster ID treats it as a route-reflector client;
	// any other as an iBGP neighbour.
	Speaker *Speaker
	// Address is the router's own socket address in 127.0.0.0/8: the
	// fabric accepts a connection from it only.
	Address netip.Addr
	// ASN is the router's AS: the speaker's own (the peer is iBGP).
	ASN uint32
	// Listen is where the fabric accepts the router's connection for
	// Speaker, in 127.0.0.0/8. Port 0 picks a free port (see ListenAddr).
	Listen netip.AddrPort
	// Imports, when not nil, are the route targets the router imports:
	// the speaker sends it only the VPN paths that carry one of them, as
	// toward the fabric's own PEs (SessionConfig.BImports: RFC 4684's
	// effect, by configuration). Nil sends it every path.
	Imports []vrf.RouteTarget
}

// ExternalState is a snapshot of an external peer.
type ExternalState struct {
	Name, Speaker string
	Address       netip.Addr
	Listen        netip.AddrPort
	// Desired is what the simulator asked for (SetUp): connections are
	// accepted only while it is true.
	Desired bool
	// Established is true while the speaker has the session in
	// Established and the fabric's relay joins it to the router.
	Established bool
	// UpdatesIn and UpdatesOut count the UPDATEs relayed from and to the
	// router since the session last came up.
	UpdatesIn, UpdatesOut uint64
	// Sessions counts the connections accepted and relayed; Refused the
	// connections turned away, LastRefused why the last one was.
	Sessions, Refused uint64
	LastRefused       string
	// LastError says why a session last ended while it was wanted ("" if
	// none did): the router closed it, a NOTIFICATION, a framing error.
	LastError string
	// LastDown says why the last session ended, wanted or not (set down
	// in the model included), with the NOTIFICATION that ended it, if
	// any, its code and subcode, and who sent it.
	LastDown string
	// HoldTime is the running session's negotiated hold time in seconds
	// (the smaller of the two OPENs' Hold Time, RFC 4271 section 4.2), 0
	// before both OPENs are exchanged. The speaker sends a KEEPALIVE every
	// third of it, and drops the router with NOTIFICATION Hold Timer
	// Expired (4/0) when nothing arrives from it for that long (GoBGP's
	// FSM does both).
	HoldTime uint32
}

// ExternalPeer is a router outside the model peering with one speaker.
//
// The fabric, not GoBGP, listens for it: a listening socket of its own at
// the configured address and port accepts one connection, from the
// router's address only, dials the speaker's listener from that same
// address (so GoBGP sees its configured neighbour) and relays whole
// messages between the two, like a simulated session. The speaker's
// neighbour is passive and never dials. When a session ends the neighbour
// is deleted and re-added, which withdraws every route it learned from the
// router at once and leaves a fresh neighbour for the next connection; a
// new connection from the router replaces a running session.
type ExternalPeer struct {
	*controller // conns: accepted from the router's address
	cfg         ExternalPeerConfig
	ln          net.Listener

	lastRefused atomic.Pointer[string]
	lastDown    atomic.Pointer[string]
	sessions    atomic.Uint64
	refused     atomic.Uint64
}

// Name is the peer's name.
func (e *ExternalPeer) Name() string { return e.cfg.Name }

// Config returns the peer's configuration (Listen as given; see ListenAddr).
func (e *ExternalPeer) Config() ExternalPeerConfig { return e.cfg }

// ListenAddr is where the fabric accepts the router's connection.
func (e *ExternalPeer) ListenAddr() netip.AddrPort {
	return e.ln.Addr().(*net.TCPAddr).AddrPort()
}

// State returns a snapshot of the peer.
func (e *ExternalPeer) State() ExternalState {
	st := ExternalState{
		Name: e.cfg.Name, Speaker: e.cfg.Speaker.cfg.Name, Address: e.cfg.Address, Listen: e.ListenAddr(),
		Desired: e.desired.Load(), Established: e.established.Load(),
		Sessions: e.sessions.Load(), Refused: e.refused.Load(),
	}
	if r := e.relay.Load(); r != nil {
		st.UpdatesOut = r.dirs[0].writtenUpdates.Load()
		st.UpdatesIn = r.dirs[1].writtenUpdates.Load()
		var ok bool
		if st.HoldTime, ok = r.negotiatedHold(); !ok && st.Established && r.opens[1].Load() {
			// Established before the relay has read the speaker's own
			// OPEN off the socket: that OPEN carries holdTime.
			st.HoldTime = min(holdTime, r.hold[1].Load())
		}
	}
	if s := e.lastDown.Load(); s != nil {
		st.LastDown = *s
	}
	st.LastError = e.lastError()
	if s := e.lastRefused.Load(); s != nil {
		st.LastRefused = *s
	}
	return st
}

// SetUp sets whether the router may be connected: true while the speaker
// is up in the model. Set down, a running session is closed (its routes
// withdrawn) and connections are refused until it is set up again. As for
// a Session, every SetUp(false) takes effect, even when SetUp(true) follows
// before the fabric acted: the router gets its Administrative Shutdown. A
// new external peer starts down.
func (e *ExternalPeer) SetUp(up bool) { e.setUp(up) }

// ExternalPeers returns every external peer in creation order.
func (f *Fabric) ExternalPeers() []*ExternalPeer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*ExternalPeer(nil), f.externals...)
}

// AddExternalPeer opens the listening socket for a router outside the
// model and configures the speaker's neighbour for it. The peer starts
// down: see SetUp.
func (f *Fabric) AddExternalPeer(cfg ExternalPeerConfig) (*ExternalPeer, error) {
	if err := f.checkExternal(cfg); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp4", cfg.Listen.String())
	if err != nil {
		return nil, fmt.Errorf("external peer %s: cannot listen on %s for %s: %w", cfg.Name, cfg.Listen, cfg.Speaker.cfg.Name, err)
	}
	e := &ExternalPeer{cfg: cfg, ln: ln}
	sp := cfg.Speaker
	if cfg.Imports != nil {
		if err := sp.exportFilterTo(cfg.Address, netip.Addr{}, cfg.Imports); err != nil {
			ln.Close()
			return nil, fmt.Errorf("external peer %s: route-target filter: %w", cfg.Name, err)
		}
	}
	e.controller = newController(f, cfg.Name, e, []end{{sp, cfg.Address.String(), e.neighbour}})
	e.conns = make(chan net.Conn)
	if err := e.configure(); err != nil {
		ln.Close()
		return nil, fmt.Errorf("external peer %s: %w", cfg.Name, err)
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		ln.Close()
		return nil, ErrClosed
	}
	f.externals = append(f.externals, e)
	var l []*ExternalPeer
	if old := sp.externals.Load(); old != nil {
		l = append(l, *old...)
	}
	l = append(l, e)
	sp.externals.Store(&l)
	e.watch()
	f.wg.Add(2)
	f.mu.Unlock()
	go e.accept()
	go func() {
		defer f.wg.Done()
		defer e.ln.Close()
		e.run()
	}()
	f.log.Debug("bgp external peer", "peer", cfg.Name, "speaker", sp.cfg.Name, "listen", e.ListenAddr(), "address", cfg.Address)
	return e, nil
}

func (f *Fabric) checkExternal(cfg ExternalPeerConfig) error {
	if cfg.Speaker == nil {
		return fmt.Errorf("external peer %s: no speaker given", cfg.Name)
	}
	sp := cfg.Speaker
	switch {
	case cfg.Name == "":
		return errors.New("external peer: the name is empty")
	case sp.f != f:
		return fmt.Errorf("external peer %s: speaker %s belongs to another fabric", cfg.Name, sp.cfg.Name)
	case !cfg.Address.Is4() || !cfg.Address.IsLoopback():
		return fmt.Errorf("external peer %s: address %v is not an IPv4 address in 127.0.0.0/8", cfg.Name, cfg.Address)
	case !cfg.Listen.Addr().Is4() || !cfg.Listen.Addr().IsLoopback():
		return fmt.Errorf("external peer %s: listen address %v is not in 127.0.0.0/8", cfg.Name, cfg.Listen)
	case cfg.ASN != sp.cfg.ASN:
		return fmt.Errorf("external peer %s: AS %d is not %s's AS %d; an external peer is an iBGP peer", cfg.Name, cfg.ASN, sp.cfg.Name, sp.cfg.ASN)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	if f.byName[cfg.Name] != nil {
		return fmt.Errorf("external peer %s: a speaker of that name exists", cfg.Name)
	}
	if o := f.byAddr[cfg.Address.String()]; o != nil {
		return fmt.Errorf("external peer %s: %v is the socket address of speaker %s; choose an address in 127.0.0.0/16", cfg.Name, cfg.Address, o.cfg.Name)
	}
	for _, o := range f.externals {
		switch {
		case o.cfg.Name == cfg.Name:
			return fmt.Errorf("external peer %s: an external peer of that name exists", cfg.Name)
		case o.cfg.Speaker == sp && o.cfg.Address == cfg.Address:
			return fmt.Errorf("external peer %s: %s already has external peer %s at %v", cfg.Name, sp.cfg.Name, o.cfg.Name, cfg.Address)
		}
	}
	return nil
}

// neighbour is the speaker's configuration of the router: passive, VPNv4,
// a route-reflector client when the speaker reflects, and RFC 7606 error
// handling (GoBGP's default: a malformed attribute withdraws the UPDATE's
// routes instead of resetting the session).
func (e *ExternalPeer) neighbour() *api.Peer {
	sp := e.cfg.Speaker
	p := &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: e.cfg.Address.String(), PeerAsn: e.cfg.ASN, Description: "external peer " + e.cfg.Name},
		Transport: &api.Transport{
			LocalAddress: sp.addr.String(),
			PassiveMode:  true,
		},
		Timers: &api.Timers{Config: &api.TimersConfig{
			ConnectRetry:      1,
			HoldTime:          holdTime,
			KeepaliveInterval: holdTime / 3,
		}},
		AfiSafis: []*api.AfiSafi{{Config: &api.AfiSafiConfig{Family: VPNv4.api(), Enabled: true}}},
	}
	if sp.cfg.ClusterID.IsValid() {
		p.RouteReflector = &api.RouteReflector{
			RouteReflectorClient:    true,
			RouteReflectorClusterId: sp.cfg.ClusterID.String(),
		}
	}
	return p
}

// accept takes connections and hands those from the router's address to
// the controller; any other is refused.
func (e *ExternalPeer) accept() {
	defer e.f.wg.Done()
	for {
		c, err := e.ln.Accept()
		if err != nil {
			if e.f.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			e.f.log.Warn("bgp external peer: accepting a connection failed", "peer", e.cfg.Name, "error", err)
			select {
			case <-time.After(100 * time.Millisecond): // such errors (out of files) last a while
			case <-e.f.ctx.Done():
				return
			}
			continue
		}
		from := c.RemoteAddr().(*net.TCPAddr).AddrPort()
		if from.Addr().Unmap() != e.cfg.Address {
			e.refuse(c, fmt.Sprintf("a connection from %v: only %s at %v may connect to %v", from, e.cfg.Name, e.cfg.Address, e.ListenAddr()))
			continue
		}
		select {
		case e.conns <- c:
		case <-e.f.ctx.Done():
			c.Close()
			return
		}
	}
}

// refuse turns a connection away with a Cease NOTIFICATION (Connection
// Rejected, RFC 4486), and records and logs why.
func (e *ExternalPeer) refuse(c net.Conn, why string) { e.refuseWith(c, subConnectionReject, why) }

// refuseWith turns a connection away with a Cease NOTIFICATION of the
// given subcode.
func (e *ExternalPeer) refuseWith(c net.Conn, subcode uint8, why string) {
	e.lastRefused.Store(&why)
	e.refused.Add(1)
	e.f.log.Warn("bgp external peer: refused "+why, "peer", e.cfg.Name, "speaker", e.cfg.Speaker.cfg.Name)
	e.f.notify()
	sendNotification(c, errCease, subcode, nil)
	c.Close()
}

// notify fires Changed without counting as BGP activity (a refused
// connection moves nothing).
func (f *Fabric) notify() {
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// dial connects to the speaker's listener from the router's address, so
// that GoBGP sees its configured neighbour, and relays pending, the
// router's connection, to it; on failure pending is closed.
func (e *ExternalPeer) dial(pending net.Conn) (*relay, error) {
	sp := e.cfg.Speaker
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: e.cfg.Address.AsSlice()}, Timeout: dialWait}
	toSp, err := d.DialContext(e.f.ctx, "tcp4", sp.ListenAddr().String())
	if err != nil {
		pending.Close()
		return nil, fmt.Errorf("%s: %w", sp.cfg.Name, err)
	}
	sp.dialed.Add(1)
	ev := e.f.relayEvents([2]*Speaker{sp, nil}, e.poke)
	ev.openFirst[1] = true // the router's first message must be its OPEN
	ev.openRewrite[0] = func(msg []byte) []byte { return withHostname(msg, sp.cfg.Name) }
	ev.check = func(dir int, msg []byte) error {
		if dir == 1 { // from the router
			if err := guardVPN(msg); err != nil {
				return err
			}
			return gobgpParses(msg)
		}
		return nil
	}
	e.sessions.Add(1)
	return newRelay(toSp, pending, ev), nil
}

// closeRelay ends the session; one set down in the model gets the Cease
// NOTIFICATION a router that is shut down sends its peers (RFC 4486).
func (e *ExternalPeer) closeRelay(r *relay, down bool) {
	if down {
		r.closeWith(1, errCease, subAdminShutdown, e.cfg.Speaker.cfg.Name+" is down in the model")
	} else {
		r.close()
	}
	why := e.why(r)
	e.lastDown.Store(&why)
}

func (e *ExternalPeer) ended(r *relay) string { return "session ended: " + e.why(r) }

// why says why the relay r ended, naming the NOTIFICATION that ended it:
// one the router sent ("ext1 sent NOTIFICATION 6/2 (Cease, Administrative
// Shutdown)"), one the speaker sent (GoBGP: hold timer expiry, an OPEN
// it refuses), or one the relay sent (framing, a malformed UPDATE, the
// node set down), after the relay's own reason.
func (e *ExternalPeer) why(r *relay) string {
	why := r.err.Error()
	n := r.note.Load()
	if n == nil {
		return why
	}
	sp := e.cfg.Speaker.cfg.Name
	switch {
	case n.byRelay:
		return fmt.Sprintf("%s; %v sent to %s", why, *n, e.cfg.Name)
	case n.from == 1:
		return fmt.Sprintf("%s sent %v", e.cfg.Name, *n)
	case n.code == bgp.BGP_ERROR_HOLD_TIMER_EXPIRED:
		hold, _ := r.negotiatedHold()
		return fmt.Sprintf("%s sent %v: nothing from %s for the negotiated hold time of %d s (RFC 4271 section 6.5)", sp, *n, e.cfg.Name, hold)
	default:
		return fmt.Sprintf("%s sent %v to %s", sp, *n, e.cfg.Name)
	}
}

func (e *ExternalPeer) logFail(msg string) {
	e.f.log.Warn("bgp external peer: "+msg, "peer", e.cfg.Name, "speaker", e.cfg.Speaker.cfg.Name)
}

// collide refuses a connection that collides with an Established session:
// RFC 4271 section 6.8, the established session stays.
func (e *ExternalPeer) collide(c net.Conn) {
	e.refuseWith(c, subCollision, fmt.Sprintf("a second connection from %s while its session is established (RFC 4271 section 6.8: the established session stays)", e.cfg.Address))
}

// refuseDown refuses a connection while the speaker is down in the model.
func (e *ExternalPeer) refuseDown(c net.Conn) {
	e.refuse(c, fmt.Sprintf("a connection from %s: %s is down in the model", e.cfg.Address, e.cfg.Speaker.cfg.Name))
}

// peerName maps a neighbour's socket address to its model name: a speaker
// of the fabric or one of this speaker's external peers ("" if none).
func (sp *Speaker) peerName(addr string) string {
	if n := sp.f.nameOf(addr); n != "" {
		return n
	}
	if l := sp.externals.Load(); l != nil {
		for _, e := range *l {
			if e.cfg.Address.String() == addr {
				return e.cfg.Name
			}
		}
	}
	return ""
}

// externalsSettled is Settled's part for external peers. What a router
// holds cannot be read, and a router that reads slowly, or never, must not
// hold the model up: so the only check is that every UPDATE relayed from
// a session GoBGP has in Established has reached the speaker's GoBGP
// (received, or discarded as malformed: see Speaker.received).
func (f *Fabric) externalsSettled() (bool, string) {
	for _, e := range f.ExternalPeers() {
		r := e.relay.Load()
		if r == nil || r.isDone() {
			continue
		}
		sp := e.cfg.Speaker
		recv, up, err := sp.received(e.cfg.Address.String())
		if err != nil {
			return false, err.Error()
		}
		in := &r.dirs[1]
		read, written := in.readUpdates.Load(), in.writtenUpdates.Load()
		if up && (read != written || recv != written || in.pending.Load() != 0) {
			return false, fmt.Sprintf("UPDATEs in flight from external peer %s to %s (relayed %d, received %d)",
				e.cfg.Name, sp.cfg.Name, written, recv)
		}
	}
	return true, ""
}

// gobgpParses reports an UPDATE that GoBGP's parser cannot survive. GoBGP
// v3.37 decodes a message from a neighbour without recovering from a
// panic, and some malformed UPDATEs make its decoder index past the end
// of the message (a VPN-IPv4 NLRI too short for its route distinguisher,
// for one): the panic would take the whole process down. So the relay
// parses every UPDATE from a router with GoBGP's own parser first; one
// that panics resets only that router's session. Errors the parser
// returns are left to GoBGP, which handles them itself (RFC 7606).
func gobgpParses(msg []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed UPDATE: GoBGP's parser fails on it (%v)", r)
		}
	}()
	// Clipped: GoBGP's own buffer ends with the message, and its decoder
	// slices past a field's end (which panics only at the capacity).
	bgp.ParseBGPMessage(msg[:len(msg):len(msg)])
	return nil
}

// withHostname returns the OPEN msg with the hostname in its FQDN
// capability (draft-walton-bgp-hostname-capability, which FRR shows as the
// neighbour's hostname) set to name: GoBGP puts the machine's host name
// there, where a router puts its own name. An OPEN that does not parse,
// or has no such capability, is returned as it is.
func withHostname(msg []byte, name string) []byte {
	m, err := bgp.ParseBGPMessage(msg)
	if err != nil {
		return msg
	}
	open, ok := m.Body.(*bgp.BGPOpen)
	if !ok {
		return msg
	}
	found := false
	for _, p := range open.OptParams {
		c, ok := p.(*bgp.OptionParameterCapability)
		if !ok {
			continue
		}
		for i, cp := range c.Capability {
			if f, ok := cp.(*bgp.CapFQDN); ok {
				// GoBGP's decoder takes the domain name to the end of the
				// optional parameter, not of the capability: when more
				// capabilities follow in the same parameter (GoBGP's own
				// OPEN), the rest is the length byte's.
				domain := f.DomainName
				if len(domain) > int(f.DomainNameLen) {
					domain = domain[:f.DomainNameLen]
				}
				c.Capability[i] = bgp.NewCapFQDN(name, domain)
				found = true
			}
		}
	}
	if !found {
		return msg
	}
	m.Header.Len = 0 // recomputed: Serialize keeps a length already set
	for _, p := range open.OptParams {
		if c, ok := p.(*bgp.OptionParameterCapability); ok {
			c.ParamLen = 0
		}
	}
	out, err := m.Serialize()
	if err != nil {
		return msg
	}
	return out
}
