package p

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/mpls"
)

// dump prints every provider router's tables, routers by name, in a form
// that depends on nothing but the tables' contents.
func dump(c *Core) string {
	var b strings.Builder
	rs := slices.Clone(c.Routers())
	slices.SortFunc(rs, func(x, y *Router) int { return cmp.Compare(x.Node.Name, y.Node.Name) })
	for _, r := range rs {
		state := "up"
		if !r.Up {
			state = "down"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", r.Node.Name, r.Node.Role, r.Node.Loopback, state)
		b.WriteString("  routes\n")
		for _, rt := range r.Routes() {
			fmt.Fprintf(&b, "    %-18s %-9s %3d %s\n", rt.Prefix, rt.Proto, rt.Metric, hops(rt.NextHops))
		}
		b.WriteString("  lfib\n")
		for _, e := range r.LFIB().Entries() {
			fmt.Fprintf(&b, "    %-4s %-4s %-14s %s %s\n", e.In, e.Op, e.FEC, e.Owner, nhlfes(e.NextHops))
		}
		b.WriteString("  ftn\n")
		ftn := ftnOf(r)
		fecs := make([]netip.Addr, 0, len(ftn))
		for a := range ftn {
			fecs = append(fecs, a)
		}
		slices.SortFunc(fecs, netip.Addr.Compare)
		for _, a := range fecs {
			fmt.Fprintf(&b, "    %-14s %s\n", a, nhlfes(ftn[a]))
		}
		b.WriteString("  ldp\n")
		for _, bd := range r.Bindings() {
			fmt.Fprintf(&b, "    %-14s local %-4s remote", bd.FEC, bd.Local)
			for _, rb := range bd.Remote {
				fmt.Fprintf(&b, " %s:%s", rb.Neighbor, rb.Label)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func hop(h mpls.NextHop) string {
	if h.Neighbor == "" {
		return fmt.Sprintf("%s(%d)", h.Interface, h.IfIndex)
	}
	return fmt.Sprintf("%s %s(%d) %s", h.Neighbor, h.Interface, h.IfIndex, h.Addr)
}

func hops(hs []mpls.NextHop) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = hop(h)
	}
	return strings.Join(s, " | ")
}

func nhlfes(ns []mpls.NHLFE) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprintf("%v via %s", n.Out, hop(n.NextHop))
	}
	return strings.Join(s, " | ")
}
