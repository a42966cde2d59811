package bgp

// The wall around GoBGP. This file alone uses GoBGP's server package
// (github.com/osrg/gobgp/v3/pkg/server) and its API conversions (apiutil),
// and what vpnsim knows of its
// internals: the timing hook that runs on a server's main loop, the panic
// that leaves Serve, the log lines it watches ("freed fsm.h") or hides,
// and the package-level options StartBgp writes. Every other file of the
// package calls GoBGP through the small functions below (GoBGP's API
// messages, package api, and its wire format, packet/bgp, are used where
// needed); wall_test.go checks that no other file imports the server
// package or apiutil, or reaches the server itself. Every wait here has a deadline (parkWait, closeWait,
// unwindWait, abandonWait); the calls into GoBGP's API do not: GoBGP v3
// hands each to its main loop and waits for the reply without looking at
// the context, so a call cannot be bounded without leaving the operation
// behind. gobgp_behaviour_test.go has one test per GoBGP behaviour vpnsim
// relies on.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// gobgp is one speaker's GoBGP server and what the wall keeps about it.
type gobgp struct {
	srv       *server.BgpServer
	serveDone chan struct{}
	park      atomic.Pointer[parking] // a request to hold the main loop, see startGobgp
	exit      atomic.Bool             // makes the main loop leave, see stop

	// Deleted neighbours' FSMs, counted per address, and how many of them
	// GoBGP has finished off; stop waits for the two to agree.
	fsmMu       sync.Mutex
	fsmsDeleted map[string]int
	fsmsFreed   map[string]int
	fsmFreedCh  chan struct{}
}

// newGobgp creates the speaker's GoBGP server and runs its main loop; it
// listens once startGobgp has started it.
func (sp *Speaker) newGobgp() {
	g := &sp.g
	g.serveDone = make(chan struct{})
	g.fsmsDeleted, g.fsmsFreed, g.fsmFreedCh = map[string]int{}, map[string]int{}, make(chan struct{}, 1)
	g.srv = server.NewBgpServer(
		server.LoggerOption(newGobgpLogger(sp.f.log, sp.f.opts.Verbose, &sp.f.closing, sp.cfg.Name, sp.fsmFreed)),
		server.TimingHookOption(hook{sp}),
	)
	go sp.serve()
}

// hook is GoBGP's timing hook: GoBGP calls Observe on the speaker's main
// loop after every management operation, accepted connection and FSM
// message (UPDATE, state change) it handled, and after replying to an
// operation's caller. It is the speaker's only synchronous view into that
// loop: it tells the speaker (Speaker.handled), and it parks the loop when
// asked to (startGobgp, stop).
type hook struct{ sp *Speaker }

func (h hook) Observe(op server.FSMOperation, _, _ time.Duration) {
	sp := h.sp
	switch op {
	case server.FSMAccept:
		sp.handled(true)
	case server.FSMMessage:
		sp.handled(false)
	}
	if p := sp.g.park.Swap(nil); p != nil {
		close(p.parked)
		select {
		case <-p.release:
		case <-time.After(parkWait):
			// The parker always releases within milliseconds; a main loop
			// is never held for good.
			sp.f.log.Warn("bgp: a parked GoBGP main loop was not released; it goes on", "speaker", sp.cfg.Name, "waited", parkWait)
		}
		if sp.g.exit.Load() {
			panic(errServeExit)
		}
	}
}

// errServeExit unwinds GoBGP's Serve loop, which has no way to return (see
// stop).
var errServeExit = errors.New("bgp: speaker stopped")

// serve runs GoBGP's main loop until stop makes it leave.
func (sp *Speaker) serve() {
	defer close(sp.g.serveDone)
	defer func() {
		if r := recover(); r != nil && r != errServeExit {
			panic(r)
		}
	}()
	// Labelled, so that a CPU profile tells the speakers apart
	// (go tool pprof -tagfocus bgp-speaker=RR1); the goroutines GoBGP
	// starts from its main loop, its FSMs among them, inherit the label.
	pprof.Do(context.Background(), pprof.Labels("bgp-speaker", sp.cfg.Name), func(context.Context) {
		sp.g.srv.Serve()
	})
}

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

