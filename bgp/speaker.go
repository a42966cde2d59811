package bgp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/vpnsim/vpnsim/vrf"
)

// SpeakerConfig describes one BGP speaker of the model.
type SpeakerConfig struct {
	// Name is the model node name, e.g. "PE1", "RR1", or "PE1/A1" for a
	// PE's per-attachment speaker. Unique within a fabric.
	Name string
	ASN  uint32
	// RouterID is the node's model loopback. It is only ever an attribute
	// value (BGP identifier, ORIGINATOR_ID), never a socket address.
	RouterID netip.Addr
	// ClusterID is set on route reflectors (to their loopback) and is the
	// CLUSTER_ID they add when reflecting to their clients. Zero otherwise.
	ClusterID netip.Addr
	// Decides makes the caller this speaker's VPNv4 decision process: what
	// it receives stays in the Adj-RIB-In (AdjRIBInVPNv4), and it sends
	// only what the caller gives Reflect. See decide.go.
	Decides bool
}

// Speaker is one embedded GoBGP server, listening on its own 127.x.y.z
// address.
type Speaker struct {
	f    *Fabric
	cfg  SpeakerConfig
	addr netip.Addr // socket address, 127.x.y.z
	port int
	srv  *server.BgpServer

	// work counts this speaker's work (messages relayed to or from it
	// other than settle markers, local changes, neighbours added or
	// deleted); the RIB audit uses it to skip sessions whose two ends did
	// nothing since they were last in sync.
	work atomic.Uint64

	// processed counts the FSM messages the main loop handled, markersIn
	// the settle markers relayed to it; announced is the most that
	// processed-markersIn has been when the hook last told Changed's
	// readers (the main loop's own).
	processed, markersIn atomic.Uint64
	announced            int64

	// Connections the fabric dialled to this speaker's listener, and
	// connections GoBGP's main loop took from the listener (and handed to a
	// neighbour or closed); moved is signalled whenever the loop handled a
	// message or a connection.
	dialed, accepted atomic.Uint64
	moved            chan struct{}

	serveDone chan struct{}
	park      atomic.Pointer[parking] // a request to hold the main loop, see startServer
	exit      atomic.Bool             // makes the main loop leave, see stop

	sessions  atomic.Pointer[[]*Session]      // sessions this speaker takes part in (copy on write)
	externals atomic.Pointer[[]*ExternalPeer] // its external peers (copy on write)

	mu     sync.RWMutex // held for reading around every GoBGP call; stop takes it for writing
	closed bool

	policyMu  sync.Mutex // reflectorPeering
	hasPolicy bool

	// Deleted neighbours' FSMs, counted per address, and how many of them
	// GoBGP has finished off; stop waits for the two to agree.
	fsmMu       sync.Mutex
	fsmsDeleted map[string]int
	fsmsFreed   map[string]int
	fsmFreedCh  chan struct{}
}

// Config returns the speaker's configuration.
func (sp *Speaker) Config() SpeakerConfig { return sp.cfg }

// Name is the speaker's model name.
func (sp *Speaker) Name() string { return sp.cfg.Name }

// ListenAddr is where the speaker accepts BGP connections: its own
// 127.x.y.z address and the fabric's port. GoBGP accepts a connection only
// from the address of a configured neighbour.
func (sp *Speaker) ListenAddr() netip.AddrPort {
	return netip.AddrPortFrom(sp.addr, uint16(sp.port))
}

// hook is GoBGP's timing hook: GoBGP calls Observe on the speaker's main
// loop after every management operation, accepted connection and FSM
// message (UPDATE, state change) it handled. It is the speaker's only
// synchronous view into that loop.
//
// A handled message tells Changed's readers unless it may have been a
// settle marker, which changes nothing they read: at least
// processed-markersIn of the messages handled were not markers (markersIn
// is counted before the relay writes), so the hook tells them whenever
// that bound rises. It has risen to its final value by the time the last
// message that was not a marker has been handled, and not before.
type hook struct{ sp *Speaker }

