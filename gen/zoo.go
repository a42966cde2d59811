package gen

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vpnsim/vpnsim/internal/graphml"
	"github.com/vpnsim/vpnsim/topologies"
)

// NoPositionMetric is the IGP metric of a Zoo link with an end that has no
// position (no Latitude or Longitude), where no length can be measured.
const NoPositionMetric = 100

// earthRadiusKm is the Earth's mean radius (IUGG), for great-circle lengths.
const earthRadiusKm = 6371.0

// ZooOptions says what Zoo adds to a backbone. The zero value adds
// nothing; DefaultZooOptions gives the command's defaults.
type ZooOptions struct {
	// Source is the GraphML file's name as the user gave it: it names the
	// file in warnings and errors, and its base name goes in the header.
	Source string
	PEs    int // provider edge routers, each attached to one core node
	// Attach names the core nodes the PEs attach to, one per PE, by their
	// name in the output or by their Zoo label. Empty: the PEs attach to
	// distinct core nodes picked by a shuffle seeded with Seed.
	Attach   []string
	RRs      int // route reflectors, attached to core nodes after the PEs' in the shuffle
	VRFs     int // customers, one VRF each
	Sites    int // sites (CEs) per customer
	Prefixes int // LAN prefixes per site
	Seed     uint64
}

// DefaultZooOptions returns the options of vpnsim import zoo when no flag
// is given: 4 PEs, 1 route reflector, 2 customers with 2 sites of 1
// prefix each, seed 1.
func DefaultZooOptions() ZooOptions {
	return ZooOptions{PEs: 4, RRs: 1, VRFs: 2, Sites: 2, Prefixes: 1, Seed: 1}
}

