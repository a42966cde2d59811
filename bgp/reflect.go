package bgp

import (
	api "github.com/osrg/gobgp/v3/api"
)

// Two route reflectors peering as non-clients lose withdrawals in GoBGP
// v3.37: a reflector whose best path moves from a client's path to the
// other reflector's copy of it neither sends the new path to that reflector
// (iBGP from a non-client) nor withdraws the old one (it withdraws there
// only a path that was local or learned over eBGP), so each keeps the
// other's stale copy and a withdrawn route lives on. GoBGP also strips ORIGINATOR_ID and
// CLUSTER_LIST toward non-clients and its decision process ignores both
// (RFC 4456 section 9), so a reflector may prefer the other's copy of a
// client's route over the client's own path.
//
// So the fabric configures two reflectors as each other's clients, where
// GoBGP does withdraw toward the peer a new best path came from, and adds
// an import policy on each reflector that sets LOCAL_PREF to
// ReflectedLocalPref on paths learned from another reflector: a
// reflector's own clients' paths always win, as the shorter CLUSTER_LIST
// would under RFC 4456.
const (
	reflectorSet    = "vpnsim-reflectors"
	reflectorPolicy = "vpnsim-reflected"
)

// ReflectedLocalPref is the LOCAL_PREF a route reflector gives paths it
// learned from another route reflector (see the package documentation).
const ReflectedLocalPref = 90

// reflectorPeering notes remote as a fellow reflector: its address joins the
// neighbour set of the import policy, installed with the first one.
func (sp *Speaker) reflectorPeering(remote *Speaker) error {
	sp.policyMu.Lock()
	defer sp.policyMu.Unlock()
	sp.touch()
	return sp.use(func() error {
		set := &api.DefinedSet{DefinedType: api.DefinedType_NEIGHBOR, Name: reflectorSet, List: []string{remote.addr.String() + "/32"}}
		if sp.hasPolicy {
			return sp.addDefinedSet(set)
		}
		policy := &api.Policy{Name: reflectorPolicy, Statements: []*api.Statement{{
			Name:       reflectorPolicy + "-lp",
			Conditions: &api.Conditions{NeighborSet: &api.MatchSet{Type: api.MatchSet_ANY, Name: reflectorSet}},
			Actions: &api.Actions{
				RouteAction: api.RouteAction_ACCEPT,
				LocalPref:   &api.LocalPrefAction{Value: ReflectedLocalPref},
			},
		}}}
		err := sp.addPolicy(api.PolicyDirection_IMPORT, policy, set)
		sp.hasPolicy = err == nil
		return err
	})
}
