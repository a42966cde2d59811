package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command replaces only files vpnsim wrote; anything else is refused
// with the reason, and stays as it was.
func TestMayReplaceOnlyOurFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		ok            bool
	}{
		{"absent.yaml", "", true},
		{"gen.yaml", "# A synthetic MPLS IP-VPN provider network.\n# Made by: vpnsim gen --p 10\n\nname: x\n", true},
		{"zoo.yaml", "# Abilene as an MPLS IP-VPN provider network.\n# Made by: vpnsim import zoo Abilene.graphml\n", true},
		{"walk.pcapng", "\x0a\x0d\x0d\x0a\x7c\x00\x00\x00\x4d\x3c\x2b\x1a....vpnsim....", true},
		{"report.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a vpnsim test report -->\n<testsuites>", true},
		{"mine.yaml", "name: my own lab\n", false},
		{"other.pcapng", "\x0a\x0d\x0d\x0a\x7c\x00\x00\x00\x4d\x3c\x2b\x1a....dumpcap....", false},
		{"junit.xml", "<?xml version=\"1.0\"?>\n<testsuites>", false},
		{"go.mod", "module example.com/x\n", false},
	} {
		path := filepath.Join(dir, c.name)
		if c.content != "" {
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := mayReplace(path)
		if (err == nil) != c.ok {
			t.Errorf("%s: mayReplace = %v, want ok=%v", c.name, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "vpnsim did not write it") {
			t.Errorf("%s: %v does not say why", c.name, err)
		}
	}
	if err := mayReplace(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}