func (h hook) Observe(op server.FSMOperation, _, _ time.Duration) {
	sp := h.sp
	switch op {
	case server.FSMMessage, server.FSMAccept:
		if op == server.FSMAccept {
			sp.accepted.Add(1)
			sp.f.note(true)
		} else {
			n := int64(sp.processed.Add(1)) - int64(sp.markersIn.Load())
			tell := n > sp.announced
			if tell {
				sp.announced = n
			}
			sp.f.note(tell)
		}
		select {
		case sp.moved <- struct{}{}:
		default:
		}
		if l := sp.sessions.Load(); l != nil {
			for _, s := range *l {
				s.observe()
			}
		}
		if l := sp.externals.Load(); l != nil {
			for _, e := range *l {
				e.observe()
			}
		}
	}
	if p := sp.park.Swap(nil); p != nil {
		close(p.parked)
		<-p.release
		if sp.exit.Load() {
			panic(errServeExit)
		}
	}
}

// touch records work in the speaker (and so in the fabric).
func (sp *Speaker) touch() {
	sp.work.Add(1)
	sp.f.touch()
}

// errServeExit unwinds GoBGP's Serve loop, which has no way to return (see
// stop).
var errServeExit = errors.New("bgp: speaker stopped")

// GoBGP's StartBgp writes package-level best-path options
// (table.SelectionOptions) that every server's main loop reads, and
// ListPath reads them on the caller's goroutine. The writes are identical
// (every speaker uses the same options) but they are still data races. So
// StartBgp runs with the world parked: every running speaker's main loop is
// held inside its timing hook, and no ListPath is in progress.
var globals struct {
	mu      sync.RWMutex // Lock: StartBgp; RLock: ListPath
	running map[*Speaker]struct{}
}

type parking struct {
	parked  chan struct{}
	release chan struct{}
}

func startServer(sp *Speaker, req *api.StartBgpRequest) error {
	globals.mu.Lock()
	defer globals.mu.Unlock()
	release := make(chan struct{})
	var wg sync.WaitGroup
	for other := range globals.running {
		p := &parking{parked: make(chan struct{}), release: release}
		other.park.Store(p)
		wg.Add(1)
		go func() { // an operation, so that the hook runs soon
			defer wg.Done()
			other.srv.GetBgp(context.Background(), &api.GetBgpRequest{})
		}()
		<-p.parked
	}
	err := sp.srv.StartBgp(context.Background(), req)
	close(release)
	wg.Wait()
	if err == nil {
		if globals.running == nil {
			globals.running = map[*Speaker]struct{}{}
		}
		globals.running[sp] = struct{}{}
	}
	return err
}

// pickAddr chooses the next socket address to try; tests replace it.
var pickAddr = random127

// random127 picks a socket address in 127.0.0.0/8 outside 127.0.0.0/16
// (where 127.0.0.1 and the resolvers' addresses live) and never a .0 or
// .255 host.
func random127() netip.Addr {
	return netip.AddrFrom4([4]byte{127, byte(1 + rand.IntN(254)), byte(rand.IntN(256)), byte(1 + rand.IntN(254))})
}

// AddSpeaker starts a speaker. It binds a random 127.x.y.z address (never
// 127.0.0.1) on the fabric's port, trying other addresses while the bind
// fails, so many fabrics in one process and in parallel processes do not
// collide.
func (f *Fabric) AddSpeaker(cfg SpeakerConfig) (*Speaker, error) {
	if err := f.checkSpeaker(cfg); err != nil {
		return nil, err
	}
	sp := &Speaker{
		f: f, cfg: cfg, port: f.opts.ListenPort, serveDone: make(chan struct{}), moved: make(chan struct{}, 1),
		fsmsDeleted: map[string]int{}, fsmsFreed: map[string]int{}, fsmFreedCh: make(chan struct{}, 1),
	}
	sp.srv = server.NewBgpServer(
		server.LoggerOption(newGobgpLogger(f.log, f.opts.Verbose, &f.closing, cfg.Name, sp.fsmFreed)),
		server.TimingHookOption(hook{sp}),
	)
	go sp.serve()

	var err error
	for range 32 {
		sp.addr = pickAddr()
		err = startServer(sp, &api.StartBgpRequest{Global: &api.Global{
			Asn:             cfg.ASN,
			RouterId:        cfg.RouterID.String(),
			ListenPort:      int32(sp.port),
			ListenAddresses: []string{sp.addr.String()},
			RouteSelectionOptions: &api.RouteSelectionOptionsConfig{
				ExternalCompareRouterId: true,
			},
		}})
		if err == nil || !(errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL)) {
			break
		}
	}
	if err != nil {
		sp.stop()
		return nil, fmt.Errorf("speaker %s: cannot listen on a 127.0.0.0/8 address, port %d: %w", cfg.Name, sp.port, err)
	}
	if err := sp.markerPolicies(); err != nil {
		sp.stop()
		return nil, fmt.Errorf("speaker %s: installing its settle-marker policies: %w", cfg.Name, err)
	}
	if cfg.Decides {
		if err := sp.decidesPolicies(); err != nil {
			sp.stop()
			return nil, fmt.Errorf("speaker %s: installing its decision policy: %w", cfg.Name, err)
		}
	}

	f.mu.Lock()
	if f.closed || f.byName[cfg.Name] != nil {
		closed := f.closed
		f.mu.Unlock()
		sp.stop()
		if closed {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("speaker %s: a speaker of that name already exists", cfg.Name)
	}
	f.speakers = append(f.speakers, sp)
	f.byAddr[sp.addr.String()] = sp
	f.byName[cfg.Name] = sp
	f.mu.Unlock()
	f.log.Debug("bgp speaker up", "speaker", cfg.Name, "asn", cfg.ASN, "router-id", cfg.RouterID, "listen", sp.ListenAddr())
	return sp, nil
}

