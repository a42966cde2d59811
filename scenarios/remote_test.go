package scenarios_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/scenarios"
)

// Every built-in scenario gives the same step reports (outcome, summary,
// checks and output) played on a network behind vpnsim serve as in this
// process: the runner uses network.Network only.
func TestScenariosThroughServe(t *testing.T) {
	files, _ := filepath.Glob("*.yaml")
	if testing.Short() {
		files = []string{"probes.yaml", "core-failure.yaml", "ttl-pipe.yaml"}
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(f, ".yaml"), func(t *testing.T) {
			sc, err := scenarios.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			local := scenarios.Run(context.Background(), sc, scenarios.Options{})
			l, err := lab.New(sc.Topology, lab.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			ctx, cancel := context.WithTimeout(context.Background(), sc.Settle)
			defer cancel()
			if err := l.Start(ctx); err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(api.NewServer(l, sc.Settle))
			defer hs.Close()
			c, err := api.NewClient(strings.TrimPrefix(hs.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := api.Dial(c)
			if err != nil {
				t.Fatal(err)
			}
			remote := &scenarios.Report{}
			scenarios.RunSteps(context.Background(), sc, r, scenarios.Options{}, remote)
			if !local.OK() || len(remote.Steps) != len(local.Steps) || remote.Passed != local.Passed {
				t.Fatalf("in this process: %d passed, %d failed; behind serve: %d passed, %d failed", local.Passed, local.Failed, remote.Passed, remote.Failed)
			}
			for i, a := range local.Steps {
				b := remote.Steps[i]
				if a.Outcome != b.Outcome || a.Summary != b.Summary || a.Output != b.Output || len(a.Checks) != len(b.Checks) {
					t.Errorf("step %d %s:\nhere:  %s %q\n%s\nserve: %s %q\n%s", i+1, a.Title, a.Outcome, a.Summary, a.Output, b.Outcome, b.Summary, b.Output)
				}
			}
		})
	}
}
