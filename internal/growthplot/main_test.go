package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "sweep\tprefixes\tpes\twall_s\tcpu_s\trss_gb\n" +
	"prefixes\t1000\t20\t2.1\t3.0\t0.61\n" +
	"prefixes\t10000\t20\t6.5\t11.2\t0.90\n" +
	"prefixes\t100000\t20\t55.0\t108.0\t4.50\n" +
	"pes\t100000\t10\t40.0\t80.0\t3.9\n" +
	"pes\t100000\t20\t55.0\t108.0\t4.5\n"

func TestDrawsFourPanels(t *testing.T) {
	rows, err := read(strings.NewReader(sample), "sample.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[2].prefixes != 100000 || rows[3].pes != 10 || rows[4].rss != 4.5 {
		t.Fatalf("rows: %+v", rows)
	}
	out := filepath.Join(t.TempDir(), "growth.png")
	if err := write(out, rows); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 853 { // 900x640 points at 96 dpi
		t.Errorf("chart is %dx%d; want 1200x853", b.Dx(), b.Dy())
	}
}

func TestBadTables(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no measurements"},
		{"a\tb\n", "t.tsv:1: the header must be"},
		{"sweep\tprefixes\tpes\twall_s\tcpu_s\trss_gb\nprefixes\t1\t2\n", "t.tsv:2: 3 columns; want 6"},
		{"sweep\tprefixes\tpes\twall_s\tcpu_s\trss_gb\nvrfs\t1\t2\t3\t4\t5\n", `t.tsv:2: sweep "vrfs": want prefixes or pes`},
		{"sweep\tprefixes\tpes\twall_s\tcpu_s\trss_gb\npes\t1\t2\tfast\t4\t5\n", `t.tsv:2: wall_s "fast" is not a non-negative number`},
	} {
		_, err := read(strings.NewReader(tc.in), "t.tsv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("read(%q) = %v; want an error with %q", tc.in, err, tc.want)
		}
	}
}
