package export

import (
	"fmt"
	"strings"

	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// The BGP policy of a topology as FRR route maps and prefix lists, so an
// exported lab decides as the simulator does:
//
//   - a CE–PE link's local-preference, med and soo: a route map on the PE's
//     neighbour, inbound (set local-preference, set metric, set
//     extcommunity soo); for a static attachment the same sets on the
//     redistribution of the VRF's static routes, matched by the CE's LANs;
//   - soo outbound: a route map that denies routes carrying the link's
//     Site of Origin (FRR 8.4 has no "neighbor soo");
//   - a VRF's import-map and export-map: "route-map vpn import|export"
//     over a prefix list with the same entries (ge and le as written).

// setsAttrs reports whether a link sets attributes on what the PE learns.
func setsAttrs(b topologies.AttachmentBGP) bool {
	return b.HasLocalPref || b.MED != 0 || b.SoO != (vrf.RouteTarget{})
}

func ceInMap(ce *topologies.Node) string  { return "CE-" + ce.Name + "-IN" }
func ceOutMap(ce *topologies.Node) string { return "CE-" + ce.Name + "-OUT" }
func vrfStaticMap(v *topologies.VRF) string {
	return "VRF-" + v.Name + "-STATIC"
}
func vrfMap(v *topologies.VRF, dir string) string { return "VRF-" + v.Name + "-" + dir }

// sets writes a link's set clauses.
func sets(c *conf, b topologies.AttachmentBGP) {
	if b.HasLocalPref {
		c.line(1, "set local-preference %d", b.LocalPref)
	}
	if b.MED != 0 {
		c.line(1, "set metric %d", b.MED)
	}
	if b.SoO != (vrf.RouteTarget{}) {
		c.line(1, "set extcommunity soo %s", b.SoO)
	}
}

// staticAttrs reports whether a static attachment of v on this PE sets
// attributes, so that its static routes are redistributed through a map.
func (r *router) staticAttrs(v *topologies.VRF) bool {
	for _, i := range r.attachments() {
		if i.Link.VRF == v.Name && i.Link.Routing == topologies.RoutingStatic && setsAttrs(i.Link.BGP) {
			return true
		}
	}
	return false
}

// policies writes the router's prefix lists and route maps (before the
// BGP instances that name them).
func (r *router) policies(c *conf) {
	switch r.n.Role {
	case topologies.RolePE:
		for _, v := range r.vrfs() {
			r.vrfPolicies(c, v)
		}
	}
}

func (r *router) vrfPolicies(c *conf, v *topologies.VRF) {
	start := c.b.Len()
	defer func() {
		if c.b.Len() > start {
			c.end()
		}
	}()
	for _, m := range []struct {
		dir string
		pm  topologies.PrefixMap
	}{{"IMPORT", v.ImportMap}, {"EXPORT", v.ExportMap}} {
		if m.pm == nil {
			continue
		}
		name := vrfMap(v, m.dir)
		for i, e := range m.pm {
			c.line(0, "ip prefix-list %s seq %d permit %s%s", name, 5*(i+1), e.Prefix, geLE(e))
		}
		if len(m.pm) == 0 {
			c.line(0, "route-map %s deny 10", name) // an empty map lets nothing through
			c.line(0, "exit")
			continue
		}
		c.line(0, "route-map %s permit 10", name)
		c.line(1, "match ip address prefix-list %s", name)
		c.line(0, "exit")
	}
	static := 0
	for _, i := range r.attachments() {
		if i.Link.VRF != v.Name || !setsAttrs(i.Link.BGP) {
			continue
		}
		ce, b := i.Peer().Node, i.Link.BGP
		switch i.Link.Routing {
		case topologies.RoutingEBGP:
			c.line(0, "route-map %s permit 10", ceInMap(ce))
			sets(c, b)
			c.line(0, "exit")
		case topologies.RoutingStatic:
			static++
			pl := "CE-" + ce.Name + "-LANS"
			for j, lan := range ce.LANs {
				c.line(0, "ip prefix-list %s seq %d permit %s", pl, 5*(j+1), lan.Masked())
			}
			c.line(0, "route-map %s permit %d", vrfStaticMap(v), 10*static)
			c.line(1, "match ip address prefix-list %s", pl)
			sets(c, b)
			c.line(0, "exit")
		}
		if b.SoO != (vrf.RouteTarget{}) {
			list := "SOO-" + ce.Name
			c.line(0, "bgp extcommunity-list standard %s permit soo %s", list, b.SoO)
			c.line(0, "route-map %s deny 10", ceOutMap(ce))
			c.line(1, "match extcommunity %s", list)
			c.line(0, "exit")
			c.line(0, "route-map %s permit 20", ceOutMap(ce))
			c.line(0, "exit")
		}
	}
	if static > 0 {
		c.line(0, "route-map %s permit %d", vrfStaticMap(v), 10*(static+1)) // the other static routes, unchanged
		c.line(0, "exit")
	}
}

func geLE(e topologies.PrefixEntry) string {
	var b strings.Builder
	if e.GE > 0 {
		fmt.Fprintf(&b, " ge %d", e.GE)
	}
	if e.LE > 0 {
		fmt.Fprintf(&b, " le %d", e.LE)
	}
	return b.String()
}