// Zoo turns a Topology Zoo backbone into a topology file: every node of the
// graph's largest connected part becomes a P router named after its label
// (letters, digits, - and _ kept, any other run of characters made one _,
// a repeated name given -2, -3, ... in file order, a node without a label
// named N and its id), and every edge a link whose IGP metric is its
// great-circle length in km, rounded, at least 1 (NoPositionMetric when an
// end has no position). Self loops are dropped and parallel edges merged.
// To that core it adds the PEs, route reflectors and customers of opts,
// addressed as the package documentation describes. The file starts with
// a comment that cites the Zoo, its licence (CC BY 4.0) and what changed.
//
// Warnings name what the import had to leave out or make up: self loops,
// parallel edges, nodes outside the largest connected part, nodes without
// a position. An error says which option or what in the graph is wrong.
func Zoo(g *graphml.Graph, opts ZooOptions) (yaml []byte, warnings []string, err error) {
	src := opts.Source
	if src == "" {
		src = "the graph"
	}
	cust := customers{vrfs: opts.VRFs, sites: opts.Sites, prefixes: opts.Prefixes}
	if err := checkZooOptions(opts, cust); err != nil {
		return nil, nil, err
	}
	warn := func(format string, a ...any) {
		warnings = append(warnings, src+": warning: "+fmt.Sprintf(format, a...))
	}

	s, selfLoops, parallel := g.Simplify()
	if selfLoops > 0 {
		warn("dropped %s (an edge from a node to itself)", plural(selfLoops, "self loop"))
	}
	if parallel > 0 {
		warn("merged %s into the links they repeat: two nodes are joined by one link", plural(parallel, "parallel edge"))
	}
	core := s.LargestComponent()
	if len(core.Nodes) == 0 {
		return nil, warnings, fmt.Errorf("%s: the graph has no nodes; a backbone needs at least one", src)
	}
	if dropped := len(g.Nodes) - len(core.Nodes); dropped > 0 {
		warn("the graph is not connected: kept its largest connected part (%d of %d nodes) and dropped %s: %s",
			len(core.Nodes), len(g.Nodes), plural(dropped, "node"), droppedNodes(g, core))
	}
	n := len(core.Nodes)
	if n+opts.PEs+opts.RRs > MaxRouters {
		return nil, warnings, fmt.Errorf("%s: %d core nodes, %d PEs and %d RRs make more provider routers than the %d loopbacks in 10.255.0.0/16", src, n, opts.PEs, opts.RRs, MaxRouters)
	}
	if links := len(core.Edges) + opts.PEs + opts.RRs; links > MaxProviderLinks {
		return nil, warnings, fmt.Errorf("%s: %d provider links are more than the %d /31s of 100.64.0.0/16", src, links, MaxProviderLinks)
	}
	if len(opts.Attach) == 0 && opts.PEs > n {
		return nil, warnings, fmt.Errorf("--pes %d: %s has only %s to attach PEs to (one PE per core node); give --pes %d or fewer", opts.PEs, src, plural(n, "core node"), n)
	}

	pes, rrs := routerNames("PE", opts.PEs), routerNames("RR", opts.RRs)
	taken := ceNames(cust)
	for _, x := range append(slices.Clone(pes), rrs...) {
		taken[x] = true
	}
	names := coreNames(core, taken)

	perm := newRand(opts.Seed).Perm(n)
	attach := perm[:min(opts.PEs, n)]
	if len(opts.Attach) > 0 {
		if attach, err = resolveAttach(core, names, opts.Attach); err != nil {
			return nil, warnings, err
		}
	}

	nw := &network{name: topologyName(g.Name, opts.Source)}
	backbone := cmp.Or(g.Name, nw.name)
	nw.header = zooHeader(backbone, opts)
	nw.description = fmt.Sprintf("%s from the Internet Topology Zoo (CC BY 4.0): %s, %s, %s, %s",
		backbone, plural(n, "P router"), plural(opts.PEs, "PE"), plural(opts.RRs, "route reflector"), customerSummary(cust))

	i := 0
	for j, x := range pes {
		nw.nodes = append(nw.nodes, node{name: x, role: topologies.RolePE, loopback: loopback(i)})
		if j == 0 {
			nw.nodes[i].comment = "provider edge routers"
		}
		i++
	}
	for j, x := range rrs {
		nw.nodes = append(nw.nodes, node{name: x, role: topologies.RoleRR, loopback: loopback(i)})
		if j == 0 {
			nw.nodes[i].comment = "route reflectors"
		}
		i++
	}
	var noPos []string
	for j, zn := range core.Nodes {
		nd := node{name: names[j], role: topologies.RoleP, loopback: loopback(i)}
		if zn.Label != names[j] && zn.Label != "" {
			nd.description = zn.Label
		}
		if j == 0 {
			nd.comment = fmt.Sprintf("the backbone: the %s of %s", plural(n, "node"), backbone)
		}
		if !hasPos(zn) {
			noPos = append(noPos, names[j])
		} else {
			nd.position = zooPosition(zn)
		}
		nw.nodes = append(nw.nodes, nd)
		i++
	}
	if len(noPos) > 0 {
		warn("nodes without a usable position (Latitude from -90 to 90 and Longitude from -180 to 180), %d of %d; a link at such a node gets metric %d: %s",
			len(noPos), n, NoPositionMetric, listNames(noPos, 10))
	}

	for j, x := range pes {
		l := link{a: x, b: names[attach[j]]}
		if j == 0 {
			l.comment = "each PE hangs off one core node"
			if len(opts.Attach) == 0 {
				l.comment += fmt.Sprintf(" (picked by --seed %d)", opts.Seed)
			}
		}
		nw.links = append(nw.links, l)
	}
	for j, x := range rrs {
		l := link{a: x, b: names[perm[(opts.PEs+j)%n]]}
		if j == 0 {
			l.comment = "each route reflector hangs off one core node"
		}
		nw.links = append(nw.links, l)
	}
	for j, e := range core.Edges {
		l := link{a: names[e.A], b: names[e.B], metric: linkMetric(core.Nodes[e.A], core.Nodes[e.B])}
		if j == 0 {
			l.comment = "backbone links: metric = great-circle length in km"
		}
		nw.links = append(nw.links, l)
	}
	nw.addCustomers(pes, cust)
	return nw.write(), warnings, nil
}

