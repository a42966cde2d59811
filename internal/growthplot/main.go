// Command growthplot draws the cost of growth that scripts/growth.sh
// measures (docs/performance.md, "The cost of growth"): time and peak
// memory of the whole command against the number of VPN prefixes (at a
// fixed number of PEs) and against the number of PEs (at a fixed number
// of prefixes), as one PNG of four panels, with a line through the
// origin and the middle measurement of each sweep for comparison: a term
// that grows faster than linearly bends above it.
//
//	go run ./internal/growthplot -o docs/growth.png bin/growth.tsv
//
// The input is the tab-separated table growth.sh writes: a header line,
// then one row per run with the columns sweep (prefixes or pes),
// prefixes, pes, wall_s, cpu_s and rss_gb.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// row is one measured run.
type row struct {
	sweep         string
	prefixes, pes float64
	wall, cpu     float64 // seconds
	rss           float64 // GB
}

func main() {
	out := flag.String("o", "growth.png", "write the chart to `FILE` (PNG)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: growthplot [-o FILE] TABLE.tsv\n\nDraws the table scripts/growth.sh writes as a PNG of four panels.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "growthplot: %v\n", err)
		os.Exit(2)
	}
	rows, err := read(f, flag.Arg(0))
	f.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "growthplot: %v\n", err)
		os.Exit(2)
	}
	if err := write(*out, rows); err != nil {
		fmt.Fprintf(os.Stderr, "growthplot: %v\n", err)
		os.Exit(1)
	}
}

var columns = []string{"sweep", "prefixes", "pes", "wall_s", "cpu_s", "rss_gb"}

// read parses the table; name is for messages (FILE:LINE).
func read(r io.Reader, name string) ([]row, error) {
	sc := bufio.NewScanner(r)
	var rows []row
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		if line == 1 {
			if strings.Join(fields, ",") != strings.Join(columns, ",") {
				return nil, fmt.Errorf("%s:1: the header must be %q (tab-separated), as scripts/growth.sh writes it", name, strings.Join(columns, " "))
			}
			continue
		}
		if len(fields) != len(columns) {
			return nil, fmt.Errorf("%s:%d: %d columns; want %d (%s)", name, line, len(fields), len(columns), strings.Join(columns, " "))
		}
		r := row{sweep: fields[0]}
		if r.sweep != "prefixes" && r.sweep != "pes" {
			return nil, fmt.Errorf("%s:%d: sweep %q: want prefixes or pes", name, line, r.sweep)
		}
		for i, p := range []*float64{&r.prefixes, &r.pes, &r.wall, &r.cpu, &r.rss} {
			v, err := strconv.ParseFloat(fields[i+1], 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("%s:%d: %s %q is not a non-negative number", name, line, columns[i+1], fields[i+1])
			}
			*p = v
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no measurements", name)
	}
	return rows, nil
}

// panel is one of the four plots.
type panel struct {
	sweep, xLabel, yLabel, title string
	x, y                         func(row) float64
}

func write(path string, rows []row) error {
	panels := []panel{
		{"prefixes", "VPN prefixes", "seconds (whole command)", "time, 20 PEs", func(r row) float64 { return r.prefixes }, func(r row) float64 { return r.wall }},
		{"prefixes", "VPN prefixes", "GB (peak resident)", "memory, 20 PEs", func(r row) float64 { return r.prefixes }, func(r row) float64 { return r.rss }},
		{"pes", "PEs", "seconds (whole command)", "time, 100 000 prefixes", func(r row) float64 { return r.pes }, func(r row) float64 { return r.wall }},
		{"pes", "PEs", "GB (peak resident)", "memory, 100 000 prefixes", func(r row) float64 { return r.pes }, func(r row) float64 { return r.rss }},
	}
	const cols, rowsN = 2, 2
	img := vgimg.New(vg.Points(900), vg.Points(640))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rowsN, Cols: cols, PadX: vg.Points(18), PadY: vg.Points(18),
		PadTop: vg.Points(8), PadBottom: vg.Points(8), PadLeft: vg.Points(8), PadRight: vg.Points(8)}
	drawn := 0
	for i, pn := range panels {
		p, err := plotPanel(pn, rows)
		if err != nil {
			return err
		}
		if p == nil {
			continue
		}
		drawn++
		p.Draw(tiles.At(dc, i%cols, i/cols))
	}
	if drawn == 0 {
		return errors.New("no sweep has two measurements to draw")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// plotPanel draws one sweep's measurements and the line through the
// origin and its middle measurement; nil when the sweep has fewer than two.
func plotPanel(pn panel, rows []row) (*plot.Plot, error) {
	var pts plotter.XYs
	for _, r := range rows {
		if r.sweep == pn.sweep {
			pts = append(pts, plotter.XY{X: pn.x(r), Y: pn.y(r)})
		}
	}
	if len(pts) < 2 {
		return nil, nil
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
	p := plot.New()
	p.Title.Text = pn.title
	p.X.Label.Text = pn.xLabel
	p.Y.Label.Text = pn.yLabel
	p.X.Min, p.Y.Min = 0, 0
	p.Add(plotter.NewGrid())
	mid := pts[len(pts)/2]
	if mid.X > 0 {
		lin := plotter.XYs{{X: 0, Y: 0}, {X: pts[len(pts)-1].X, Y: mid.Y / mid.X * pts[len(pts)-1].X}}
		l, err := plotter.NewLine(lin)
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Color = plotter.DefaultLineStyle.Color
		p.Add(l)
		p.Legend.Add("linear through the middle point", l)
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, err
	}
	p.Add(line, points)
	p.Legend.Add("measured", line, points)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}
