package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportVerify: import ios writes a topology that loads, with its
// warnings on standard error; verify --expect exits 1 on the planted leak
// and names it; --json holds the same leak with the route target that let
// it in; the classic set matches its expect file (exit 0).
func TestImportVerify(t *testing.T) {
	dir := t.TempDir()
	topo := filepath.Join(dir, "extranet.yaml")
	_, errOut, code := vpnsim(t, "import", "ios", "../../confimport/testdata/ios/extranet-leak", "-o", topo)
	if code != 0 {
		t.Fatalf("import: status %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "pe2.cfg:37:1: warning: VRF BLUE on PE2 differs from PE1's") {
		t.Errorf("import's warnings lack the BLUE variant:\n%s", errOut)
	}
	// a second run replaces its own output (owned.go)
	if _, errOut, code := vpnsim(t, "import", "ios", "../../confimport/testdata/ios/extranet-leak", "-o", topo); code != 0 {
		t.Fatalf("import again: status %d: %s", code, errOut)
	}
	expect := "../../confimport/testdata/ios/extranet-leak.expect.yaml"
	out, errOut, code := vpnsim(t, "verify", topo, "--expect", expect)
	if code != 1 {
		t.Fatalf("verify --expect: status %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{
		"Customer reachability (site pairs reached):\nfrom \\ to  BLUE   RED    SHARED\nBLUE       all 2  2/4    all 2\n",
		"BLUE2 (BLUE) reaches RED1 (RED), one way: the reply does not come back\n  route: PE2 VRF BLUE--PE2 10.1.1.0/24 ibgp from PE1 RT 65000:10\n  allowed by: route target 65000:10 imported by VRF BLUE--PE2 on PE2\n",
		"1 difference(s) from the expect file:\n  BLUE reaches RED (BLUE2 reaches RED1): the expect file does not allow it\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("verify's output lacks\n%s\ngot:\n%s", want, out)
		}
	}
	out, _, code = vpnsim(t, "verify", topo, "--expect", expect, "--json")
	if code != 1 {
		t.Fatalf("verify --json: status %d, want 1", code)
	}
	var rep struct {
		Leaks []struct {
			From, To  string
			AllowedBy []string `json:"allowed_by"`
			Walk      struct{ Steps []any }
		}
		Differences []string
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	found := false
	for _, l := range rep.Leaks {
		if l.From == "BLUE2" && l.To == "RED1" && len(l.AllowedBy) == 1 && l.AllowedBy[0] == "65000:10" && len(l.Walk.Steps) > 0 {
			found = true
		}
	}
	if !found || len(rep.Differences) != 1 {
		t.Errorf("JSON: leak BLUE2→RED1 by 65000:10 with a walk found %v, differences %v", found, rep.Differences)
	}

	classic := filepath.Join(dir, "classic.yaml")
	if _, errOut, code := vpnsim(t, "import", "ios", "../../confimport/testdata/ios/classic", "-o", classic); code != 0 {
		t.Fatalf("import classic: %d %s", code, errOut)
	}
	out, errOut, code = vpnsim(t, "verify", classic, "--expect", "../../confimport/testdata/ios/classic.expect.yaml")
	if code != 0 || !strings.Contains(out, "No leaks") || !strings.Contains(out, "As expected") {
		t.Errorf("verify classic: status %d\n%s\n%s", code, out, errOut)
	}
	// import refuses to replace a file vpnsim did not write
	mine := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(mine, []byte("name: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := vpnsim(t, "import", "ios", "../../confimport/testdata/ios/classic", "-o", mine); code != 2 || !strings.Contains(errOut, "vpnsim did not write it") {
		t.Errorf("import over a foreign file: status %d, %s", code, errOut)
	}
}
