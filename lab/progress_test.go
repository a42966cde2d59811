package lab

import "testing"

// Once converged, the first route reflector has received every VPN
// destination the progress line expects, and the PEs every path: classic
// has four attachments, each a subnet and one CE LAN, under two RDs (8
// destinations); each VRF is on both PEs, so each destination goes from
// each of the reflectors to the one other PE (8 x 1 x 1 reflector).
func TestVPNProgressConverged(t *testing.T) {
	l := start(t, "classic")
	v, ok := l.VPNProgress()
	if !ok || v.RR != "RR1" || v.RRWant != 8 || v.RRReceived != v.RRWant || v.PEsWant != 8 || v.PEsReceived != v.PEsWant {
		t.Errorf("VPNProgress() = %+v, %v; want RR1 with 8 of 8 and PEs 8 of 8", v, ok)
	}
	p := l.Fabric().Progress()
	if p.Sessions == 0 || p.Established != p.Sessions || p.Updates == 0 {
		t.Errorf("Fabric().Progress() = %+v: want every session established and UPDATEs passed", p)
	}
}
