package lab

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./lab -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./lab -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestShowClassicGolden pins every table of every router of classic.
func TestShowClassicGolden(t *testing.T) {
	l := start(t, "classic")
	var b bytes.Buffer
	for _, n := range l.Topo.Nodes {
		for _, tbl := range network.Tables {
			fmt.Fprintf(&b, "==== %s %s\n", n.Name, tbl)
			if err := showText(l, &b, n.Name, tbl, ""); err != nil {
				t.Fatal(err)
			}
		}
		if x := l.PE(n.Name); x != nil {
			for _, v := range x.VRFs {
				fmt.Fprintf(&b, "==== %s routes vrf %s\n", n.Name, v.Name)
				if err := showText(l, &b, n.Name, "routes", v.Name); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	golden(t, "classic-show.golden", b.Bytes())
}

// TestWalkClassicGolden pins the packet walk of the classic ping from A1 to
// 10.1.2.1.
func TestWalkClassicGolden(t *testing.T) {
	l := start(t, "classic")
	w := &network.Walk{}
	stop := l.Watch(w, true)
	r, err := l.Ping("A1", netip.MustParseAddr("10.1.2.1"), network.ProbeOptions{})
	stop()
	if err != nil || r.Result != network.Reply {
		t.Fatalf("ping: %v %+v", err, r)
	}
	var b bytes.Buffer
	render.Walk(&b, w, false)
	golden(t, "classic-walk.golden", b.Bytes())
	// The frame the issue names, exactly.
	const p1 = "[Eth][MPLS 202 TTL 63][MPLS 404 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo]"
	if !bytes.Contains(b.Bytes(), []byte("PE1:eth1 -> P1:eth1   "+p1)) {
		t.Errorf("walk lacks the frame reaching P1 %s:\n%s", p1, b.String())
	}
}

func TestShowJSON(t *testing.T) {
	l := start(t, "classic")
	var b bytes.Buffer
	if err := showJSON(l, &b, "RR1", "vpnv4", ""); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Rows []map[string]string `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Rows) != 8 {
		t.Fatalf("%d rows, want 8", len(out.Rows))
	}
	r := out.Rows[0]
	if r["rd"] != "65000:1" || r["prefix"] != "10.1.1.0/24" || r["label"] != "104" || r["next_hop"] != "10.0.0.1" {
		t.Errorf("first row %v", r)
	}
	for _, tbl := range network.Tables {
		b.Reset()
		if err := showJSON(l, &b, "PE1", tbl, ""); err != nil || !json.Valid(b.Bytes()) {
			t.Errorf("%s: %v, valid JSON %v", tbl, err, json.Valid(b.Bytes()))
		}
	}
}