// checkZooOptions reports an option that is wrong whatever the graph.
func checkZooOptions(o ZooOptions, c customers) error {
	switch {
	case o.PEs < 0:
		return fmt.Errorf("--pes %d: the number of PEs cannot be negative", o.PEs)
	case o.RRs < 0:
		return fmt.Errorf("--rrs %d: the number of route reflectors cannot be negative", o.RRs)
	case len(o.Attach) > 0 && len(o.Attach) != o.PEs:
		return fmt.Errorf("--attach names %s but --pes is %d: give one core node per PE", plural(len(o.Attach), "core node"), o.PEs)
	}
	return c.check(o.PEs, "--pes")
}

// resolveAttach returns the core node indices that attach names, matched
// by output name or by Zoo label.
func resolveAttach(core *graphml.Graph, names, attach []string) ([]int, error) {
	var out []int
	for _, a := range attach {
		i := slices.Index(names, a)
		if i < 0 {
			i = slices.IndexFunc(core.Nodes, func(n graphml.Node) bool { return n.Label == a })
		}
		if i < 0 {
			hint := ""
			for j, x := range names {
				if strings.EqualFold(x, a) || strings.EqualFold(core.Nodes[j].Label, a) {
					hint = fmt.Sprintf(" (did you mean %s?)", x)
					break
				}
			}
			return nil, fmt.Errorf("--attach %s: no core node has that name or label%s; names are the Zoo labels with every run of characters other than letters, digits, - and _ made one _, e.g. %s", a, hint, listNames(names, 5))
		}
		if slices.Contains(out, i) {
			return nil, fmt.Errorf("--attach names %s twice: each PE attaches to its own core node", names[i])
		}
		out = append(out, i)
	}
	return out, nil
}

// coreNames names the core nodes after their labels, made unique against
// taken and each other in file order.
func coreNames(core *graphml.Graph, taken map[string]bool) []string {
	names := make([]string, len(core.Nodes))
	for i, n := range core.Nodes {
		base := sanitize(n.Label)
		if base == "" {
			base = "N" + sanitize(n.ID)
		}
		name := base
		for k := 2; taken[name]; k++ {
			name = base + "-" + strconv.Itoa(k)
		}
		taken[name] = true
		names[i] = name
	}
	return names
}

// sanitize keeps letters, digits, - and _ of s and turns every run of
// other characters into one _, trimmed at both ends.
func sanitize(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			b.WriteRune(r)
			under = r == '_'
			continue
		}
		if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}

// topologyName is the file's name: the graph's label, else the source
// file's base name, sanitized; "zoo" when both are empty.
func topologyName(label, source string) string {
	if s := sanitize(label); s != "" {
		return s
	}
	if s := sanitize(strings.TrimSuffix(filepath.Base(source), filepath.Ext(source))); s != "" && source != "" {
		return s
	}
	return "zoo"
}

// linkMetric is the IGP metric of a link between a and b: the great-circle
// length in km, rounded, from 1 to topologies.MaxMetric, or
// NoPositionMetric when a or b has no usable position.
func linkMetric(a, b graphml.Node) int {
	if !hasPos(a) || !hasPos(b) {
		return NoPositionMetric
	}
	return int(min(max(math.Round(haversineKm(a.Lat, a.Lon, b.Lat, b.Lon)), 1), topologies.MaxMetric))
}

