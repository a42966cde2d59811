package p

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/topologies"
)

// TestProperties checks Build against definitions computed here another
// way, on random small networks with many equal-cost ties, failures and
// metric changes: distances (Floyd–Warshall), first-hop sets (every
// neighbour on some shortest path), label values (the allocation rule), and
// every LSP, followed hop by hop through the LFIBs to its egress.
func TestProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 9).Draw(rt, "routers")
		php := rapid.Bool().Draw(rt, "php")
		names := rapid.Permutation([]string{"A", "B", "C", "D", "E", "F", "G", "H", "I"}).Draw(rt, "names")[:n]
		los := rapid.Permutation([]int{1, 2, 3, 4, 5, 6, 7, 8, 9}).Draw(rt, "loopbacks")[:n]
		var nodes []tnode
		for i := range n {
			nodes = append(nodes, tnode{names[i], topologies.RoleP, fmt.Sprintf("10.0.0.%d", los[i])})
		}
		var links []tlink
		seen := map[[2]int]bool{}
		for range rapid.IntRange(0, 16).Draw(rt, "links") {
			a, b := rapid.IntRange(0, n-1).Draw(rt, "a"), rapid.IntRange(0, n-1).Draw(rt, "b")
			if a == b || seen[[2]int{a, b}] || seen[[2]int{b, a}] {
				continue
			}
			seen[[2]int{a, b}] = true
			links = append(links, tlink{a: names[a], b: names[b], metric: uint32(rapid.IntRange(1, 4).Draw(rt, "metric"))})
		}
		top := build(php, nodes, links)
		st := State{LinkDown: map[int]bool{}, NodeDown: map[string]bool{}, Metric: map[int]uint32{}}
		for i := range links {
			switch rapid.IntRange(0, 5).Draw(rt, "change") {
			case 0:
				st.LinkDown[i] = true
			case 1:
				st.Metric[i] = uint32(rapid.IntRange(1, 4).Draw(rt, "new metric"))
			}
		}
		for _, name := range names {
			if rapid.IntRange(0, 7).Draw(rt, "node down") == 0 {
				st.NodeDown[name] = true
			}
		}
		checkCore(rt, top, st, Build(top, st))
	})
}