// parkWait bounds how long a start waits for another speaker's main loop
// to park, and how long a parked loop waits to be released.
var parkWait = 10 * time.Second

// startGobgp starts the speaker's server on its address and the fabric's
// port, with the fabric's best-path options.
func (sp *Speaker) startGobgp() error {
	req := &api.StartBgpRequest{Global: &api.Global{
		Asn:             sp.cfg.ASN,
		RouterId:        sp.cfg.RouterID.String(),
		ListenPort:      int32(sp.port),
		ListenAddresses: []string{sp.addr.String()},
		RouteSelectionOptions: &api.RouteSelectionOptionsConfig{
			ExternalCompareRouterId: true,
		},
	}}
	globals.mu.Lock()
	defer globals.mu.Unlock()
	release := make(chan struct{})
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	var wg sync.WaitGroup
	deadline := time.NewTimer(parkWait)
	defer deadline.Stop()
	for other := range globals.running {
		p := &parking{parked: make(chan struct{}), release: release}
		other.g.park.Store(p)
		wg.Add(1)
		go func() { // an operation, so that the hook runs soon
			defer wg.Done()
			other.g.srv.GetBgp(context.Background(), &api.GetBgpRequest{})
		}()
		select {
		case <-p.parked:
		case <-deadline.C:
			// Parked loops are released (deferred close); the operations
			// end when their loops take them.
			other.g.park.CompareAndSwap(p, nil)
			return fmt.Errorf("GoBGP's main loop of speaker %s did not park within %v, so no speaker can start safely", other.cfg.Name, parkWait)
		}
	}
	err := sp.g.srv.StartBgp(context.Background(), req)
	close(release)
	released = true
	// Each released loop takes its operation next (if it has not yet).
	answered := make(chan struct{})
	go func() {
		wg.Wait()
		close(answered)
	}()
	select {
	case <-answered:
	case <-deadline.C:
		sp.f.log.Warn("bgp: a released GoBGP main loop has not taken its operation; starting anyway", "speaker", sp.cfg.Name, "waited", parkWait)
	}
	if err == nil {
		if globals.running == nil {
			globals.running = map[*Speaker]struct{}{}
		}
		globals.running[sp] = struct{}{}
	}
	return err
}

// fsmDeleted and fsmFreed count a neighbour's FSM deleted and, later,
// finished off by GoBGP's main loop.
func (sp *Speaker) fsmDeleted(addr string) {
	sp.g.fsmMu.Lock()
	sp.g.fsmsDeleted[addr]++
	sp.g.fsmMu.Unlock()
}

func (sp *Speaker) fsmFreed(addr string) {
	sp.g.fsmMu.Lock()
	sp.g.fsmsFreed[addr]++
	sp.g.fsmMu.Unlock()
	select {
	case sp.g.fsmFreedCh <- struct{}{}:
	default:
	}
}

func (sp *Speaker) fsmsAllFreed() bool {
	sp.g.fsmMu.Lock()
	defer sp.g.fsmMu.Unlock()
	for addr, n := range sp.g.fsmsDeleted {
		if sp.g.fsmsFreed[addr] != n {
			return false
		}
	}
	return true
}

// closeWait bounds stop's wait for the OPEN exchanges to end and, again,
// for GoBGP to finish off deleted FSMs.
var closeWait = 10 * time.Second

// stop shuts the speaker down.
//
// GoBGP's Stop deletes every neighbour and then zeroes the global
// configuration that the neighbours' FSM goroutines read, while those are
// still winding down: a data race. So the speaker deletes its neighbours
// itself first (once no connection is in hand-over or in the OPEN exchange,
// see controller.quiesce; the fabric closed the relays) and waits until
// GoBGP has finished off every FSM it ever deleted; Stop then only closes
// the listener.
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
	srv := sp.g.srv
	var addrs []string
	handshakes := time.NewTimer(closeWait)
	defer handshakes.Stop()
	for {
		addrs = addrs[:0]
		handshake := false
		srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			addrs = append(addrs, p.Conf.NeighborAddress)
			handshake = handshake || inHandshake(p.GetState().GetSessionState())
		})
		if !handshake && sp.accepted.Load() >= sp.dialed.Load() {
			break
		}
		// The relays are closed: the handshakes fail soon.
		select {
		case <-sp.moved:
			continue
		case <-handshakes.C:
			sp.f.log.Warn("bgp: connections still in GoBGP's OPEN exchange or accept queue; deleting the neighbours anyway", "speaker", sp.cfg.Name, "waited", closeWait)
		}
		break
	}
	for _, a := range addrs {
		if srv.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: a}) == nil {
			sp.fsmDeleted(a)
		}
	}
	// GoBGP v3 says an FSM is finished off with its debug line "freed
	// fsm.h" (see Debug below); a GoBGP that no longer says it must not
	// hang Close: after closeWait the speaker goes on, and says so.
	deadline := time.NewTimer(closeWait)
	defer deadline.Stop()
