package bgp

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync/atomic"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
)

// gobgpLogger adapts GoBGP's log.Logger onto slog. GoBGP talks a lot at Info
// and Debug (every peer added, every state change); none of that reaches the
// user. With verbose on, warnings and errors are passed on, tagged with the
// speaker's name; with verbose off nothing is.
//
// Panic and Fatal keep their contract (GoBGP calls them for internal logic
// errors and does not expect them to return): both log at error level when
// verbose and then panic, so a broken invariant fails loudly instead of
// exiting the process.
type gobgpLogger struct {
	log     *slog.Logger
	verbose bool
	quiet   *atomic.Bool // set while the fabric closes: shutdown noise is not news
	// freed is told the neighbour address each time GoBGP's main loop has
	// finished off a deleted neighbour's FSM (see Speaker.stop).
	freed func(addr string)
}

var _ gobgplog.Logger = (*gobgpLogger)(nil)

func newGobgpLogger(l *slog.Logger, verbose bool, quiet *atomic.Bool, speaker string, freed func(string)) *gobgpLogger {
	return &gobgpLogger{log: l.With("speaker", speaker, "source", "gobgp"), verbose: verbose, quiet: quiet, freed: freed}
}

func (g *gobgpLogger) emit(level slog.Level, msg string, fields gobgplog.Fields) {
	if !g.verbose || g.quiet.Load() || !g.log.Enabled(context.Background(), level) {
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, fmt.Sprint(fields[k]))
	}
	g.log.Log(context.Background(), level, msg, args...)
}

func (g *gobgpLogger) Panic(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
	panic("gobgp: " + msg)
}

func (g *gobgpLogger) Fatal(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
	panic("gobgp: " + msg)
}

func (g *gobgpLogger) Error(msg string, fields gobgplog.Fields) {
	g.emit(slog.LevelError, msg, fields)
}

func (g *gobgpLogger) Warn(msg string, fields gobgplog.Fields) {
	if msg == ttlWarning || fields["Key"] == markerKey {
		return
	}
	g.emit(slog.LevelWarn, msg, fields)
}

// ttlWarning is logged for every listener where the kernel refuses
// IP_TTL on a listening socket (gVisor and some containers). GoBGP only
// wants it for TTL security, which the fabric never configures.
const ttlWarning = "cannot set TTL (255) for TCPListener"

// A settle marker's path is keyed markerKey. GoBGP warns "No matching
// path for withdraw found" each time a receiver's import policy rejects
// one (it withdraws from the Loc-RIB what was never there): every marker,
// every round. Nothing said about a marker concerns the model.

// Info is never shown.
func (g *gobgpLogger) Info(string, gobgplog.Fields) {}

// Debug is never shown, but one debug message is a signal: GoBGP's main
// loop logs "freed fsm.h" (unconditionally, server.go) once a deleted
// neighbour's FSM goroutines have all ended.
func (g *gobgpLogger) Debug(msg string, fields gobgplog.Fields) {
	if msg == fsmFreed {
		if addr, ok := fields["Key"].(string); ok {
			g.freed(addr)
		}
	}
}

const fsmFreed = "freed fsm.h"

// SetLevel is ignored: the level follows Options.Verbose.
func (g *gobgpLogger) SetLevel(gobgplog.LogLevel) {}

// GetLevel tells GoBGP which messages are worth building; it checks it
// before expensive debug output.
func (g *gobgpLogger) GetLevel() gobgplog.LogLevel {
	if g.verbose {
		return gobgplog.WarnLevel
	}
	return gobgplog.PanicLevel
}
