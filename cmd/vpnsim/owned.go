package main

import (
	"bytes"
	"io"
	"os"

	"github.com/vpnsim/vpnsim/scenarios"
)

// mayReplace refuses to let a command replace path unless it is absent or
// a file vpnsim wrote before (a topology from gen or import, a capture, a
// JUnit report), recognised by what vpnsim puts at its start: the rule is
// never to overwrite what vpnsim did not create. Re-running a command
// replaces its own output.
func mayReplace(path string) error {
	st, err := os.Stat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return usageErr("cannot write %s: %v", path, err)
	}
	if st.IsDir() {
		return usageErr("%s is a directory; give a file name", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return usageErr("%s exists and cannot be read (%v); vpnsim replaces only files it wrote: choose another name", path, err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	if ours(head[:n]) {
		return nil
	}
	return usageErr("%s exists and vpnsim did not write it; choose another file name, or remove it yourself if you mean to replace it", path)
}

// ours reports whether a file starting with head is one vpnsim wrote.
func ours(head []byte) bool {
	switch {
	case bytes.Contains(head, []byte("\n# Made by: vpnsim ")): // gen, import
		return true
	case bytes.HasPrefix(head, []byte{0x0a, 0x0d, 0x0d, 0x0a}) && bytes.Contains(head[:min(len(head), 1024)], []byte("vpnsim")): // pcapng section header, user application vpnsim
		return true
	case bytes.Contains(head[:min(len(head), 512)], []byte(scenarios.JUnitMark)):
		return true
	}
	return false
}
