package bgp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Close does not hang when GoBGP never reports an FSM finished off (a
// GoBGP without the "freed fsm.h" debug line, as v4 is): after closeWait
// it goes on and says so.
func TestCloseWithoutFreedLine(t *testing.T) {
	old := closeWait
	closeWait = 50 * time.Millisecond
	defer func() { closeWait = old }()
	var logs bytes.Buffer
	f := NewFabric(Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	sp := addSpeaker(t, f, "PE1", 65000, "10.0.0.1", false)
	sp.fsmDeleted("192.0.2.1") // an FSM GoBGP will never report freed
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "did not report its neighbours' FSMs finished") {
		t.Errorf("Close said nothing of the missing line; log:\n%s", logs.String())
	}
}
