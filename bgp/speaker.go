package bgp

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"

	api "github.com/osrg/gobgp/v3/api"

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
	g    gobgp // its GoBGP server, behind the wall (gobgp.go)

	// work counts this speaker's work (messages relayed to or from it
	// other than settle markers, local changes, neighbours added or
	// deleted); the RIB audit uses it to skip sessions whose two ends did
	// nothing since they were last in sync.
	work atomic.Uint64

	// inbound counts what may have changed what the speaker holds from its
	// neighbours: messages other than settle markers relayed to it, and
	// neighbours deleted (RIBInGen).
	inbound atomic.Uint64

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

	ctls      atomic.Pointer[[]*controller]   // controllers of its sessions and external peers (copy on write)
	externals atomic.Pointer[[]*ExternalPeer] // its external peers (copy on write)

	mu     sync.RWMutex // held for reading around every GoBGP call; stop takes it for writing
	closed bool

	// wireIn is the fabric session to each VPNv4 neighbour (by socket
	// address), whose relay keeps what the speaker holds from it
	// (adjin.go). Written while sessions are added (wireMu).
	wireMu sync.Mutex
	wireIn map[string]*Session
	// locals is every VPN-IPv4 route the speaker originated (AddVPNv4,
	// DeleteVPNv4) as it handed it to GoBGP, for VPNv4RIB; localsLost is
	// set once a call failed half-way, after which VPNv4RIB asks GoBGP.
	localsMu   sync.Mutex
	locals     map[adjKey]*api.Path
	localsLost bool

	policyMu  sync.Mutex            // reflectorPeering
	rtFilter  map[netip.Addr]string // the route-target set entry toward each filtered neighbour (policyMu)
	hasPolicy bool
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

// handled is told by GoBGP's main loop (see hook in gobgp.go) each time
// it handled a connection it accepted from its listener or an FSM message
// (UPDATE, state change).
//
// A handled message tells Changed's readers unless it may have been a
// settle marker, which changes nothing they read: at least
// processed-markersIn of the messages handled were not markers (markersIn
// is counted before the relay writes), so the hook tells them whenever
// that bound rises. It has risen to its final value by the time the last
// message that was not a marker has been handled, and not before.
func (sp *Speaker) handled(accept bool) {
	if accept {
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
	if l := sp.ctls.Load(); l != nil {
		for _, c := range *l {
			c.observe()
		}
	}
}

// RIBInGen changes whenever what the speaker holds from its neighbours
// (their Adj-RIB-In, and what it took from them into its Loc-RIB) may have
// changed: a message other than a settle marker was relayed to it, one of
// its neighbours was deleted, or a session of the fabric came up or went
// down. It does not change for the speaker's own paths (AddVPNv4, Reflect,
// ...). Read before a listing, after WaitSettled, an unchanged value means
// a new listing would return the same received paths; the simulator uses
// it to skip re-reading a large RIB that nothing reached.
func (sp *Speaker) RIBInGen() uint64 { return sp.inbound.Load() + sp.f.sessionGen.Load() }

// touch records work in the speaker (and so in the fabric).
func (sp *Speaker) touch() {
	sp.work.Add(1)
	sp.f.touch()
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
	sp := &Speaker{f: f, cfg: cfg, port: f.opts.ListenPort, moved: make(chan struct{}, 1)}
	sp.newGobgp()

	var err error
	for range 32 {
		sp.addr = pickAddr()
		err = sp.startGobgp()
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

// quiet tells whether the speaker holds no connection from the fabric in
// hand-over (dialled, not yet taken by the main loop) and the FSM of the
// neighbour at addr is not in the OPEN exchange: deleting the neighbour
// then strands nothing (see controller.quiesce).
func (sp *Speaker) quiet(addr string) bool {
	return sp.accepted.Load() >= sp.dialed.Load() && !inHandshake(sp.neighbourState(addr))
}

func inHandshake(st api.PeerState_SessionState) bool {
	return st == api.PeerState_OPENSENT || st == api.PeerState_OPENCONFIRM
}

// use runs fn unless the speaker is stopped.
func (sp *Speaker) use(fn func() error) error {
	sp.mu.RLock()
	defer sp.mu.RUnlock()
	if sp.closed {
		return ErrClosed
	}
	return fn()
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
	err := sp.addPaths(paths, false)
	sp.localsMu.Lock()
	defer sp.localsMu.Unlock()
	if err != nil {
		sp.localsLost = true
		return fmt.Errorf("speaker %s: adding VPN routes: %w", sp.cfg.Name, err)
	}
	if sp.locals == nil {
		sp.locals = map[adjKey]*api.Path{}
	}
	for i, r := range routes {
		sp.locals[keyOf(r.RD, r.Prefix)] = paths[i]
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
	sp.localsMu.Lock()
	defer sp.localsMu.Unlock()
	if err != nil {
		sp.localsLost = true
		return fmt.Errorf("speaker %s: withdrawing VPN route %v %v: %w", sp.cfg.Name, rd, prefix, err)
	}
	delete(sp.locals, keyOf(rd, r.Prefix))
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
	v, err := vpnPathWire(p.NlriBinary, p.PattrsBinary)
	v.Best = p.Best
	return v, err
}

// vpnPathWire decodes a VPN-IPv4 path from its NLRI and attributes in
// wire form, by vpnFromWire where it can and GoBGP's decoder otherwise.
func vpnPathWire(nlri []byte, attrs [][]byte) (VPNPath, error) {
	v, ok := vpnFromWire(nlri, attrs)
	if !ok {
		d, err := decode(&api.Path{Family: VPNv4.api(), NlriBinary: nlri, PattrsBinary: attrs})
		if err != nil {
			return VPNPath{}, fmt.Errorf("decoding: %w", err)
		}
		if v, err = d.vpn(); err != nil {
			return VPNPath{}, err
		}
	}
	return v, nil
}

// VPNv4Paths returns every VPN-IPv4 path in the speaker's RIB, best or not,
// sorted by RD, prefix and sending speaker (local paths first).
func (sp *Speaker) VPNv4Paths() ([]VPNPath, error) {
	out := make([]VPNPath, 0, sp.pathCount(false, "", VPNv4))
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
	slices.SortFunc(out, compareVPNPaths)
	return out, err
}

// VPNv4PathCounts returns how many VPN-IPv4 paths the speaker holds from
// each neighbour, by name ("" for its own): what VPNv4RIB lists on a PE,
// what AdjRIBInVPNv4 lists on a speaker whose decision the caller makes
// (SpeakerConfig.Decides), as a router's summary counts them (IOS's
// PfxRcd). Only a PE's RIB read off the relays is decoded to count it.
func (sp *Speaker) VPNv4PathCounts() (map[string]int, error) {
	out := map[string]int{}
	if sp.cfg.Decides {
		peers, err := sp.peers()
		if err != nil {
			return nil, fmt.Errorf("speaker %s: listing its neighbours: %w", sp.cfg.Name, err)
		}
		for addr := range peers {
			if name := sp.peerName(addr); name != "" {
				out[name] += sp.pathCount(true, addr, VPNv4)
			}
		}
		return out, nil
	}
	if paths, ok, err := sp.wireRIB(); ok || err != nil {
		for _, p := range paths {
			out[p.FromPeer]++
		}
		return out, err
	}
	err := sp.rib(VPNv4, func(_ *api.Path, from string) error {
		out[from]++
		return nil
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
	return sp.destinations(VPNv4)
}
