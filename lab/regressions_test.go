package lab_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/scenarios"
)

// TestSeparationRegressions runs every counterexample TestSeparationProperty
// saved under scenarios/regressions: each stays a test after its bug is
// fixed.
func TestSeparationRegressions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(regressionDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no saved counterexamples in " + regressionDir)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			sc, err := scenarios.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			rep := scenarios.Run(context.Background(), sc, scenarios.Options{})
			if !rep.OK() {
				var b bytes.Buffer
				for _, st := range rep.Steps {
					scenarios.WriteStep(&b, st)
				}
				scenarios.WriteSummary(&b, rep)
				t.Fatalf("%s failed:\n%s", f, b.String())
			}
		})
	}
}