func (f *Fabric) checkSpeaker(cfg SpeakerConfig) error {
	switch {
	case cfg.Name == "":
		return errors.New("bgp speaker: the name is empty")
	case cfg.ASN == 0:
		return fmt.Errorf("speaker %s: AS number 0 is not valid; give 1 to 4294967295", cfg.Name)
	case !cfg.RouterID.Is4() || cfg.RouterID.IsUnspecified():
		return fmt.Errorf("speaker %s: router ID %v must be a non-zero IPv4 address (the node's loopback)", cfg.Name, cfg.RouterID)
	case cfg.ClusterID.IsValid() && !cfg.ClusterID.Is4():
		return fmt.Errorf("speaker %s: cluster ID %v must be an IPv4 address", cfg.Name, cfg.ClusterID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	if f.byName[cfg.Name] != nil {
		return fmt.Errorf("speaker %s: a speaker of that name already exists", cfg.Name)
	}
	return nil
}

// serve runs GoBGP's main loop until stop makes it leave.
func (sp *Speaker) serve() {
	defer close(sp.serveDone)
	defer func() {
		if r := recover(); r != nil && r != errServeExit {
			panic(r)
		}
	}()
	// Labelled, so that a CPU profile tells the speakers apart
	// (go tool pprof -tagfocus bgp-speaker=RR1); the goroutines GoBGP
	// starts from its main loop, its FSMs among them, inherit the label.
	pprof.Do(context.Background(), pprof.Labels("bgp-speaker", sp.cfg.Name), func(context.Context) {
		sp.srv.Serve()
	})
}

// quiet tells whether the speaker holds no connection from the fabric in
// hand-over (dialled, not yet taken by the main loop) and remote's FSM is
// not in the OPEN exchange: deleting the neighbour then strands nothing
// (see Session.quiesce).
func (sp *Speaker) quiet(remote *Speaker) bool {
	return sp.accepted.Load() >= sp.dialed.Load() && !inHandshake(sp.peerState(remote))
}

func inHandshake(st api.PeerState_SessionState) bool {
	return st == api.PeerState_OPENSENT || st == api.PeerState_OPENCONFIRM
}

// fsmDeleted and fsmFreed count a neighbour's FSM deleted and, later,
// finished off by GoBGP's main loop.
func (sp *Speaker) fsmDeleted(addr string) {
	sp.fsmMu.Lock()
	sp.fsmsDeleted[addr]++
	sp.fsmMu.Unlock()
}

func (sp *Speaker) fsmFreed(addr string) {
	sp.fsmMu.Lock()
	sp.fsmsFreed[addr]++
	sp.fsmMu.Unlock()
	select {
	case sp.fsmFreedCh <- struct{}{}:
	default:
	}
}

func (sp *Speaker) fsmsAllFreed() bool {
	sp.fsmMu.Lock()
	defer sp.fsmMu.Unlock()
	for addr, n := range sp.fsmsDeleted {
		if sp.fsmsFreed[addr] != n {
			return false
		}
	}
	return true
}

// closeWait bounds stop's wait for GoBGP to finish off deleted FSMs.
var closeWait = 10 * time.Second

// stop shuts the speaker down.
//
// GoBGP's Stop deletes every neighbour and then zeroes the global
// configuration that the neighbours' FSM goroutines read, while those are
// still winding down: a data race. So the speaker deletes its neighbours
// itself first (once no connection is in hand-over or in the OPEN exchange,
// see Session.quiesce; the fabric closed the relays) and waits until GoBGP
// has finished off every FSM it ever deleted; Stop then only closes the
// listener.
//
// Serve loops forever. So the speaker then parks the main loop in its hook
// and, once no management operation can be waiting for it, unwinds the
// loop with errServeExit: no goroutine (and no RIB) is left behind.
//
// The loop must not leave while an operation is still queued for it: each
// round adds one operation (so that the hook runs again) and the loop
// leaves only once that operation has had its reply, which, operations
// being handled in order, means every earlier one has too.
func (sp *Speaker) stop() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.closed {
		return nil
	}
	sp.closed = true
	var addrs []string
	for {
		addrs = addrs[:0]
		handshake := false
		sp.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			addrs = append(addrs, p.Conf.NeighborAddress)
			handshake = handshake || inHandshake(p.GetState().GetSessionState())
		})
		if !handshake && sp.accepted.Load() >= sp.dialed.Load() {
			break
		}
		<-sp.moved // the relays are closed: the handshakes fail soon
	}
	for _, a := range addrs {
		if sp.srv.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: a}) == nil {
			sp.fsmDeleted(a)
		}
	}
	// GoBGP v3 says an FSM is finished off with its debug line "freed
	// fsm.h" (see log.go); a GoBGP that no longer says it must not hang
	// Close: after closeWait the speaker goes on, and says so.
	deadline := time.NewTimer(closeWait)
	defer deadline.Stop()
