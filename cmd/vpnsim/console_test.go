package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/vpnsim/vpnsim/internal/labtest"
)

// screen collects what a pseudo-terminal shows.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the screen shows want after offset from; it fails
// the test after a generous bound (the console answers in milliseconds).
func (s *screen) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if i := strings.Index(s.String()[from:], want); i >= 0 {
			return from + i + len(want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the screen never showed %q; it shows:\n%s", want, s.String()[from:])
	return 0
}

// The console on a terminal: keystrokes in, screen out. Tab completes, ?
// answers at once, the up arrow recalls the last line, Ctrl-Z leaves
// configuration mode, and a shutdown reconverges before the prompt
// returns.
func TestConsoleOnATerminal(t *testing.T) {
	l := labtest.Start(t, "classic")
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	var scr screen
	go func() { _, _ = copyAll(&scr, master) }()
	done := make(chan error, 1)
	go func() {
		done <- runConsole(&target{net: l, lab: l, name: "classic"}, "PE1", slave, slave, 0)
		slave.Close()
	}()
	typeKeys := func(s string) {
		if _, err := master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	at := scr.waitFor(t, 0, "PE1#")
	typeKeys("sh mp\t")
	at = scr.waitFor(t, at, "sh mpls ")
	typeKeys("?")
	at = scr.waitFor(t, at, "forwarding-table  Show the Label Forwarding Information Base (LFIB)")
	typeKeys("forw\r")
	at = scr.waitFor(t, at, "Bytes Label")
	at = scr.waitFor(t, at, "104        No Label   A(V)")
	at = scr.waitFor(t, at, "PE1#")
	typeKeys("\x1b[A") // up: the last line again
	at = scr.waitFor(t, at, "sh mpls forw")
	typeKeys("\x15") // Ctrl-U clears it
	typeKeys("show ip rooute\r")
	at = scr.waitFor(t, at, "^\r\n% Invalid input detected at '^' marker.")
	typeKeys("conf t\rint eth1\r")
	at = scr.waitFor(t, at, "PE1(config-if)#")
	typeKeys("shut\r")
	at = scr.waitFor(t, at, "%LDP-5-NBRCHG: LDP Neighbor 10.0.0.2:0 (P1) is DOWN")
	at = scr.waitFor(t, at, "PE1(config-if)#")
	typeKeys("\x1a") // Ctrl-Z
	at = scr.waitFor(t, at, "PE1#")
	typeKeys("sh ip int br\r")
	at = scr.waitFor(t, at, "eth1                       100.64.0.0      YES manual administratively down down")
	typeKeys("exit\r")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("exit did not end the console; the screen shows:\n%s", scr.String()[at:])
	}
}

func copyAll(dst *screen, src *os.File) (int64, error) {
	buf := make([]byte, 4096)
	var n int64
	for {
		k, err := src.Read(buf)
		dst.Write(buf[:k])
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
}