// zooPosition is where a drawing puts a Zoo node: its longitude and
// latitude as x and y (north up, so y is minus the latitude), in tenths of
// a degree, rounded to a tenth (an equirectangular map, as the Zoo's own
// drawings are).
func zooPosition(n graphml.Node) *topologies.Point {
	r := func(x float64) float64 { return math.Round(x*100) / 10 }
	return &topologies.Point{X: r(n.Lon), Y: r(-n.Lat) + 0} // + 0: no -0
}

// hasPos reports whether n has a position on the globe: latitude from -90
// to 90, longitude from -180 to 180 (which also rules out NaN).
func hasPos(n graphml.Node) bool {
	return n.HasPos && n.Lat >= -90 && n.Lat <= 90 && n.Lon >= -180 && n.Lon <= 180
}

// haversineKm returns the great-circle distance in km between two points
// given in degrees, on a sphere of the Earth's mean radius.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Pow(math.Sin(dLat/2), 2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Pow(math.Sin(dLon/2), 2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}

// zooHeader is the comment at the top of an imported file: what it is,
// how to make it again, and the source's citation and licence.
func zooHeader(backbone string, o ZooOptions) []string {
	cmd := "vpnsim import zoo " + filepath.Base(o.Source)
	if o.Source == "" {
		cmd = "vpnsim import zoo FILE.graphml"
	}
	cmd += fmt.Sprintf(" --pes %d", o.PEs)
	if len(o.Attach) > 0 {
		cmd += " --attach " + strings.Join(o.Attach, ",")
	}
	cmd += fmt.Sprintf(" --rrs %d --vrfs %d --sites %d --prefixes %d --seed %d", o.RRs, o.VRFs, o.Sites, o.Prefixes, o.Seed)
	src := "Source: the Internet Topology Zoo, http://www.topology-zoo.org/"
	if o.Source != "" {
		src = "Source: " + filepath.Base(o.Source) + " from the Internet Topology Zoo, http://www.topology-zoo.org/"
	}
	return []string{
		backbone + " as an MPLS IP-VPN provider network.",
		"Made by: " + cmd,
		"",
		src,
		`  Knight, Nguyen, Falkner, Bowden, Roughan, "The Internet Topology Zoo",`,
		"  IEEE Journal on Selected Areas in Communications 29(9), 2011.",
		"Licence: Creative Commons Attribution 4.0 International (CC BY 4.0),",
		"  https://creativecommons.org/licenses/by/4.0/",
		"Changes: the nodes of the largest connected part are P routers named after",
		"  their labels; a link's IGP metric is its great-circle length in km",
		fmt.Sprintf("  (%d where a node has no position); self loops are dropped and parallel", NoPositionMetric),
		"  edges merged; PEs, route reflectors, customers and all addresses are",
		"  made up by vpnsim.",
	}
}

// customerSummary describes the customers for the description.
func customerSummary(c customers) string {
	if c.vrfs == 0 {
		return "no customers"
	}
	return fmt.Sprintf("%s with %s of %s each", plural(c.vrfs, "customer"), plural(c.sites, "site"), plural(c.prefixes, "prefix"))
}

// routerNames returns prefix1, prefix2, ... prefixN.
func routerNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i+1)
	}
	return out
}

// droppedNodes lists the labels (or ids) of the nodes of g not in core.
func droppedNodes(g, core *graphml.Graph) string {
	kept := make(map[string]bool, len(core.Nodes))
	for _, n := range core.Nodes {
		kept[n.ID] = true
	}
	var out []string
	for _, n := range g.Nodes {
		if !kept[n.ID] {
			out = append(out, cmp.Or(n.Label, "id "+n.ID))
		}
	}
	return listNames(out, 10)
}

// listNames joins names with commas, the first limit of them and then how
// many more.
func listNames(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:limit], ", ") + fmt.Sprintf(" and %d more", len(names)-limit)
}

// plural gives "1 node", "2 nodes", "1 prefix", "2 prefixes".
func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	switch {
	case n == 1:
		return s
	case strings.HasSuffix(what, "x"):
		return s + "es"
	}
	return s + "s"
}
