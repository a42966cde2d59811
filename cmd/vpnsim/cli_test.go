package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputGetsOneSentence: every command a user runs on bad input
// prints one line that says what is wrong and exits 2, with nothing on
// standard output.
func TestBadInputGetsOneSentence(t *testing.T) {
	dir, empty := t.TempDir(), t.TempDir()
	unreadable := filepath.Join(dir, "locked.yaml")
	oneCustomer := filepath.Join(dir, "expect.yaml")
	if err := os.WriteFile(oneCustomer, []byte("reach:\n  A: [RED]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(unreadable, []byte("name: x\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", "/nonexistent/x.yaml"}, "/nonexistent/x.yaml: no such file"},
		{[]string{"validate", dir}, "is a directory, not a file"},
		{[]string{"validate", "nosuchbuiltin"}, "no built-in topology has this name; the built-ins are classic"},
		{[]string{"graph", dir}, "is a directory, not a file"},
		{[]string{"graph", "classic", "--format", "png"}, `--format must be dot, svg or mermaid, not "png"`},
		{[]string{"ping", "/nonexistent/x.yaml", "A1", "10.1.2.1"}, "no such file"},
		{[]string{"ping", "classic", "A9", "10.1.2.1"}, `classic has no node "A9"`},
		{[]string{"ping", "classic", "A1", "10.1.2"}, `"10.1.2" is not an IPv4 address`},
		{[]string{"ping", "classic", "A1"}, "give TOPOLOGY FROM TO"},
		{[]string{"ping", "classic", "P1", "10.1.2.1", "--vrf", "A"}, "P1 is a p router: only a PE holds VRFs"},
		{[]string{"ping", "classic", "PE1", "10.1.2.1", "--vrf", "Z"}, "PE1 has no VRF Z"},
		{[]string{"ping", "classic", "A1", "10.1.2.1", "--ttl", "300"}, "--ttl must be 1 to 255"},
		{[]string{"ping", "../../scenarios/separation.yaml", "A1", "10.1.2.1"}, "is a scenario file, not a topology"},
		{[]string{"traceroute", "nosuch", "A1", "10.1.2.1"}, "no built-in topology has this name"},
		{[]string{"trace", dir, "A1", "10.1.2.1"}, "is a directory, not a file"},
		{[]string{"show", "classic", "P1", "nosuch"}, `no table "nosuch": choose one of routes`},
		{[]string{"show", "classic", "P9", "lfib"}, `classic has no node "P9"`},
		{[]string{"show", "classic", "P1", "lfib", "--settle", "-1s"}, "--settle -1s: give a positive duration"},
		{[]string{"show", "classic", "P1", "routes", "--vrf", "A"}, "P1 has no VRF A"},
		{[]string{"show", "classic", "P1", "lfib", "--format", "xml"}, `--format "xml": choose text or json`},
		{[]string{"run", "/nonexistent/x.yaml"}, "no such file"},
		{[]string{"run", dir}, "is a directory, not a file"},
		{[]string{"run", "../../topologies/classic.yaml"}, "is a topology file, not a scenario"},
		{[]string{"test", "/nonexistent/dir"}, "no such file or directory"},
		{[]string{"test", empty}, "no scenario files"},
		{[]string{"serve", "classic", "--listen", "10.0.0.1:80"}, "listens on a loopback address only"},
		{[]string{"web", "classic", "--listen", "localhost"}, `--listen "localhost": give an IPv4 ADDRESS:PORT`},
		{[]string{"web"}, "accepts 1 arg(s), received 0"},
		{[]string{"fail", "link", "P1"}, "give link A B (two node names) or node X"},
		{[]string{"metric", "P1", "P2", "0"}, `metric "0": want a number from 1 to 16777215`},
		{[]string{"ping", "--server", "10.1.1.1:80", "A1", "10.1.2.1"}, "want a loopback ADDRESS:PORT"},
		{[]string{"import", "zoo", "/nonexistent/x.graphml"}, "cannot read it"},
		{[]string{"import", "frr", "/nonexistent/cfg"}, "/nonexistent/cfg: cannot read it: no such file"},
		{[]string{"import", "ios", empty}, "no ios configuration in it"},
		{[]string{"import", "ios"}, "import ios needs the configurations"},
		{[]string{"verify", "classic", "--expect", "/nonexistent/e.yaml"}, "/nonexistent/e.yaml: cannot read it"},
		{[]string{"verify", "classic", "--expect", oneCustomer}, "expect.yaml:2:7: no customer RED in the network (its customers: A, B)"},
		{[]string{"verify"}, "verify needs one topology"},
		{[]string{"show", "wide-area-ethernet", "PE1", "mac", "--evpn", "Z"}, "PE1 has no EVPN instance Z"},
		{[]string{"show", "wide-area-ethernet", "PE1", "routes", "--evpn", "X"}, "--evpn goes with the mac table only"},
		{[]string{"frame", "wide-area-ethernet", "X1", "X2", "--ethertype", "0x0800"}, "ethertype 0x0800: send IPv4 with ping"},
		{[]string{"frame", "wide-area-ethernet", "X1", "X2", "--ethertype", "zz"}, `--ethertype "zz": give a hexadecimal ethertype`},
		{[]string{"frame", "wide-area-ethernet", "P1", "X2"}, "P1 is not a CE: frames are sent by the customers' hosts"},
		{[]string{"frame", "wide-area-ethernet", "X1", "nobody"}, `to "nobody": give a MAC`},
		{[]string{"validate", "classic", "--memprofile", "/nonexistent/m.prof"}, "--memprofile: open /nonexistent/m.prof"},
		{[]string{"validate", "classic", "--cpuprofile", "/nonexistent/c.prof"}, "--cpuprofile: open /nonexistent/c.prof"},
		{[]string{"nosuchcommand"}, "unknown command"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := vpnsim(t, tc.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q lacks %q", errOut, tc.want)
			}
			if strings.Count(strings.TrimRight(errOut, "\n"), "\n") > 0 && !strings.Contains(tc.want, "unknown command") {
				t.Errorf("more than one line on stderr:\n%s", errOut)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
				t.Errorf("a stack trace:\n%s", errOut)
			}
			if out != "" && tc.args[0] != "test" {
				t.Errorf("stdout not empty: %q", out)
			}
		})
	}
	if os.Geteuid() != 0 {
		_, errOut, code := vpnsim(t, "validate", unreadable)
		if code != 2 || !strings.Contains(errOut, "permission denied") {
			t.Errorf("unreadable file: status %d, stderr %q", code, errOut)
		}
	} else {
		t.Log("running as root: an unreadable file cannot be made, not checked")
	}
}

// TestMemProfileWritten: the hidden --memprofile writes a heap profile
// (gzip, as pprof writes them) when the command is done.
func TestMemProfileWritten(t *testing.T) {
	f := filepath.Join(t.TempDir(), "heap.prof")
	_, errOut, code := vpnsim(t, "validate", "classic", "--memprofile", f)
	stopProfile() // as main does once the command returns
	stopProfile = func() {}
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, errOut)
	}
	b, err := os.ReadFile(f)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("%s: %d bytes, %v; want a gzipped profile", f, len(b), err)
	}
}
