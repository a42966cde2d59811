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