wait:
	for !sp.fsmsAllFreed() {
		select {
		case <-sp.g.fsmFreedCh:
		case <-deadline.C:
			sp.f.log.Warn("bgp: GoBGP did not report its neighbours' FSMs finished (no \"freed fsm.h\" line); stopping anyway", "speaker", sp.cfg.Name, "waited", closeWait)
			break wait
		}
	}
	srv.Stop()
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
	// operation; after abandonWait it gives up and says so.
	unwound := make(chan struct{})
	go func() {
		defer close(unwound)
		giveUp := time.NewTimer(abandonWait)
		defer giveUp.Stop()
		for done := false; !done; {
			p := &parking{parked: make(chan struct{}), release: make(chan struct{})}
			sp.g.park.Store(p)
			replied := make(chan struct{})
			go func() {
				srv.GetBgp(context.Background(), &api.GetBgpRequest{})
				close(replied)
			}()
			select {
			case <-p.parked:
			case <-giveUp.C:
				sp.g.park.CompareAndSwap(p, nil)
				sp.f.log.Warn("bgp: GoBGP's main loop took no operation; its goroutines are left behind", "speaker", sp.cfg.Name, "waited", abandonWait)
				return
			}
			select {
			case <-replied:
				done = true
			case <-time.After(10 * time.Millisecond):
			}
			sp.g.exit.Store(done)
			close(p.release)
		}
		select {
		case <-sp.g.serveDone: // at once: the loop was released to panic
		case <-giveUp.C:
		}
	}()
	select {
	case <-unwound:
	case <-time.After(unwindWait):
		sp.f.log.Warn("bgp: GoBGP's main loop takes no operation; the speaker stops in the background", "speaker", sp.cfg.Name, "waited", unwindWait)
	}
	return nil
}

// unwindWait bounds how long stop waits for GoBGP's main loop to unwind;
// abandonWait how long the unwinding goes on in the background (longer
// than a hold time, the longest the loop was seen idle).
var (
	unwindWait  = 2 * time.Second
	abandonWait = 3 * holdTime * time.Second
)

// listPath streams the destinations GoBGP lists for req to fn, one at a
// time: a large table is never held twice, once in API form.
func (sp *Speaker) listPath(req *api.ListPathRequest, fn func(*api.Destination)) error {
	return sp.use(func() error {
		globals.mu.RLock()
		defer globals.mu.RUnlock()
		return sp.g.srv.ListPath(context.Background(), req, fn)
	})
}

// destinations counts the destinations of the speaker's Loc-RIB for a
// family.
func (sp *Speaker) destinations(fam Family) (uint64, error) {
	var n uint64
	err := sp.use(func() error {
		globals.mu.RLock()
		defer globals.mu.RUnlock()
		r, err := sp.g.srv.GetTable(context.Background(), &api.GetTableRequest{TableType: api.TableType_GLOBAL, Family: fam.api()})
		if err != nil {
			return err
		}
		n = r.NumDestination
		return nil
	})
	return n, err
}