wait:
	for !sp.fsmsAllFreed() {
		select {
		case <-sp.fsmFreedCh:
		case <-deadline.C:
			sp.f.log.Warn("bgp: GoBGP did not report its neighbours' FSMs finished (no \"freed fsm.h\" line); stopping anyway", "speaker", sp.cfg.Name, "waited", closeWait)
			break wait
		}
	}
	sp.srv.Stop()
	// Only now, with every neighbour deleted and its routes withdrawn, does
	// the main loop stop reading GoBGP's package-level options: until here
	// a speaker starting elsewhere must park it like any running speaker.
	// Taking the lock also waits for such a start to release it, so that
	// the parking below is the only one.
	globals.mu.Lock()
	delete(globals.running, sp)
	globals.mu.Unlock()
	// One operation at a time. Nothing else can hand the loop work now
	// (no neighbour, no listener, and every other caller waits for sp.mu),
	// so the loop parks after handling this round's operation, whose reply
	// it has already handed over (GoBGP replies on an unbuffered channel
	// before the hook runs): replied is closed at once. Operations are
	// handled in order, so this one replied means every earlier one did.
	// Should the loop have parked on something else, this round's
	// operation is still queued behind it: after a short wait the loop is
	// released to handle it, and the next round looks again.
	//
	// Rarely (about one speaker in a thousand networks of the separation
	// property) GoBGP's main loop takes no operation for up to a hold
	// time after its neighbours were deleted. Close does not wait that
	// out: after unwindWait the unwinding goes on in the background and
	// ends, with every goroutine, as soon as the loop takes its next
	// operation.
	unwound := make(chan struct{})
	go func() {
		defer close(unwound)
		for done := false; !done; {
			p := &parking{parked: make(chan struct{}), release: make(chan struct{})}
			sp.park.Store(p)
			replied := make(chan struct{})
			go func() {
				sp.srv.GetBgp(context.Background(), &api.GetBgpRequest{})
				close(replied)
			}()
			<-p.parked
			select {
			case <-replied:
				done = true
			case <-time.After(10 * time.Millisecond):
			}
			sp.exit.Store(done)
			close(p.release)
		}
		<-sp.serveDone
	}()
	select {
	case <-unwound:
	case <-time.After(unwindWait):
		sp.f.log.Warn("bgp: GoBGP's main loop takes no operation; the speaker stops in the background", "speaker", sp.cfg.Name, "waited", unwindWait)
	}
	return nil
}

// unwindWait bounds how long stop waits for GoBGP's main loop to unwind.
var unwindWait = 2 * time.Second

