package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/topologies"
)

// BenchmarkImportZoo reads each Zoo file and imports it with the default
// options, as vpnsim import zoo does.
func BenchmarkImportZoo(b *testing.B) {
	for _, file := range zooFiles(b) {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		o := zooOpts(file)
		b.Run(strings.TrimSuffix(filepath.Base(file), ".graphml"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := graphml.Read(file, strings.NewReader(string(data)))
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := Zoo(g, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// synthetic100k is the largest network the generator is meant for: 1,000
// P routers, 20 PEs, 2 RRs, 200 VRFs on 3 PEs each, 5 sites of 100
// prefixes per VRF, 100,000 prefixes in all.
var synthetic100k = SyntheticOptions{P: 1000, PEs: 20, RRs: 2, VRFs: 200, VRFPEs: 3, Sites: 5, Prefixes: 100, Seed: 1}

func BenchmarkSynthetic100k(b *testing.B) {
	b.ReportAllocs()
	var y []byte
	for b.Loop() {
		var err error
		if y, err = Synthetic(synthetic100k); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(y)), "bytes")
}

// BenchmarkSynthetic100kParse loads the file BenchmarkSynthetic100k makes.
func BenchmarkSynthetic100kParse(b *testing.B) {
	y, err := Synthetic(synthetic100k)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := topologies.Parse("synthetic.yaml", y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayout draws a synthetic provider of 200 P routers, 8 PEs and
// 2 RRs with 4 customers of 3 sites (222 nodes) for graph --format svg.
func BenchmarkLayout(b *testing.B) {
	data, err := Synthetic(SyntheticOptions{P: 200, PEs: 8, RRs: 2, VRFs: 4, VRFPEs: 3, Sites: 3, Prefixes: 1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	top, _, err := topologies.Parse("layout.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(top.Nodes)), "nodes")
	for b.Loop() {
		topologies.Layout(top, 100)
	}
}
