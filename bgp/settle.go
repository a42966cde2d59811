package bgp

import (
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// settleMemo remembers the last failed RIB comparison and the activity
// count it was made at: while nothing moves its answer cannot change.
type settleMemo struct {
	gen uint64 // the fabric's work count

	reason string
}

// Settled reports whether the network's BGP has converged: every session is
// in its desired state and nothing is in flight. When it is not, the string
// says what is still moving. See the package documentation for the exact
// predicate.
//
// A call does one step of the settle-marker protocol (marker.go): it may
// add markers and return false, saying so; the call that finds the second
// round complete returns true. WaitSettled calls it as the fabric moves.
func (f *Fabric) Settled() (bool, string) { return f.settled(!f.opts.NoRIBAudit) }

// Audited is Settled with the RIB audit, whatever the fabric's Options say.
func (f *Fabric) Audited() (bool, string) { return f.settled(true) }

func (f *Fabric) settled(audit bool) (bool, string) {
	f.settleMu.Lock()
	defer f.settleMu.Unlock()
	if f.isClosed() {
		return false, "the fabric is closed"
	}

	var dirs []direction
	for _, s := range f.Sessions() {
		want, up, r := s.desired.Load(), s.established.Load(), s.relay.Load()
		switch {
		case want && (!up || r == nil):
			return false, "session " + s.name + " not established"
		case !want && (up || r != nil):
			return false, "session " + s.name + " still up"
		case want && r.isDone():
			return false, "session " + s.name + " closed, restarting"
		case want && r.downs != s.downs.Load():
			return false, "session " + s.name + " going down and up again"
		case want:
			dirs = append(dirs, direction{s: s, from: s.cfg.A, to: s.cfg.B, relay: r, dir: 0},
				direction{s: s, from: s.cfg.B, to: s.cfg.A, relay: r, dir: 1})
		}
	}
	if ok, why := relaysQuiet(dirs); !ok {
		return false, why
	}
	if ok, why := f.externalsSettled(); !ok {
		return false, why
	}
	if ok, why := f.markersSettled(dirs); !ok {
		return false, why
	}
	if !audit {
		return true, ""
	}
	return f.audit(dirs)
}

// markerRound is one round of settle markers (see marker.go).
type markerRound struct {
	seq      uint64          // the markers' sequence number
	work     uint64          // the fabric's work count when the round began
	dirs     map[dirKey]bool // the directions it covers: true once the receiver holds the marker
	complete int             // complete rounds in a row with work unchanged, this one included
}

// markersSettled is Settled's marker step: true once two rounds in a row
// completed with no work anywhere since the first began.
func (f *Fabric) markersSettled(dirs []direction) (bool, string) {
	w := f.work.Load()
	r := f.round
	if r != nil && r.work == w && len(r.dirs) == len(dirs) {
		for _, d := range dirs {
			if _, ok := r.dirs[d.key()]; !ok {
				r = nil
				break
			}
		}
	} else {
		r = nil
	}
	if r == nil { // first round, or something moved: start again
		return f.newRound(w, dirs, 0)
	}
	if r.complete >= 2 {
		return true, ""
	}
	var todo []direction
	for _, d := range dirs {
		if !r.dirs[d.key()] {
			todo = append(todo, d)
		}
	}
	got := make([]uint64, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	for i, d := range todo {
		wg.Go(func() { got[i], errs[i] = d.to.markerFrom(d.from) })
	}
	wg.Wait()
	waiting := ""
	for i, d := range todo {
		switch {
		case errs[i] != nil:
			return false, errs[i].Error()
		case got[i] >= r.seq:
			r.dirs[d.key()] = true
		case waiting == "":
			waiting = fmt.Sprintf("%s has not yet handled all that %s sent (settle marker %d)", d.to.cfg.Name, d.from.cfg.Name, r.seq)
		}
	}
	if waiting != "" {
		return false, waiting
	}
	if f.work.Load() != w {
		return f.newRound(f.work.Load(), dirs, 0)
	}
	if r.complete+1 >= 2 {
		r.complete = 2
		return true, ""
	}
	return f.newRound(w, dirs, r.complete+1)
}

// newRound starts a marker round: every speaker with an established
// session replaces its marker, all at once.
func (f *Fabric) newRound(w uint64, dirs []direction, complete int) (bool, string) {
	f.markerSeq++ // never reused: a stale marker must not pass for a new one
	seq := f.markerSeq
	r := &markerRound{seq: seq, work: w, dirs: map[dirKey]bool{}, complete: complete}
	f.round = r
	var senders []*Speaker
	seen := map[*Speaker]bool{}
	for _, d := range dirs {
		r.dirs[d.key()] = false
		if !seen[d.from] {
			seen[d.from] = true
			senders = append(senders, d.from)
		}
	}
	if len(dirs) == 0 {
		r.complete = 2
		return true, ""
	}
	errs := make([]error, len(senders))
	var wg sync.WaitGroup
	for i, sp := range senders {
		wg.Go(func() { errs[i] = sp.sendMarker(seq) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			f.round = nil
			return false, err.Error()
		}
	}
	return false, fmt.Sprintf("waiting for settle marker %d to cross every session", seq)
}

// audit compares, for each direction of each session, what the sender
// would advertise now with what the receiver holds (see the package
// documentation): on a quiet network a difference is a real
// inconsistency, and it keeps Settled false. Directions whose two
// speakers did no work since they were last found in sync are skipped.
func (f *Fabric) audit(dirs []direction) (bool, string) {
	w0 := f.work.Load()
	if f.settleMemo.reason != "" && f.settleMemo.gen == w0 {
		return false, f.settleMemo.reason
	}
	live := map[dirKey]bool{}
	for _, d := range dirs {
		live[d.key()] = true
	}
	for k := range f.inSync {
		if !live[k] {
			delete(f.inSync, k)
		}
	}
	var todo []direction
	var at []dirMemo
	for _, d := range dirs {
		m := dirMemo{d.from.work.Load(), d.to.work.Load()}
		if old, ok := f.inSync[d.key()]; ok && old == m {
			continue
		}
		todo, at = append(todo, d), append(at, m)
	}
	res := compareAll(todo, func() bool { return f.work.Load() != w0 })
	for _, r := range res { // the first failure, in direction order
		switch {
		case !r.done:
		case r.err != nil:
			return false, r.err.Error()
		case !r.ok:
			if f.work.Load() == w0 {
				f.settleMemo = settleMemo{gen: w0, reason: r.why}
			}
			return false, r.why
		}
	}
	all := true
	for i, r := range res {
		d := todo[i]
		all = all && r.done
		if r.done && (dirMemo{d.from.work.Load(), d.to.work.Load()}) == at[i] {
			f.inSync[d.key()] = at[i]
		}
	}
	if !all || f.work.Load() != w0 {
		return false, "messages are moving"
	}
	return true, ""
}

// compared is the outcome of one direction's RIB comparison; done is false
// for a direction compareAll skipped.
type compared struct {
	done, ok bool
	why      string
	err      error
}

// compareAll compares the directions' RIBs, several at once. The tables
// live in the speakers' own main loops, and the dear one, the Adj-RIB-Out,
// in the sender's: so the directions are taken round robin by sender (a
// reflector's twenty clients are not listed one after the other while the
// other reflector idles), by twice as many workers as there are cores,
// since they mostly wait for the speakers. It stops starting new
// comparisons once one fails or moving reports true; those left are not
// done.
func compareAll(dirs []direction, moving func() bool) []compared {
	out := make([]compared, len(dirs))
	var stop atomic.Bool
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(2*runtime.GOMAXPROCS(0), len(dirs)) {
		wg.Go(func() {
			for i := range next {
				if stop.Load() || moving() {
					stop.Store(true)
					continue
				}
				ok, why, err := dirs[i].inSync()
				out[i] = compared{done: true, ok: ok, why: why, err: err}
				if !ok || err != nil {
					stop.Store(true)
				}
			}
		})
	}
	for _, i := range bySender(dirs) {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// bySender returns the indices of dirs taken round robin from each
// sender's directions, senders in order of first appearance.
func bySender(dirs []direction) []int {
	var senders []*Speaker
	of := map[*Speaker][]int{}
	for i, d := range dirs {
		if of[d.from] == nil {
			senders = append(senders, d.from)
		}
		of[d.from] = append(of[d.from], i)
	}
	order := make([]int, 0, len(dirs))
	for len(order) < len(dirs) {
		for _, sp := range senders {
			if q := of[sp]; len(q) > 0 {
				order = append(order, q[0])
				of[sp] = q[1:]
			}
		}
	}
	return order
}

// relaysQuiet is the cheapest part of Settled, from the relays' own
// counters: nothing is read but not yet written. It runs first, so that a
// fabric busy moving UPDATEs costs its speakers nothing.
func relaysQuiet(dirs []direction) (bool, string) {
	for _, d := range dirs {
		w := &d.relay.dirs[d.dir]
		if read, written := w.readUpdates.Load(), w.writtenUpdates.Load(); read != written || w.pending.Load() != 0 {
			return false, fmt.Sprintf("UPDATEs in flight from %s to %s (relayed %d of %d)", d.from.cfg.Name, d.to.cfg.Name, written, read)
		}
	}
	return true, ""
}

// dirKey names one direction of one incarnation of a session (a session
// that went down and up has a new relay).
type dirKey struct {
	r   *relay
	dir int
}

// dirMemo is the activity of a direction's two speakers when it was last
// found in sync: while neither speaker's count moves, it still is.
type dirMemo struct{ from, to uint64 }

func (d direction) key() dirKey { return dirKey{d.relay, d.dir} }

// direction is one way of an established session.
type direction struct {
	s        *Session
	from, to *Speaker
	relay    *relay
	dir      int // index into relay.dirs
}

// inSync compares what the sender would advertise now (GoBGP's Adj-RIB-Out
// toward the receiver, computed from its Loc-RIB on demand) with what the
// receiver holds from the sender (its Adj-RIB-In, which keeps the paths it
// rejected too).
func (d direction) inSync() (bool, string, error) {
	for _, fam := range d.s.families() {
		ok, msg, err := d.inSyncFamily(fam)
		if !ok || err != nil {
			return ok, msg, err
		}
	}
	return true, "", nil
}

// families are the address families the session carries, markers aside.
func (s *Session) families() []Family {
	if s.cfg.EVPN {
		return []Family{s.cfg.Family, L2VPNEVPN}
	}
	return []Family{s.cfg.Family}
}

// inSyncFamily is inSync for one family.
func (d direction) inSyncFamily(family Family) (bool, string, error) {
	fam := family.api()
	var in map[string]digest
	var inErr error
	read := make(chan struct{})
	go func() { // the two tables live in two speakers' main loops
		defer close(read)
		in, inErr = d.to.adjRIB(api.TableType_ADJ_IN, d.from, fam)
	}()
	out, err := d.from.adjRIB(api.TableType_ADJ_OUT, d.to, fam)
	<-read
	if err == nil {
		err = inErr
	}
	if err != nil {
		return false, "", err
	}
	have := 0
	for k, v := range out {
		if w, ok := in[k]; ok && w == v {
			have++
		}
	}
	if have == len(out) && len(in) == len(out) {
		return true, "", nil
	}
	return false, fmt.Sprintf("%s has %d of %d paths from %s and holds %d (%s; first: %s)",
		d.to.cfg.Name, have, len(out), d.from.cfg.Name, len(in), family,
		describeDiff(out, in, family)), nil
}

// adjRIB reads the Adj-RIB-In from or the Adj-RIB-Out toward peer: NLRI
// (with its label) to everything the receiver sees of the path, in wire
// form (see wireDigest).
func (sp *Speaker) adjRIB(t api.TableType, peer *Speaker, fam *api.Family) (map[string]digest, error) {
	m := map[string]digest{}
	err := sp.listPath(&api.ListPathRequest{TableType: t, Name: peer.addr.String(), Family: fam, EnableOnlyBinary: true}, func(dst *api.Destination) {
		for _, p := range dst.Paths {
			m[string(p.NlriBinary)] = wireDigest(p.PattrsBinary)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("speaker %s: reading %v for %s: %w", sp.cfg.Name, t, peer.cfg.Name, err)
	}
	return m, nil
}

// wireDigest is a 128-bit digest of a path's attributes as the receiver
// sees them: every attribute's wire bytes, with MP_REACH_NLRI cut down to
// its family and next hop (its NLRI is the key already), hashed and
// summed, so that their order does not matter. It allocates nothing: a
// reflector's tables are compared path by path, hundreds of thousands of
// them.
func wireDigest(attrs [][]byte) digest {
	var d digest
	for _, a := range attrs {
		if len(a) >= 3 {
			switch a[1] {
			case mpReachNLRI:
				hdr := 3
				if a[0]&0x10 != 0 { // extended length
					hdr = 4
				}
				if len(a) >= hdr+4 && len(a) >= hdr+4+int(a[hdr+3]) {
					a = a[hdr : hdr+4+int(a[hdr+3])]
				}
			case mpUnreachNLRI:
				continue
			}
		}
		d[0] += maphash.Bytes(digestSeeds[0], a)
		d[1] += maphash.Bytes(digestSeeds[1], a)
	}
	return d
}

// digest is what wireDigest returns.
type digest [2]uint64

// digestSeeds are the process's two hash seeds: digests compare within
// one process only.
var digestSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

const (
	mpReachNLRI   = 14
	mpUnreachNLRI = 15
)

// describeDiff names the first difference between out and in (by NLRI
// order), decoding just that path for the message.
func describeDiff(out, in map[string]digest, fam Family) string {
	var keys []string
	for k, v := range out {
		if w, ok := in[k]; !ok || w != v {
			keys = append(keys, k)
		}
	}
	for k := range in {
		if _, ok := out[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	k := keys[0]
	name := fmt.Sprintf("% x", k)
	if n, err := nlriName(fam, []byte(k)); err == nil {
		name = n
	}
	_, sent := out[k]
	_, got := in[k]
	switch {
	case !sent:
		return name + " not withdrawn"
	case !got:
		return name + " not received"
	}
	return name + " differs"
}

// WaitSettled blocks until Settled is true or ctx is done. It re-checks
// whenever anything in the fabric moves, and on a 10 ms ticker as well
// because not every step inside GoBGP is visible; the answer always comes
// from Settled, never from the timing. A check costs the speakers time
// too (it lists their tables in their main loops), so after a check that
// took d the next waits at least 2d: checking takes at most a third of the
// time however busy the fabric is. On ctx's end the error names what is
// still moving; on a closed fabric it is ErrClosed.
func (f *Fabric) WaitSettled(ctx context.Context) error { return f.wait(ctx, f.Settled) }

// WaitAudited is WaitSettled with the RIB audit, whatever the fabric's
// Options say: a caller that settles often audits only when it needs to.
func (f *Fabric) WaitAudited(ctx context.Context) error { return f.wait(ctx, f.Audited) }

func (f *Fabric) wait(ctx context.Context, settled func() (bool, string)) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	rest := time.NewTimer(0)
	defer rest.Stop()
	for {
		start := time.Now()
		ok, why := settled()
		if ok {
			return nil
		}
		if f.isClosed() {
			return ErrClosed
		}
		// Pace only checks that cost something: a small network's take
		// microseconds, and pausing after each would be most of its time
		// to settle (a marker round needs a few checks).
		if d := time.Since(start); d > time.Millisecond {
			rest.Reset(2 * d)
		} else {
			rest.Reset(0)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bgp not settled: %s: %w", why, ctx.Err())
		case <-rest.C:
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bgp not settled: %s: %w", why, ctx.Err())
		case <-f.wake:
		case <-tick.C:
		}
	}
}

// Progress is a cheap snapshot of a fabric on its way to settling, for a
// progress line: sessions wanted up and established, and UPDATE messages
// passed between speakers so far (every UPDATE every relay has written,
// both ways, since the fabric started; a session that restarts starts its
// count again).
type Progress struct {
	Sessions, Established int
	Updates               uint64
}

// Progress returns the fabric's progress now. It reads counters only: it
// may be called at any time, from any goroutine.
func (f *Fabric) Progress() Progress {
	var p Progress
	for _, s := range f.Sessions() {
		if !s.desired.Load() {
			continue
		}
		p.Sessions++
		if s.established.Load() {
			p.Established++
		}
		if r := s.relay.Load(); r != nil {
			p.Updates += r.dirs[0].writtenUpdates.Load() + r.dirs[1].writtenUpdates.Load()
		}
	}
	return p
}
