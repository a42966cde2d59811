package bgp

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"time"
)

// settleTimeout only guards against a network that never settles.
const settleTimeout = 20 * time.Second

func newTestFabric(t testing.TB) *Fabric {
	t.Helper()
	f := NewFabric(Options{
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Verbose: true,
	})
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

func addSpeaker(t testing.TB, f *Fabric, name string, asn uint32, rid string, rr bool) *Speaker {
	t.Helper()
	cfg := SpeakerConfig{Name: name, ASN: asn, RouterID: netip.MustParseAddr(rid)}
	if rr {
		cfg.ClusterID = cfg.RouterID
	}
	sp, err := f.AddSpeaker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func addSession(t testing.TB, f *Fabric, a, b *Speaker, fam Family, client bool) *Session {
	t.Helper()
	s, err := f.AddSession(SessionConfig{A: a, B: b, Family: fam, BIsRRClientOfA: client})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func settle(t testing.TB, f *Fabric) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if err := f.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
}

func upAll(f *Fabric) {
	for _, s := range f.Sessions() {
		s.SetUp(true)
	}
}

func vpnPaths(t testing.TB, sp *Speaker) []VPNPath {
	t.Helper()
	p, err := sp.VPNv4Paths()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reflected is a reflector RR1 with two clients, PE1 and PE2, their
// sessions set up (to be brought up by the caller, with whatever else it
// adds) in f.
func reflected(t testing.TB, f *Fabric) (rr, pe1, pe2 *Speaker) {
	t.Helper()
	rr = addSpeaker(t, f, "RR1", 65000, "10.0.0.9", true)
	pe1 = addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	pe2 = addSpeaker(t, f, "PE2", 65000, "10.0.0.2", false)
	addSession(t, f, rr, pe1, VPNv4, true)
	addSession(t, f, rr, pe2, VPNv4, true)
	return rr, pe1, pe2
}

// upWithRoute1 brings every session of f up, has pe originate route1, and
// waits until the fabric has settled.
func upWithRoute1(t testing.TB, f *Fabric, pe *Speaker) {
	t.Helper()
	upAll(f)
	if err := pe.AddVPNv4(route1); err != nil {
		t.Fatal(err)
	}
	settle(t, f)
}
