package confimport

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestFRRTestSetsParse: FRR's own parser (vtysh --dryrun) accepts every
// hand-written frr.conf under testdata/frr, so the sets are configurations
// FRR takes, not ones only vpnsim reads. Without FRR installed the test is
// skipped, unless CI=true.
func TestFRRTestSetsParse(t *testing.T) {
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("vtysh not found; CI=true requires FRR")
		}
		t.Skip("vtysh not found (FRR is not installed)")
	}
	files, err := Files(FRR, []string{filepath.Join("testdata", "frr")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if out, err := exec.Command(vtysh, "--dryrun", "-f", f).CombinedOutput(); err != nil {
			t.Errorf("%s: vtysh --dryrun: %v\n%s", f, err, out)
		}
	}
	t.Logf("%d frr.conf files pass vtysh --dryrun", len(files))
}
