// Package labtest starts networks for tests outside package lab: a
// built-in topology converged, closed when the test ends.
package labtest

import (
	"context"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/topologies"
)

// Start builds and converges the topology name (a built-in or a file)
// and closes it when the test ends.
func Start(tb testing.TB, name string) *lab.Lab {
	tb.Helper()
	topo, _, err := topologies.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := lab.New(topo, lab.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	return l
}