func checkCore(t *rapid.T, top *topologies.Topology, st State, c *Core) {
	const inf = uint64(1) << 62
	n := len(top.Nodes)
	idx := map[string]int{}
	for i, nd := range top.Nodes {
		idx[nd.Name] = i
	}
	// D by Floyd–Warshall over up links; w the up links' metrics.
	D := make([][]uint64, n)
	w := make([][]uint64, n)
	for i := range D {
		D[i], w[i] = make([]uint64, n), make([]uint64, n)
		for j := range D[i] {
			D[i][j], w[i][j] = inf, inf
		}
		if !st.NodeDown[top.Nodes[i].Name] {
			D[i][i] = 0
		}
	}
	for _, l := range top.Links {
		a, b := idx[l.A.Node.Name], idx[l.B.Node.Name]
		if st.LinkDown[l.Index] || st.NodeDown[l.A.Node.Name] || st.NodeDown[l.B.Node.Name] {
			continue
		}
		m := uint64(l.Metric)
		if o, ok := st.Metric[l.Index]; ok {
			m = uint64(o)
		}
		w[a][b], w[b][a], D[a][b], D[b][a] = m, m, m, m
	}
	for k := range n {
		for i := range n {
			for j := range n {
				D[i][j] = min(D[i][j], D[i][k]+D[k][j])
			}
		}
	}
	// label is the allocation rule, written out.
	label := func(r, f int) mpls.Label {
		if r == f {
			if top.Provider.PHP {
				return mpls.ImplicitNull
			}
			return mpls.ExplicitNullV4
		}
		l := mpls.FirstLDP
		for g := range n {
			if g != r && top.Nodes[g].Loopback.Less(top.Nodes[f].Loopback) {
				l++
			}
		}
		return l
	}

	// firstHops are the neighbours of s on some shortest path to any of
	// the routers to, by name.
	firstHops := func(s int, to ...int) []string {
		var hs []string
		for _, nd := range top.Nodes {
			u := idx[nd.Name]
			for _, f := range to {
				if w[s][u] < inf && w[s][u]+D[u][f] == D[s][f] && !slices.Contains(hs, nd.Name) {
					hs = append(hs, nd.Name)
				}
			}
		}
		slices.Sort(hs)
		return hs
	}
	for s, sn := range top.Nodes {
		r := c.Router(sn.Name)
		if r.Up == st.NodeDown[sn.Name] {
			t.Fatalf("%s: Up = %v", sn.Name, r.Up)
		}
		// The global table: connected loopback and up links, the rest by IGP.
		var table []string
		if r.Up {
			table = append(table, netip.PrefixFrom(sn.Loopback, 32).String()+" connected 0")
		}
		for f, fn := range top.Nodes {
			if f != s && D[s][f] < inf {
				table = append(table, fmt.Sprintf("%s isis %d", netip.PrefixFrom(fn.Loopback, 32), D[s][f]))
			}
		}
		for _, l := range top.Links {
			a, b := idx[l.A.Node.Name], idx[l.B.Node.Name]
			switch {
			case w[a][b] == inf:
			case a == s || b == s:
				table = append(table, l.Subnet.String()+" connected 0")
			case D[s][a] < inf:
				table = append(table, fmt.Sprintf("%s isis %d", l.Subnet, min(D[s][a], D[s][b])+w[a][b]))
				ends := []int{a, b}
				if D[s][a] != D[s][b] {
					ends = ends[:1]
					if D[s][b] < D[s][a] {
						ends[0] = b
					}
				}
				var got []string
				for _, h := range r.Route(l.Subnet).NextHops {
					got = append(got, h.Neighbor)
				}
				if want := firstHops(s, ends...); !slices.Equal(got, want) {
					t.Fatalf("%s's next hops to %s: %v, want %v", sn.Name, l.Subnet, got, want)
				}
			}
		}
		var got []string
		for _, rt := range r.Routes() {
			got = append(got, fmt.Sprintf("%s %s %d", rt.Prefix, rt.Proto, rt.Metric))
		}
		slices.Sort(table)
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if !slices.Equal(sorted, table) {
			t.Fatalf("%s's global table:\n%q\nwant\n%q", sn.Name, got, table)
		}
		if !slices.IsSortedFunc(r.Routes(), func(x, y Route) int { return comparePrefix(x.Prefix, y.Prefix) }) {
			t.Fatalf("%s's global table is not sorted: %q", sn.Name, got)
		}
		for f, fn := range top.Nodes {
			if got, _ := r.LocalLabel(fn.Loopback); got != label(s, f) {
				t.Fatalf("%s's label for %s = %d, want %d", sn.Name, fn.Name, got, label(s, f))
			}
			d, ok := r.Dist(fn.Name)
			if ok != (D[s][f] < inf) || (ok && uint64(d) != D[s][f]) {
				t.Fatalf("%s: Dist(%s) = %d, %v; want %d", sn.Name, fn.Name, d, ok, D[s][f])
			}
			if f == s {
				continue
			}
			ftn, inFTN := ftnOf(r)[fn.Loopback]
			e := r.LFIB().Lookup(label(s, f))
			route := r.Route(netip.PrefixFrom(fn.Loopback, 32))
			if D[s][f] == inf {
				if inFTN || e != nil || route != nil {
					t.Fatalf("%s holds an FTN, LFIB entry or route for unreachable %s", sn.Name, fn.Name)
				}
				continue
			}
			want := firstHops(s, f)
			if e == nil || e.FEC != netip.PrefixFrom(fn.Loopback, 32) || !equalNHLFEs(e.NextHops, ftn) {
				t.Fatalf("%s: LFIB entry %+v does not match FTN %+v for %s", sn.Name, e, ftn, fn.Name)
			}
			if route == nil || uint64(route.Metric) != D[s][f] || len(route.NextHops) != len(ftn) {
				t.Fatalf("%s: route to %s = %+v", sn.Name, fn.Name, route)
			}
			var got []string
			swap := false
			for i, x := range ftn {
				got = append(got, x.Neighbor)
				if route.NextHops[i] != x.NextHop {
					t.Fatalf("%s: route and FTN to %s differ: %+v %+v", sn.Name, fn.Name, route.NextHops, ftn)
				}
				u := idx[x.Neighbor]
				wantOut := []mpls.Label{label(u, f)}
				if wantOut[0] == mpls.ImplicitNull {
					wantOut = nil
				}
				if !slices.Equal(x.Out, wantOut) {
					t.Fatalf("%s toward %s via %s pushes %v, want %v", sn.Name, fn.Name, x.Neighbor, x.Out, wantOut)
				}
				swap = swap || len(x.Out) > 0
				walk(t, c, top, idx, D, w, x, f, D[s][f]-w[s][u])
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s's next hops to %s: %v, want %v", sn.Name, fn.Name, got, want)
			}
			if op := map[bool]mpls.Op{true: mpls.OpSwap, false: mpls.OpPop}[swap]; e.Op != op {
				t.Fatalf("%s: entry for %s has op %v, want %v", sn.Name, fn.Name, e.Op, op)
			}
		}
	}
}

func equalNHLFEs(a, b []mpls.NHLFE) bool {
	return slices.EqualFunc(a, b, func(x, y mpls.NHLFE) bool { return x.NextHop == y.NextHop && slices.Equal(x.Out, y.Out) })
}

// walk follows one LSP branch: the packet leaves over x with x.Out on top,
// toward egress f, with rest still to pay. Every branch must reach f along
// a shortest path, popped at the penultimate hop (php) or arriving with
// explicit null.
func walk(t *rapid.T, c *Core, top *topologies.Topology, idx map[string]int, D, w [][]uint64, x mpls.NHLFE, f int, rest uint64) {
	at := idx[x.Neighbor]
	if D[at][f] != rest {
		t.Fatalf("LSP to %s reaches %s, %d from it, want %d", top.Nodes[f].Name, x.Neighbor, D[at][f], rest)
	}
	if at == f {
		want := []mpls.Label{mpls.ExplicitNullV4}
		if top.Provider.PHP {
			want = nil
		}
		if !slices.Equal(x.Out, want) {
			t.Fatalf("egress %s receives %v, want %v", x.Neighbor, x.Out, want)
		}
		return
	}
	if len(x.Out) != 1 {
		t.Fatalf("transit %s toward %s receives %v", x.Neighbor, top.Nodes[f].Name, x.Out)
	}
	e := c.Router(x.Neighbor).LFIB().Lookup(x.Out[0])
	if e == nil || e.FEC != netip.PrefixFrom(top.Nodes[f].Loopback, 32) {
		t.Fatalf("%s has no entry for %d toward %s: %+v", x.Neighbor, x.Out[0], top.Nodes[f].Name, e)
	}
	for _, y := range e.NextHops {
		walk(t, c, top, idx, D, w, y, f, rest-w[at][idx[y.Neighbor]])
	}
}
