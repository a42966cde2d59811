// Package pe is what makes a provider router a provider edge, in the
// control plane: its VRFs and attachment circuits from the topology, its
// VPN label plan and the VPN entries of its LFIB (control.go). The PE's
// forwarding (VRF lookup, the ingress push of VPN and transport labels, the
// egress a VPN label leads to) is the label-switching router's, package p
// (p/vpn.go): one data plane switches labels and forwards in the VRFs, as a
// real router's does.
package pe

import (
	"github.com/vpnsim/vpnsim/p"
	"github.com/vpnsim/vpnsim/sim"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// PE is a provider edge router: its data plane, an LSR with VRFs, and the
// control-plane methods that fill them.
type PE struct {
	*p.LSR
}

var _ sim.Handler = (*PE)(nil)

// New builds a PE on node n from its topology node; vrfs are the VRFs that
// have an attachment on it (each created with its RD and targets).
func New(n *sim.Node, cfg *topologies.Node, t *topologies.Topology, vrfs []*vrf.VRF) *PE {
	r := p.NewLSR(n, cfg, t.Provider.TTLPropagation)
	r.AttachVRFs(vrfs)
	r.AttachEVIs(EVIsOf(t, cfg))
	return &PE{LSR: r}
}
