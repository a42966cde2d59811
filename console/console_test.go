package console

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/lab"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

func start(t *testing.T, name string) *lab.Lab { return labtest.Start(t, name) }

// transcript plays lines on a console and returns the screen: each prompt
// with the line typed after it, then the answer.
func transcript(t *testing.T, c *Console, lines []string) string {
	t.Helper()
	var b bytes.Buffer
	c.out = &b
	for _, ln := range lines {
		b.WriteString(c.Prompt() + ln + "\n")
		c.Exec(ln)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./console -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./console -update rewrites it):\n%s", path, got)
	}
}

// A teaching session on classic: log in to PE1, read the tables with
// abbreviated commands, ping inside VRF A, shut the core interface and
// watch the network reconverge.
func TestClassicSession(t *testing.T) {
	l := start(t, "classic")
	c, err := New(l, "PE1", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := transcript(t, c, []string{
		"sh ip int br",
		"sh arp",
		"sh ip arp vrf A",
		"sh ip vrf",
		"sh ip vrf detail",
		"sh ip route",
		"sh ip route vrf A",
		"sh mpls forwarding-table",
		"sh mpls ldp bindings",
		"sh mpls ldp neighbor",
		"sh bgp vpnv4 unicast all",
		"sh bgp vpnv4 unicast all summary",
		"sh bgp vpnv4 unicast all 10.1.2.0/24",
		"sh ip bgp vpnv4 vrf A",
		"ping vrf A 10.1.2.1",
		"traceroute vrf A 10.1.2.1",
		"sh mpls forwarding-table",
		"conf t",
		"int eth1",
		"shut",
		"end",
		"sh ip int br",
		"sh ip route",
		"ping vrf A 10.1.2.1",
		"conf t",
		"int eth1",
		"no shut",
		"end",
		"ping vrf A 10.1.2.1 repeat 2",
		"connect P1",
		"sh mpls forwarding-table",
		"conf t",
		"int eth2",
		"shut",
		"end",
		"sh mpls forwarding-table",
		"exit",
		"sh ip route vrf A",
		"ping vrf A 10.1.2.1",
		"ssh P1",
		"conf t",
		"int eth2",
		"no shut",
		"end",
		"exit",
		"sh ip bgp vpnv4 all summary",
		"ping vrf A 10.1.2.1 size 1500 df-bit repeat 2",
		"conf t",
		"ip vrf A",
		"no route-target import 65000:1",
		"end",
		"sh ip route vrf A",
		"conf t",
		"ip vrf A",
		"route-target import 65000:1",
		"exit",
		"exit",
		"ping vrf A 10.1.2.1 repeat 1",
		"exit",
	})
	golden(t, "classic-session.golden", got)
	if !c.Done() {
		t.Error("exit from the first router does not end the session")
	}
}

// Mistakes are answered as IOS answers them.
func TestMistakes(t *testing.T) {
	l := start(t, "classic")
	c, err := New(l, "PE1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ line, want string }{
		{"show ip rooute", "PE1#show ip rooute\n            ^\n% Invalid input detected at '^' marker.\n\n"},
		{"s ip route", "PE1#s ip route\n% Ambiguous command:  \"s\"\n"},
		{"show ip", "PE1#show ip\n% Incomplete command.\n\n"},
		{"ping 10.1.2", "PE1#ping 10.1.2\n         ^\n% Invalid input detected at '^' marker.\n\n"},
		{"connect X9", "PE1#connect X9\n% Unknown host X9; the routers are PE1, P1, P2, PE2, RR1, A1, A2, B1, B2\n"},
	} {
		got := transcript(t, c, []string{tc.line})
		if got != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.line, got, tc.want)
		}
	}
}

// `?` lists what may come next; Tab completes a word that only one
// command fits.
func TestHelpAndCompletion(t *testing.T) {
	l := start(t, "classic")
	c, err := New(l, "PE1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Help("show mpls "); !strings.Contains(h, "  forwarding-table  Show the Label Forwarding Information Base (LFIB)\n") || !strings.Contains(h, "  ldp ") {
		t.Errorf("show mpls ?:\n%s", h)
	}
	if h := c.Help("s"); h != "show  ssh\n" {
		t.Errorf("s?: %q", h)
	}
	if h := c.Help("show ip route "); !strings.Contains(h, "<cr>") || !strings.Contains(h, "vrf") {
		t.Errorf("show ip route ?:\n%s", h)
	}
	if h := c.Help("show ip route vrf "); !strings.Contains(h, "WORD") {
		t.Errorf("show ip route vrf ?:\n%s", h)
	}
	for _, tc := range []struct{ line, want string }{
		{"sho", "show "},
		{"show mp", "show mpls "},
		{"show ip route vrf ", "show ip route vrf "},
		{"show ip route vrf A", "show ip route vrf A "},
		{"s", "s"},
	} {
		if got, _ := c.Complete(tc.line); got != tc.want {
			t.Errorf("Tab after %q: %q, want %q", tc.line, got, tc.want)
		}
	}
}