// pathCount is the number of paths in a table of the speaker (the
// Loc-RIB with name "", or the Adj-RIB-In from the neighbour at address
// name) for a family: a size hint for a listing, 0 when GoBGP cannot say.
func (sp *Speaker) pathCount(in bool, name string, fam Family) int {
	req := &api.GetTableRequest{TableType: api.TableType_GLOBAL, Family: fam.api()}
	if in {
		req.TableType, req.Name = api.TableType_ADJ_IN, name
	}
	var n uint64
	sp.use(func() error {
		globals.mu.RLock()
		defer globals.mu.RUnlock()
		r, err := sp.g.srv.GetTable(context.Background(), req)
		if err == nil {
			n = r.NumPath
		}
		return err
	})
	return int(min(n, 1<<24))
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
				err = sp.g.srv.DeletePath(context.Background(), &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Family: p.Family, Path: p})
			} else {
				_, err = sp.g.srv.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// addPathQuietly adds a local path without counting it as work (a settle
// marker).
func (sp *Speaker) addPathQuietly(p *api.Path) error {
	return sp.use(func() error {
		_, err := sp.g.srv.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
		return err
	})
}

// addNeighbour configures a neighbour.
func (sp *Speaker) addNeighbour(p *api.Peer) error {
	sp.touch()
	return sp.use(func() error {
		return sp.g.srv.AddPeer(context.Background(), &api.AddPeerRequest{Peer: p})
	})
}

// deleteNeighbour deletes the neighbour at addr, which withdraws every
// route learned from it.
func (sp *Speaker) deleteNeighbour(addr string) {
	sp.touch()
	sp.inbound.Add(1)
	sp.use(func() error {
		err := sp.g.srv.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: addr})
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
		return sp.g.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			out[p.Conf.NeighborAddress] = p
		})
	})
	return out, err
}

// neighbourState is the session state of the neighbour at addr.
func (sp *Speaker) neighbourState(addr string) api.PeerState_SessionState {
	var st api.PeerState_SessionState
	sp.use(func() error {
		return sp.g.srv.ListPeer(context.Background(), &api.ListPeerRequest{Address: addr}, func(p *api.Peer) {
			st = p.GetState().GetSessionState()
		})
	})
	return st
}

// received returns the UPDATEs GoBGP counted from the neighbour at addr
// and whether it has the session in Established. GoBGP counts a malformed
// UPDATE it treats as withdraw (RFC 7606) as discarded, not as an UPDATE,
// so both counts are summed.
func (sp *Speaker) received(addr string) (updates uint64, established bool, err error) {
	err = sp.use(func() error {
		return sp.g.srv.ListPeer(context.Background(), &api.ListPeerRequest{Address: addr}, func(p *api.Peer) {
			m := p.GetState().GetMessages().GetReceived()
			updates = m.GetUpdate() + m.GetDiscarded()
			established = p.GetState().GetSessionState() == api.PeerState_ESTABLISHED
		})
	})
	return updates, established, err
}

// addDefinedSet adds set, or adds its entries to the set of that name.
// The caller holds whatever lock its GoBGP call needs (see use).
func (sp *Speaker) addDefinedSet(set *api.DefinedSet) error {
	return sp.g.srv.AddDefinedSet(context.Background(), &api.AddDefinedSetRequest{DefinedSet: set})
}

// replaceSetEntry swaps a defined set's entry old for new. The caller
// holds whatever lock its GoBGP call needs (see use). GoBGP's soft reset
// out sends what a changed export policy now lets through but withdraws
// nothing it now rejects (GoBGP 3.37: the RIB audit found the rejected
// paths still held by the peer after one), so the
// caller resets the session instead.
func (sp *Speaker) replaceSetEntry(old, new *api.DefinedSet) error {
	ctx := context.Background()
	if err := sp.g.srv.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: new}); err != nil {
		return err
	}
	return sp.g.srv.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: old, All: false})
}

// addPolicy installs policy and the defined sets it names (nil ones are
// skipped), and appends it to the speaker's global assignment in direction
// dir: GoBGP runs a direction's policies in the order they were assigned,
// and what none of them decides is accepted. The caller holds whatever
// lock its GoBGP call needs (see use).
func (sp *Speaker) addPolicy(dir api.PolicyDirection, policy *api.Policy, sets ...*api.DefinedSet) error {
	ctx := context.Background()
	for _, set := range sets {
		if set == nil {
			continue
		}
		if err := sp.addDefinedSet(set); err != nil {
			return err
		}
	}
	if err := sp.g.srv.AddPolicy(ctx, &api.AddPolicyRequest{Policy: policy}); err != nil {
		return err
	}
	return sp.g.srv.AddPolicyAssignment(ctx, &api.AddPolicyAssignmentRequest{Assignment: &api.PolicyAssignment{
		Name:          "global",
		Direction:     dir,
		Policies:      []*api.Policy{{Name: policy.Name}},
		DefaultAction: api.RouteAction_ACCEPT,
	}})
}

