package lab

import "testing"

// Once converged, the first route reflector has received every VPN
// destination the progress line expects, and the PEs every path: classic
// has four attachments, each a subnet and one CE LAN, under two RDs (8
// destinations); each VRF is on both PEs, and the reflector sends each
// destination to both (back to where it came from too): 8 x 2.
func TestVPNProgressConverged(t *testing.T) {
	l := start(t, "classic")
	v, ok := l.VPNProgress()
	if !ok || v.RR != "RR1" || v.RRWant != 8 || v.RRReceived != v.RRWant || v.PEsWant != 16 || v.PEsReceived != v.PEsWant {
		t.Errorf("VPNProgress() = %+v, %v; want RR1 with 8 of 8 and PEs 16 of 16", v, ok)
	}
	p := l.Fabric().Progress()
	if p.Sessions == 0 || p.Established != p.Sessions || p.Updates == 0 {
		t.Errorf("Fabric().Progress() = %+v: want every session established and UPDATEs passed", p)
	}
}
