package lab

import "testing"

// Once converged, the first route reflector holds every VPN destination
// the progress line expects: classic has four attachments, each a subnet
// and one CE LAN, under two RDs.
func TestVPNProgressConverged(t *testing.T) {
	l := start(t, "classic")
	rr, have, want, ok := l.VPNProgress()
	if !ok || rr != "RR1" || want != 8 || have != want {
		t.Errorf("VPNProgress() = %s, %d, %d, %v; want RR1, 8, 8, true", rr, have, want, ok)
	}
	p := l.Fabric().Progress()
	if p.Sessions == 0 || p.Established != p.Sessions || p.Updates == 0 {
		t.Errorf("Fabric().Progress() = %+v: want every session established and UPDATEs passed", p)
	}
}
