package bgp

import (
	"fmt"
	"net/netip"
	"slices"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// A route reflector decides as real routers do, which GoBGP cannot: its
// best path has no IGP-cost step (it was a no-op in GoBGP and was removed)
// and no next-hop reachability without zebra, and it ignores
// ORIGINATOR_ID and CLUSTER_LIST (RFC 4456 section 9). So on a speaker
// with SpeakerConfig.Decides the caller makes the VPNv4 decision and GoBGP
// stays the session and wire engine:
//
//   - an import policy keeps every VPNv4 path the speaker receives out of
//     its Loc-RIB: GoBGP holds them in the neighbours' Adj-RIB-In
//     (AdjRIBInVPNv4 lists them, with the sending peer), decides nothing
//     and reflects nothing by itself;
//   - the caller runs the decision process with what the model knows (the
//     IGP cost to each next hop, whether it resolves) and hands the chosen
//     path of each destination to Reflect, which originates it unchanged:
//     the same NLRI and label, the same next hop and attributes, plus an
//     ORIGINATOR_ID (the sending peer's router ID) if it had none;
//   - GoBGP sends that path to every neighbour as a reflected route:
//     toward a client (and a fellow reflector, configured as one, see
//     reflect.go) it keeps the ORIGINATOR_ID and prepends its CLUSTER_ID
//     to the CLUSTER_LIST (RFC 4456 section 8), and it leaves the next hop
//     alone (iBGP).
//
// What differs from RFC 4456 on the wire: the reflector also sends the
// chosen path back to the client it came from (which drops it by its own
// ORIGINATOR_ID, as IOS clients do), and a path learned from a fellow
// reflector goes back to the reflectors too (which drop it by their own
// CLUSTER_ID, RFC 4456 section 8). Neither changes any router's choice
// while every reflector peers with every other, as the model builds them.
// Leaving the first out by an export filter on the next hop was tried
// (issue 23): it also kept from a PE the paths of external routers that
// name that PE's loopback as next hop, which the interop suite sends on
// purpose, and it saved no time.

const decidesPolicy = "vpnsim-decides"

// decidesPolicies installs the import policy of a speaker whose VPNv4
// decision the caller makes: local VPNv4 paths (Reflect's) are accepted,
// received ones rejected, so they stay in the Adj-RIB-In only.
func (sp *Speaker) decidesPolicies() error {
	vpn := func() *api.Conditions { return &api.Conditions{AfiSafiIn: []*api.Family{VPNv4.api()}} }
	local := vpn()
	local.RouteType = api.Conditions_ROUTE_TYPE_LOCAL
	policy := &api.Policy{Name: decidesPolicy, Statements: []*api.Statement{
		{Name: decidesPolicy + "-own", Conditions: local, Actions: &api.Actions{RouteAction: api.RouteAction_ACCEPT}},
		{Name: decidesPolicy, Conditions: vpn(), Actions: &api.Actions{RouteAction: api.RouteAction_REJECT}},
	}}
	return sp.addPolicy(api.PolicyDirection_IMPORT, policy)
}

// AdjRIBInVPNv4 returns every VPN-IPv4 path the speaker holds from its
// neighbours (their Adj-RIB-In, before import policy: on a speaker with
// Decides, everything it received), sorted by RD, prefix and sending peer.
// Each has FromPeer and PeerRouterID set and can be handed to Reflect.
// What a fabric session's relay kept is read from there (adjin.go), the
// rest from GoBGP.
func (sp *Speaker) AdjRIBInVPNv4() ([]VPNPath, error) { return sp.adjRIBInVPNv4(true) }

func (sp *Speaker) adjRIBInVPNv4(wire bool) ([]VPNPath, error) {
	peers, err := sp.peers()
	if err != nil {
		return nil, fmt.Errorf("speaker %s: listing its neighbours: %w", sp.cfg.Name, err)
	}
	addrs := make([]string, 0, len(peers))
	for a := range peers {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	addrs = slices.DeleteFunc(addrs, func(a string) bool { return sp.peerName(a) == "" })
	tables := make([]*adjIn, len(addrs))
	onWire := make([]bool, len(addrs))
	size := 0
	for i, addr := range addrs {
		if wire {
			tables[i], onWire[i] = sp.wireAdjIn(addr)
		}
		switch {
		case tables[i] != nil:
			size += tables[i].count()
		case !onWire[i]:
			size += sp.pathCount(true, addr, VPNv4)
		}
	}
	out := make([]VPNPath, 0, size)
	for i, addr := range addrs {
		name := sp.peerName(addr)
		var first error
		add := func(nlri []byte, attrs [][]byte, routerID, prefix string) {
			if first != nil {
				return
			}
			v, err := vpnPathWire(nlri, attrs)
			if err != nil {
				if prefix == "" {
					prefix = fmt.Sprintf("NLRI %x", nlri)
				}
				first = fmt.Errorf("%s from %s: %w", prefix, name, err)
				return
			}
			v.FromPeer = name
			v.PeerRouterID, _ = netip.ParseAddr(routerID)
			v.wire = &wirePath{nlri: nlri, attrs: attrs}
			out = append(out, v)
		}
		if onWire[i] {
			if t := tables[i]; t != nil {
				id := peers[addr].GetState().GetRouterId()
				t.each(true, func(nlri []byte, attrs [][]byte) { add(nlri, attrs, id, "") })
			}
		} else {
			err = sp.listPath(&api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: addr, Family: VPNv4.api(), EnableOnlyBinary: true}, func(dst *api.Destination) {
				for _, p := range dst.Paths {
					add(p.NlriBinary, p.PattrsBinary, p.SourceId, dst.Prefix)
				}
			})
		}
		if err == nil {
			err = first
		}
		if err != nil {
			return nil, fmt.Errorf("speaker %s: reading the VPNv4 Adj-RIB-In from %s: %w", sp.cfg.Name, name, err)
		}
	}
	slices.SortFunc(out, compareVPNPaths)
	return out, nil
}

// wireAdjIn is what the relay of the fabric session with the neighbour at
// addr kept of what this speaker holds from it (Session.wireAdjIn): ok
// false when GoBGP must be asked, t nil when it holds nothing.
func (sp *Speaker) wireAdjIn(addr string) (t *adjIn, ok bool) {
	sp.wireMu.Lock()
	s := sp.wireIn[addr]
	sp.wireMu.Unlock()
	if s == nil {
		return nil, false
	}
	return s.wireAdjIn(sp)
}

// Reflect originates each path, as AdjRIBInVPNv4 returned it, as this
// speaker's best path for its RD and prefix (replacing any earlier one):
// unchanged, with an ORIGINATOR_ID of the sending peer's router ID added
// when it has none.
func (sp *Speaker) Reflect(paths ...VPNPath) error {
	out := make([]*api.Path, 0, len(paths))
	for _, v := range paths {
		if v.wire == nil {
			return fmt.Errorf("speaker %s: reflecting %v %v: the path was not read by AdjRIBInVPNv4", sp.cfg.Name, v.RD, v.Prefix)
		}
		// A path with no SourceAsn is local to GoBGP (api2Path).
		p := &api.Path{Family: VPNv4.api(), NlriBinary: v.wire.nlri, PattrsBinary: v.wire.attrs}
		if !v.OriginatorID.IsValid() && v.PeerRouterID.Is4() {
			b, err := bgp.NewPathAttributeOriginatorId(v.PeerRouterID.String()).Serialize()
			if err != nil {
				return fmt.Errorf("speaker %s: reflecting %v %v: %w", sp.cfg.Name, v.RD, v.Prefix, err)
			}
			p.PattrsBinary = append(slices.Clip(p.PattrsBinary), b)
		}
		out = append(out, p)
	}
	if err := sp.addPaths(out, false); err != nil {
		return fmt.Errorf("speaker %s: reflecting VPN routes: %w", sp.cfg.Name, err)
	}
	return nil
}

// Fingerprint identifies a path read from GoBGP by its wire form (NLRI,
// label and attributes): equal fingerprints, the same path, within one
// process. The zero Fingerprint is no path's.
type Fingerprint struct {
	nlri  string
	attrs digest
}

// Fingerprint returns the path's fingerprint (zero for a path not read
// from GoBGP). It holds a copy of the NLRI bytes and a 128-bit digest of
// the attributes, not the path: a caller can keep one per route cheaply.
func (p VPNPath) Fingerprint() Fingerprint {
	if p.wire == nil {
		return Fingerprint{}
	}
	return Fingerprint{nlri: string(p.wire.nlri), attrs: wireDigest(p.wire.attrs)}
}

// NoEcho makes sp never send remote a path it originated with next hop
// nh. A CE that passes on what it learned (the caller originates it on
// the CE's speaker with, as next hop, the CE's address on the link it
// learned it over) thus never sends it back over that link, as routers
// do not send a path back to the peer it came from (GoBGP does the same
// for the paths it learns itself).
func (sp *Speaker) NoEcho(remote *Speaker, nh netip.Addr) error {
	if !nh.Is4() {
		return fmt.Errorf("speaker %s: no-echo toward %s: next hop %v is not IPv4", sp.cfg.Name, remote.cfg.Name, nh)
	}
	name := "vpnsim-noecho-" + remote.addr.String()
	set := &api.DefinedSet{DefinedType: api.DefinedType_NEIGHBOR, Name: name, List: []string{remote.addr.String() + "/32"}}
	policy := &api.Policy{Name: name, Statements: []*api.Statement{{
		Name: name,
		Conditions: &api.Conditions{
			NeighborSet:   &api.MatchSet{Type: api.MatchSet_ANY, Name: name},
			RouteType:     api.Conditions_ROUTE_TYPE_LOCAL,
			NextHopInList: []string{nh.String() + "/32"},
		},
		Actions: &api.Actions{RouteAction: api.RouteAction_REJECT},
	}}}
	sp.policyMu.Lock()
	defer sp.policyMu.Unlock()
	sp.touch()
	err := sp.use(func() error { return sp.addPolicy(api.PolicyDirection_EXPORT, policy, set) })
	if err != nil {
		return fmt.Errorf("speaker %s: no-echo policy toward %s: %w", sp.cfg.Name, remote.cfg.Name, err)
	}
	return nil
}
