package main

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/topologies"
)

// TestAuditChoice: the RIB audit runs by default up to auditLimit VPN
// routes and is left out above it with a line that says so; --rib-audit
// and --no-rib-audit override it, and both together are a usage error.
func TestAuditChoice(t *testing.T) {
	sized := func(routes int) *topologies.Topology {
		return &topologies.Topology{Nodes: []*topologies.Node{{Name: "A1", LANs: make([]netip.Prefix, routes)}}}
	}
	defer func() { ribAudit, noRIBAudit = false, false }()
	for _, tc := range []struct {
		name        string
		routes      int
		on, off     bool
		skip        bool
		why, errMsg string
	}{
		{name: "small", routes: 100},
		{name: "at the limit", routes: auditLimit},
		{name: "above the limit", routes: auditLimit + 1, skip: true, why: "RIB audit left out: 20001 VPN routes > 20000 (--rib-audit runs it)"},
		{name: "above, --rib-audit", routes: 100000, on: true},
		{name: "small, --no-rib-audit", routes: 10, off: true, skip: true},
		{name: "both flags", routes: 10, on: true, off: true, errMsg: "--rib-audit and --no-rib-audit: give one of them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ribAudit, noRIBAudit = tc.on, tc.off
			skip, why, err := auditChoice(sized(tc.routes))
			if tc.errMsg != "" {
				var ee *exitError
				if !errors.As(err, &ee) || !strings.Contains(err.Error(), tc.errMsg) || ee.code != 2 {
					t.Fatalf("err = %v, want %q with exit status 2", err, tc.errMsg)
				}
				return
			}
			if err != nil || skip != tc.skip || why != tc.why {
				t.Errorf("auditChoice = %v, %q, %v; want %v, %q", skip, why, err, tc.skip, tc.why)
			}
		})
	}
}
