package bgp

import (
	"context"

	api "github.com/osrg/gobgp/v3/api"
)

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
		if err := sp.srv.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: set}); err != nil {
			return err
		}
	}
	if err := sp.srv.AddPolicy(ctx, &api.AddPolicyRequest{Policy: policy}); err != nil {
		return err
	}
	return sp.srv.AddPolicyAssignment(ctx, &api.AddPolicyAssignmentRequest{Assignment: &api.PolicyAssignment{
		Name:          "global",
		Direction:     dir,
		Policies:      []*api.Policy{{Name: policy.Name}},
		DefaultAction: api.RouteAction_ACCEPT,
	}})
}