// use runs fn unless the speaker is stopped.
func (sp *Speaker) use(fn func() error) error {
	sp.mu.RLock()
	defer sp.mu.RUnlock()
	if sp.closed {
		return ErrClosed
	}
	return fn()
}

// listPath streams the destinations GoBGP lists for req to fn, one at a
// time: a large table is never held twice, once in API form.
func (sp *Speaker) listPath(req *api.ListPathRequest, fn func(*api.Destination)) error {
	return sp.use(func() error {
		globals.mu.RLock()
		defer globals.mu.RUnlock()
		return sp.srv.ListPath(context.Background(), req, fn)
	})
}

// addPaths adds or withdraws local paths, noting the activity before and
// after so that Settled cannot miss it.
func (sp *Speaker) addPaths(paths []*api.Path, withdraw bool) error {
	sp.touch()
	defer sp.touch()
	return sp.use(func() error {
		for _, p := range paths {
			var err error
			if withdraw {
				p.IsWithdraw = true
				err = sp.srv.DeletePath(context.Background(), &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Family: p.Family, Path: p})
			} else {
				_, err = sp.srv.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// AddVPNv4 originates VPN-IPv4 routes (or replaces routes with the same RD
// and prefix). Each carries ORIGIN IGP, the next hop in MP_REACH_NLRI, one
// label and its route targets as extended communities.
func (sp *Speaker) AddVPNv4(routes ...VPNRoute) error {
	paths := make([]*api.Path, 0, len(routes))
	for _, r := range routes {
		if err := r.check(); err != nil {
			return fmt.Errorf("speaker %s: VPN route %v %v: %w", sp.cfg.Name, r.RD, r.Prefix, err)
		}
		p, err := vpnAPIPath(r)
		if err != nil {
			return fmt.Errorf("speaker %s: VPN route %v %v: %w", sp.cfg.Name, r.RD, r.Prefix, err)
		}
		paths = append(paths, p)
	}
	if err := sp.addPaths(paths, false); err != nil {
		return fmt.Errorf("speaker %s: adding VPN routes: %w", sp.cfg.Name, err)
	}
	return nil
}

// DeleteVPNv4 withdraws the locally originated VPN-IPv4 route for rd and
// prefix. Withdrawing a route that is not there does nothing.
func (sp *Speaker) DeleteVPNv4(rd vrf.RD, prefix netip.Prefix) error {
	r := VPNRoute{RD: rd, Prefix: prefix, NextHop: netip.IPv4Unspecified()}
	if err := r.check(); err != nil {
		return fmt.Errorf("speaker %s: VPN route %v %v: %w", sp.cfg.Name, rd, prefix, err)
	}
	p, err := apiPath(VPNv4, vpnNLRI(rd, prefix, 0), nil)
	if err == nil {
		err = sp.addPaths([]*api.Path{p}, true)
	}
	if err != nil {
		return fmt.Errorf("speaker %s: withdrawing VPN route %v %v: %w", sp.cfg.Name, rd, prefix, err)
	}
	return nil
}

// AddIPv4 originates an IPv4 unicast route with the given next hop, ORIGIN
// IGP and an empty AS_PATH (a CE's own LAN).
func (sp *Speaker) AddIPv4(prefix netip.Prefix, nextHop netip.Addr) error {
	return sp.AddIPv4Route(IPv4Route{Prefix: prefix, NextHop: nextHop})
}

// AddIPv4Route originates an IPv4 unicast route (eBGP between a PE's
// attachment speaker and a CE), or replaces the one for the same prefix.
func (sp *Speaker) AddIPv4Route(r IPv4Route) error {
	if !r.Prefix.IsValid() || !r.Prefix.Addr().Is4() || !r.NextHop.Is4() {
		return fmt.Errorf("speaker %s: IPv4 route %v via %v: want an IPv4 prefix and an IPv4 next hop", sp.cfg.Name, r.Prefix, r.NextHop)
	}
	if r.Origin > 2 {
		return fmt.Errorf("speaker %s: IPv4 route %v: origin %d is not 0, 1 or 2", sp.cfg.Name, r.Prefix, r.Origin)
	}
	p, err := ipv4APIPath(r)
	if err == nil {
		err = sp.addPaths([]*api.Path{p}, false)
	}
	if err != nil {
		return fmt.Errorf("speaker %s: adding IPv4 route %v: %w", sp.cfg.Name, r.Prefix, err)
	}
	return nil
}

// DeleteIPv4 withdraws the locally originated IPv4 unicast route for prefix.
func (sp *Speaker) DeleteIPv4(prefix netip.Prefix) error {
	if !prefix.IsValid() || !prefix.Addr().Is4() {
		return fmt.Errorf("speaker %s: %v is not an IPv4 prefix", sp.cfg.Name, prefix)
	}
	p, err := apiPath(IPv4Unicast, ipv4NLRI(prefix), nil)
	if err == nil {
		err = sp.addPaths([]*api.Path{p}, true)
	}
	if err != nil {
		return fmt.Errorf("speaker %s: withdrawing IPv4 route %v: %w", sp.cfg.Name, prefix, err)
	}
	return nil
}

// rib lists the speaker's Loc-RIB for a family, every path, best or not,
// in wire form, with the name of the speaker each came from ("" for a
// local path).
func (sp *Speaker) rib(fam Family, each func(p *api.Path, from string) error) error {
	var first error
	err := sp.listPath(&api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: fam.api(), EnableOnlyBinary: true}, func(dst *api.Destination) {
		for _, p := range dst.Paths {
			if first != nil {
				return
			}
			if err := each(p, sp.peerName(p.NeighborIp)); err != nil {
				first = fmt.Errorf("speaker %s: %s: %w", sp.cfg.Name, dst.Prefix, err)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("speaker %s: reading the %v RIB: %w", sp.cfg.Name, fam, err)
	}
	return first
}

// vpnPath decodes a path GoBGP listed in wire form, by vpnFromWire where
// it can and GoBGP's decoder otherwise.
func vpnPath(p *api.Path) (VPNPath, error) {
	v, ok := vpnFromWire(p.NlriBinary, p.PattrsBinary)
	if !ok {
		d, err := decode(p)
		if err != nil {
			return VPNPath{}, fmt.Errorf("decoding: %w", err)
		}
		if v, err = d.vpn(); err != nil {
			return VPNPath{}, err
		}
	}
	v.Best = p.Best
	return v, nil
}

// VPNv4Paths returns every VPN-IPv4 path in the speaker's RIB, best or not,
// sorted by RD, prefix and sending speaker (local paths first).
func (sp *Speaker) VPNv4Paths() ([]VPNPath, error) {
	var out []VPNPath
	err := sp.rib(VPNv4, func(p *api.Path, from string) error {
		v, err := vpnPath(p)
		if err != nil {
			return err
		}
		if from != "" {
			v.FromPeer = from
			v.PeerRouterID, _ = netip.ParseAddr(p.SourceId)
		}
		out = append(out, v)
		return nil
	})
	slices.SortFunc(out, func(a, b VPNPath) int {
		return cmp.Or(a.RD.Compare(b.RD), a.Prefix.Addr().Compare(b.Prefix.Addr()),
			cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()), cmp.Compare(a.FromPeer, b.FromPeer))
	})
	return out, err
}

// IPv4Paths returns every IPv4 unicast path in the speaker's RIB, sorted by
// prefix and sending speaker (local paths first).
func (sp *Speaker) IPv4Paths() ([]IPv4Path, error) {
	var out []IPv4Path
	err := sp.rib(IPv4Unicast, func(p *api.Path, from string) error {
		d, err := decode(p)
		if err != nil {
			return fmt.Errorf("decoding: %w", err)
		}
		v, err := d.ipv4()
		if err != nil {
			return err
		}
		v.FromPeer = from
		out = append(out, v)
		return nil
	})
	slices.SortFunc(out, func(a, b IPv4Path) int {
		return cmp.Or(a.Prefix.Addr().Compare(b.Prefix.Addr()),
			cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()), cmp.Compare(a.FromPeer, b.FromPeer))
	})
	return out, err
}

// VPNv4DestinationCount counts the VPNv4 destinations (RD and prefix) in
// the speaker's Loc-RIB without listing them: cheap enough for a progress
// line while a large network converges.
func (sp *Speaker) VPNv4DestinationCount() (uint64, error) {
	var n uint64
	err := sp.use(func() error {
		globals.mu.RLock()
		defer globals.mu.RUnlock()
		r, err := sp.srv.GetTable(context.Background(), &api.GetTableRequest{TableType: api.TableType_GLOBAL, Family: VPNv4.api()})
		if err != nil {
			return err
		}
		n = r.NumDestination
		return nil
	})
	return n, err
}
