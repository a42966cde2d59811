package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeBlocks returns the README's shell blocks (```sh ... ```).
func readmeBlocks(t *testing.T, readme []byte) []string {
	t.Helper()
	var blocks []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(readme), "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```sh":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, strings.Join(cur, "\n")+"\n")
		case in:
			cur = append(cur, line)
		}
	}
	if in {
		t.Fatal("README.md: a ```sh block is not closed")
	}
	return blocks
}

// Every command in the README's shell blocks runs verbatim, with exit
// status 0, from the root of a fresh copy of the repository after the
// build (the quick start's make lines aside: make test runs this test).
// serve runs in the background as the README says, and its block stops it.
func TestREADMECommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every README command")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// a fresh copy: the tracked files only (or, outside git, the tree)
	dir := t.TempDir()
	files, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "vpnsim"), "./cmd/vpnsim")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ran := 0
	for _, b := range readmeBlocks(t, readme) {
		if strings.Contains(b, "make ") {
			continue
		}
		for _, line := range strings.Split(b, "\n") {
			if strings.HasPrefix(line, "bin/vpnsim ") {
				ran++
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", b)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		// whatever the block left running (serve, if the block failed
		// before stopping it) goes with its process group
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cancel()
		if err != nil {
			t.Errorf("README block failed (%v):\n%s\noutput:\n%s", err, b, out.String())
		}
	}
	if ran < 15 {
		t.Errorf("ran %d bin/vpnsim lines from the README, want every one of them (15 or more)", ran)
	}
}
