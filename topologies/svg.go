package topologies

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// SVG drawing, made here without Graphviz: positions from Layout, the same
// shapes, colours and labels as the DOT drawing (PE box, P ellipse, RR
// hexagon, CE rounded box in its VRF's colour; metrics on provider links,
// the VRF on attachments), and a legend of the VRFs. Every node and link is
// a group with an id, an aria-label and a <title>, so a screen reader, a
// browser's tooltip and a test all find it by name.

const (
	svgUnit    = 130.0 // pixels per hop
	svgMargin  = 70.0
	svgLegendW = 250.0
	maxLANs    = 3 // LANs listed under a node; the rest are counted
)

// WriteSVG writes the topology as an SVG drawing.
func WriteSVG(w io.Writer, t *Topology) error { return WriteSVGPath(w, t, nil) }

// WriteSVGPath is WriteSVG with one packet's path drawn over it: each link
// in path thick and amber, with its text (the label stack the packet
// carried on it) beside it.
func WriteSVGPath(w io.Writer, t *Topology, path map[*Link]string) error {
	pos := Positions(t, svgUnit) // the file's position keys first
	at := make(map[*Node]Point, len(t.Nodes))
	var maxX, maxY float64
	for i, n := range t.Nodes {
		p := Point{pos[i].X + svgMargin, pos[i].Y + svgMargin + 30}
		at[n] = p
		maxX, maxY = max(maxX, p.X), max(maxY, p.Y)
	}
	legendX := maxX + svgMargin + 40
	width := legendX + svgLegendW
	height := max(maxY+svgMargin+60, 60+float64(len(t.VRFs))*80+40)

	b := bufio.NewWriter(w)
	x := html.EscapeString
	fmt.Fprintf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\" aria-label=\"%s\" font-family=\"Helvetica, Arial, sans-serif\">\n",
		num(width), num(height), num(width), num(height), x(t.Name+": "+t.Description))
	fmt.Fprintf(b, "<title>%s</title>\n<desc>%s</desc>\n", x(t.Name), x(t.Description))
	fmt.Fprintf(b, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n")
	fmt.Fprintf(b, "<text x=\"%s\" y=\"28\" font-size=\"18\" font-weight=\"bold\">%s</text>\n", num(svgMargin/2), x(t.Name))
	fmt.Fprintf(b, "<text x=\"%s\" y=\"48\" font-size=\"12\" fill=\"#555555\">provider AS %d</text>\n", num(svgMargin/2), t.Provider.ASN)

	// links first, so that nodes are drawn over their ends; their labels
	// last, over everything, with a white halo
	const halo = ` stroke="#ffffff" stroke-width="3" paint-order="stroke"`
	var labels []string
	fmt.Fprintln(b, "<g id=\"links\">")
	for _, l := range t.Links {
		a, z := at[l.A.Node], at[l.B.Node]
		an, zn := l.Ends()
		name := an + " – " + zn
		label := linkLabel(l)
		stroke, sw, colour := "#666666", "1.5", "#333333"
		if l.service() != "" {
			c := t.vrfColour(l.service())
			stroke, sw, colour = c.line, "2.5", c.line
		}
		extra, onPath := path[l]
		title := fmt.Sprintf("%s:%s – %s:%s, %s, %s", l.A.Node.Name, l.A.Name, l.B.Node.Name, l.B.Name, l.Subnet, label)
		if onPath {
			title += ", the packet's path: " + extra
		}
		fmt.Fprintf(b, "<g class=\"link\" id=\"link-%d\" aria-label=\"%s\"><title>%s</title>", l.Index, x(name), x(title))
		if onPath {
			fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#e6a800\" stroke-width=\"8\" stroke-linecap=\"round\"/>",
				num(a.X), num(a.Y), num(z.X), num(z.Y))
		}
		fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>",
			num(a.X), num(a.Y), num(z.X), num(z.Y), stroke, sw)
		mx, my := (a.X+z.X)/2, (a.Y+z.Y)/2
		// the label beside the line's middle, off the line
		dx, dy := z.X-a.X, z.Y-a.Y
		if d := math.Hypot(dx, dy); d > 0 {
			mx, my = mx-dy/d*10, my+dx/d*10
		}
		labels = append(labels, fmt.Sprintf("<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"middle\" fill=\"%s\"%s>%s</text>", num(mx), num(my), colour, halo, x(label)))
		if onPath {
			labels = append(labels, fmt.Sprintf("<text x=\"%s\" y=\"%s\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#8a6500\"%s>%s</text>", num(mx), num(my+14), halo, x(extra)))
		}
		fmt.Fprintln(b, "</g>")
	}
	fmt.Fprintln(b, "</g>")

	fmt.Fprintln(b, "<g id=\"nodes\">")
	for _, n := range t.Nodes {
		p := at[n]
		lines := nodeLines(n)
		if extra := len(n.LANs) - maxLANs; extra > 1 {
			lines = append(lines[:len(lines)-len(n.LANs)+maxLANs], fmt.Sprintf("… %d more LANs", extra))
		}
		title := strings.Join(append([]string{string(n.Role)}, lines...), " ")
		fmt.Fprintf(b, "<g class=\"node %s\" id=\"node-%s\" aria-label=\"%s\"><title>%s</title>", n.Role, x(n.Name), x(n.Name+" ("+string(n.Role)+")"), x(title))
		h := 16 + 13*float64(len(lines)-1)
		wd := 70.0
		for _, s := range lines {
			wd = max(wd, 7*float64(len([]rune(s)))+16)
		}
		stroke, fill := "#333333", "#f4f4f4"
		if !n.IsProvider() {
			c := t.ceColour(n)
			stroke, fill = c.line, c.fill
		}
		top := p.Y - h/2 - 6
		switch n.Role {
		case RoleP:
			fmt.Fprintf(b, "<ellipse cx=\"%s\" cy=\"%s\" rx=\"%s\" ry=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
				num(p.X), num(p.Y), num(wd/2+8), num(h/2+10), fill, stroke)
		case RoleRR:
			hw, hh := wd/2+10, h/2+8
			fmt.Fprintf(b, "<polygon points=\"%s,%s %s,%s %s,%s %s,%s %s,%s %s,%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
				num(p.X-hw), num(p.Y), num(p.X-hw+12), num(p.Y-hh), num(p.X+hw-12), num(p.Y-hh),
				num(p.X+hw), num(p.Y), num(p.X+hw-12), num(p.Y+hh), num(p.X-hw+12), num(p.Y+hh), fill, stroke)
		case RolePE:
			fmt.Fprintf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
				num(p.X-wd/2), num(top), num(wd), num(h+12), fill, stroke)
		default:
			fmt.Fprintf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"8\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
				num(p.X-wd/2), num(top), num(wd), num(h+12), fill, stroke)
		}
		for i, s := range lines {
			weight, size := "", "11"
			if i == 0 {
				weight, size = " font-weight=\"bold\"", "13"
			}
			fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\" font-size=\"%s\"%s text-anchor=\"middle\">%s</text>",
				num(p.X), num(top+18+13*float64(i)), size, weight, x(s))
		}
		fmt.Fprintln(b, "</g>")
	}
	fmt.Fprintln(b, "</g>")

	fmt.Fprintln(b, "<g id=\"link-labels\" aria-hidden=\"true\">")
	for _, l := range labels {
		fmt.Fprintln(b, l)
	}
	fmt.Fprintln(b, "</g>")

	if len(t.VRFs) > 0 {
		fmt.Fprintln(b, "<g id=\"legend\" aria-label=\"VRFs\">")
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\" font-size=\"14\" font-weight=\"bold\">VRFs</text>\n", num(legendX), num(svgMargin))
		for i, v := range t.VRFs {
			c := t.vrfColour(v.Name)
			y := svgMargin + 14 + float64(i)*80
			lines := vrfLines(v)
			fmt.Fprintf(b, "<g class=\"vrf\" id=\"vrf-%s\" aria-label=\"VRF %s\"><title>%s</title>", x(v.Name), x(v.Name), x(strings.Join(lines, ", ")))
			fmt.Fprintf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"68\" rx=\"4\" fill=\"%s\" stroke=\"%s\"/>", num(legendX), num(y), num(svgLegendW-20), c.fill, c.line)
			for j, s := range lines {
				weight := ""
				if j == 0 {
					weight = " font-weight=\"bold\""
				}
				fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\" font-size=\"11\"%s>%s</text>", num(legendX+8), num(y+16+15*float64(j)), weight, x(s))
			}
			fmt.Fprintln(b, "</g>")
		}
		fmt.Fprintln(b, "</g>")
	}
	fmt.Fprintln(b, "</svg>")
	return b.Flush()
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}
