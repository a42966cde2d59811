package bgp

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/vrf"
)

// Route-target filtering (SessionConfig.AImports, BImports): without it a
// route reflector sends every client every VPN route, and each PE holds
// the routes of every customer. RFC 4684's route-target constraint has
// each PE advertise the route targets it imports and the reflectors send
// it only matching routes; the fabric gets the same effect from
// configuration: the sender of a filtered direction carries an export
// policy, assigned globally and matching on the neighbour, that accepts
// toward that neighbour only the paths carrying one of its route targets
// and rejects the rest. GoBGP applies export policy when it sends and
// when it computes the Adj-RIB-Out, so Settled needs no exception.
//
// Each filtered neighbour gets a policy of its own with two statements
// (accept with the neighbour and any of its route targets; reject with
// the neighbour alone), appended to the speaker's global export
// assignment. Toward other neighbours both statements fail on their first
// condition, the neighbour, so a filter costs little where it does not
// apply.
//
// The filter matches every family but the settle markers (accepted
// before it, marker.go): EVPN paths are filtered like VPNv4 ones, as
// RFC 4684's route-target constraint covers every VPN family
// (TestEVPNRouteTargetFilter).

// exportFilter makes sp send remote only VPN paths that carry at least
// one of rts (none at all if rts is empty).
func (sp *Speaker) exportFilter(remote *Speaker, rts []vrf.RouteTarget) error {
	return sp.exportFilterTo(remote.addr, remote.cfg.RouterID, rts)
}

// exportFilterTo is exportFilter toward the neighbour at socket address
// addr, whose router ID (its loopback, the next hop of what it originates)
// is routerID, invalid when unknown (an external peer).
func (sp *Speaker) exportFilterTo(addr, routerID netip.Addr, rts []vrf.RouteTarget) error {
	name := "vpnsim-rt-" + addr.String()
	entry, err := targetsRegexp(rts)
	if err != nil {
		return err
	}
	neighbours := &api.DefinedSet{DefinedType: api.DefinedType_NEIGHBOR, Name: name, List: []string{addr.String() + "/32"}}
	isNeighbour := &api.MatchSet{Type: api.MatchSet_ANY, Name: name}
	// One regular expression for all of them: GoBGP matches a set's
	// entries one by one, and one alternation is several times faster
	// than thirty anchored literals. With no target it matches nothing,
	// and the set is there to be replaced (SetExportTargets).
	targets := &api.DefinedSet{DefinedType: api.DefinedType_EXT_COMMUNITY, Name: name, List: []string{entry}}
	var stmts []*api.Statement
	stmts = append(stmts, &api.Statement{
		Name: name + "-accept",
		Conditions: &api.Conditions{
			NeighborSet:     isNeighbour,
			ExtCommunitySet: &api.MatchSet{Type: api.MatchSet_ANY, Name: name},
		},
		Actions: &api.Actions{RouteAction: api.RouteAction_ACCEPT},
	}, &api.Statement{
		Name:       name + "-reject",
		Conditions: &api.Conditions{NeighborSet: isNeighbour},
		Actions:    &api.Actions{RouteAction: api.RouteAction_REJECT},
	})
	sp.policyMu.Lock()
	defer sp.policyMu.Unlock()
	sp.touch()
	err = sp.use(func() error {
		return sp.addPolicy(api.PolicyDirection_EXPORT, &api.Policy{Name: name, Statements: stmts}, neighbours, targets)
	})
	if err == nil {
		if sp.rtFilter == nil {
			sp.rtFilter = map[netip.Addr]string{}
		}
		sp.rtFilter[addr] = entry
	}
	return err
}

// targetsRegexp is the extended-community set entry that matches any of
// rts, or nothing when rts is empty.
func targetsRegexp(rts []vrf.RouteTarget) (string, error) {
	if len(rts) == 0 {
		return "rt:^$", nil // no route target prints as the empty string
	}
	var alts []string
	for _, rt := range sortedRTs(rts) {
		ec, err := bgp.ParseExtended(rt[:])
		if err != nil {
			return "", fmt.Errorf("route target %v: %w", rt, err)
		}
		alts = append(alts, regexp.QuoteMeta(ec.String()))
	}
	return "rt:^(?:" + strings.Join(alts, "|") + ")$", nil
}

// setExportTargets replaces the route targets of sp's filter toward
// remote (exportFilter); it reports whether they changed. The session
// must be reset for remote to hold what the new filter gives.
func (sp *Speaker) setExportTargets(remote *Speaker, rts []vrf.RouteTarget) (bool, error) {
	name := "vpnsim-rt-" + remote.addr.String()
	entry, err := targetsRegexp(rts)
	if err != nil {
		return false, err
	}
	sp.policyMu.Lock()
	defer sp.policyMu.Unlock()
	old, ok := sp.rtFilter[remote.addr]
	if !ok {
		return false, fmt.Errorf("%s has no route-target filter toward %s", sp.cfg.Name, remote.cfg.Name)
	}
	if old == entry {
		return false, nil
	}
	sp.touch()
	err = sp.use(func() error {
		return sp.replaceSetEntry(&api.DefinedSet{DefinedType: api.DefinedType_EXT_COMMUNITY, Name: name, List: []string{old}},
			&api.DefinedSet{DefinedType: api.DefinedType_EXT_COMMUNITY, Name: name, List: []string{entry}})
	})
	if err != nil {
		return false, err
	}
	sp.rtFilter[remote.addr] = entry
	return true, nil
}