// decode converts a path GoBGP listed into its native form (decoded, in
// path.go), with GoBGP's own decoder.
func decode(p *api.Path) (decoded, error) {
	nlri, err := apiutil.GetNativeNlri(p)
	if err != nil {
		return decoded{}, err
	}
	attrs, err := apiutil.GetNativePathAttributes(p)
	if err != nil {
		return decoded{}, err
	}
	return decoded{nlri: nlri, attrs: attrs, src: p}, nil
}

// gobgpLogger adapts GoBGP's log.Logger onto slog. GoBGP talks a lot at Info
// and Debug (every peer added, every state change); none of that reaches the
// user. With verbose on, warnings and errors are passed on, tagged with the
// speaker's name; with verbose off nothing is.
//
// Panic and Fatal keep their contract (GoBGP calls them for internal logic
// errors and does not expect them to return): both log at error level when
// verbose and then panic, so a broken invariant fails loudly instead of
// exiting the process.
type gobgpLogger struct {
	log     *slog.Logger
	verbose bool
	quiet   *atomic.Bool // set while the fabric closes: shutdown noise is not news
	// freed is told the neighbour address each time GoBGP's main loop has
	// finished off a deleted neighbour's FSM (see Speaker.stop).
	freed func(addr string)
}

var _ gobgplog.Logger = (*gobgpLogger)(nil)

func newGobgpLogger(l *slog.Logger, verbose bool, quiet *atomic.Bool, speaker string, freed func(string)) *gobgpLogger {
	return &gobgpLogger{log: l.With("speaker", speaker, "source", "gobgp"), verbose: verbose, quiet: quiet, freed: freed}
}

func (g *gobgpLogger) emit(level slog.Level, msg string, fields gobgplog.Fields) {
	if !g.verbose || g.quiet.Load() || !g.log.Enabled(context.Background(), level) {
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, fmt.Sprint(fields[k]))
	}
	g.log.Log(context.Background(), level, msg, args...)
}

func (g *gobgpLogger) Panic(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
	panic("gobgp: " + msg)
}

func (g *gobgpLogger) Fatal(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
	panic("gobgp: " + msg)
}

func (g *gobgpLogger) Error(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
}

func (g *gobgpLogger) Warn(msg string, fields gobgplog.Fields) {
	if msg == ttlWarning || fields["Key"] == markerKey {
		return
	}
	g.emit(slog.LevelWarn, msg, fields)
}

// ttlWarning is logged for every listener where the kernel refuses
// IP_TTL on a listening socket (gVisor and some containers). GoBGP only
// wants it for TTL security, which the fabric never configures.
const ttlWarning = "cannot set TTL (255) for TCPListener"

// A settle marker's path is keyed markerKey. GoBGP warns "No matching
// path for withdraw found" each time a receiver's import policy rejects
// one (it withdraws from the Loc-RIB what was never there): every marker,
// every round. Nothing said about a marker concerns the model.

// Info is never shown.
func (g *gobgpLogger) Info(string, gobgplog.Fields) {}

// Debug is never shown, but one debug message is a signal: GoBGP's main
// loop logs "freed fsm.h" (unconditionally, server.go) once a deleted
// neighbour's FSM goroutines have all ended.
func (g *gobgpLogger) Debug(msg string, fields gobgplog.Fields) {
	if msg == fsmFreed {
		if addr, ok := fields["Key"].(string); ok {
			g.freed(addr)
		}
	}
}

const fsmFreed = "freed fsm.h"

// SetLevel is ignored: the level follows Options.Verbose.
func (g *gobgpLogger) SetLevel(gobgplog.LogLevel) {}

// GetLevel tells GoBGP which messages are worth building; it checks it
// before expensive debug output.
func (g *gobgpLogger) GetLevel() gobgplog.LogLevel {
	if g.verbose {
		return gobgplog.WarnLevel
	}
	return gobgplog.PanicLevel
}
