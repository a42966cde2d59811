// Package reach answers, on a converged network, which customer sites
// reach which: for every ordered pair of sites an echo request from one
// to the other, the VRF route the ingress PE used, and for a site that
// reaches another customer's site (a leak) the route targets that let the
// route in and the packet walk. An expect file (docs/spec/expect.md) says
// which customers may reach which; Diff lists what differs.
//
// A site is a CE with at least one LAN; its customer is the VRF its first
// attachment is in, without the --PE suffix import gives a VRF defined
// differently on some PE (confimport.Customer). A host on an EVPN (a CE
// with a lan-address) is a site too, its customer the EVPN instance, its
// address probed its lan-address.
package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpnsim/vpnsim/confimport"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Site is one CE with LANs, or a host on an EVPN.
type Site struct {
	Name     string     `json:"name"`
	Customer string     `json:"customer"`
	VRF      string     `json:"vrf,omitempty"`
	EVPN     string     `json:"evpn,omitempty"` // a host on an EVPN: its instance
	Addr     netip.Addr `json:"addr"`           // the address probed: its first LAN's first host, or its lan-address
}

// Route is the VRF route an ingress PE forwarded by.
type Route struct {
	PE      string     `json:"pe"`
	VRF     string     `json:"vrf"`
	Prefix  string     `json:"prefix"`
	Proto   string     `json:"proto"`
	NextHop netip.Addr `json:"next_hop,omitzero"`
	From    string     `json:"from,omitempty"` // the PE that advertised a VPN route
	RTs     []string   `json:"route_targets,omitempty"`
}

// Pair is one ordered pair of sites.
type Pair struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Reached bool   `json:"reached"`   // the echo request was delivered to To
	Both    bool   `json:"both_ways"` // and To's reply came back to From
	Outcome string `json:"outcome"`
	Route   *Route `json:"route,omitempty"`
	// EVPN: the two are hosts on this EVPN instance: bridged, no route.
	EVPN string `json:"evpn,omitempty"`
}

// Leak is a site reaching a site of another customer.
type Leak struct {
	Pair
	FromCustomer string `json:"from_customer"`
	ToCustomer   string `json:"to_customer"`
	// AllowedBy are the route targets the route carries that the ingress
	// VRF imports: what let the other customer's route in.
	AllowedBy []string      `json:"allowed_by"`
	Walk      *network.Walk `json:"walk,omitempty"`
	// Expected: the expect file lets FromCustomer reach ToCustomer (an
	// extranet by design); false without an expect file.
	Expected bool `json:"expected"`
}

// Cell is one entry of the customer matrix: of Total ordered site pairs,
// Reached were.
type Cell struct {
	Reached int `json:"reached"`
	Total   int `json:"total"`
}

// Report is the whole answer.
type Report struct {
	Topology  string                     `json:"topology"`
	Customers []string                   `json:"customers"`
	Sites     []Site                     `json:"sites"`
	Pairs     []Pair                     `json:"pairs"`
	Matrix    map[string]map[string]Cell `json:"matrix"`
	Leaks     []Leak                     `json:"leaks"`
	// Differences from the expect file (nil without one).
	Differences []string `json:"differences,omitempty"`
}

// Sites returns the topology's sites in node order. groups maps a VRF to
// the customer it belongs to when the expect file says so (a hub-and-spoke
// customer's two VRFs); other VRFs are their own customer.
func Sites(t *topologies.Topology, groups map[string]string) []Site {
	var out []Site
	for _, n := range t.Nodes {
		if n.Role == topologies.RoleCE && n.LANAddress.IsValid() && len(n.Interfaces) > 0 && n.Interfaces[0].Link.IsEVPN() {
			e := n.Interfaces[0].Link.EVPN
			c := e
			if g, ok := groups[e]; ok {
				c = g
			}
			out = append(out, Site{Name: n.Name, Customer: c, EVPN: e, Addr: n.LANAddress.Addr()})
			continue
		}
		if n.Role != topologies.RoleCE || len(n.LANs) == 0 {
			continue
		}
		v := ""
		for _, i := range n.Interfaces {
			if i.Link.VRF != "" {
				v = i.Link.VRF
				break
			}
		}
		if v == "" {
			continue
		}
		c := confimport.Customer(v)
		if g, ok := groups[v]; ok {
			c = g
		} else if g, ok := groups[c]; ok {
			c = g
		}
		out = append(out, Site{Name: n.Name, Customer: c, VRF: v, Addr: topologies.LANSource(n.LANs[0])})
	}
	return out
}

// Check probes every ordered pair of sites on a converged network; groups
// as for Sites.
func Check(l *lab.Lab, t *topologies.Topology, groups map[string]string) (*Report, error) {
	rep := &Report{Topology: t.Name, Sites: Sites(t, groups), Matrix: map[string]map[string]Cell{}, Leaks: []Leak{}, Pairs: []Pair{}}
	for _, s := range rep.Sites {
		if !slices.Contains(rep.Customers, s.Customer) {
			rep.Customers = append(rep.Customers, s.Customer)
		}
	}
	slices.Sort(rep.Customers)
	for _, a := range rep.Customers {
		rep.Matrix[a] = map[string]Cell{}
	}
	for _, src := range rep.Sites {
		for _, dst := range rep.Sites {
			if src.Name == dst.Name {
				continue
			}
			w := &network.Walk{}
			res, err := l.Ping(src.Name, dst.Addr, network.ProbeOptions{Walk: w})
			if err != nil {
				return nil, fmt.Errorf("ping from %s to %s (%s): %v", src.Name, dst.Name, dst.Addr, err)
			}
			p := Pair{From: src.Name, To: dst.Name, Reached: delivered(w, dst), Outcome: res.Outcome(src.Name)}
			p.Both = p.Reached && res.Result == network.Reply && res.ReplyFrom == dst.Name
			p.Route = ingressRoute(l, t, src, dst, w)
			if src.EVPN != "" && src.EVPN == dst.EVPN {
				p.EVPN = src.EVPN
			}
			rep.Pairs = append(rep.Pairs, p)
			c := rep.Matrix[src.Customer][dst.Customer]
			c.Total++
			if p.Reached {
				c.Reached++
			}
			rep.Matrix[src.Customer][dst.Customer] = c
			if p.Reached && src.Customer != dst.Customer {
				lk := Leak{Pair: p, FromCustomer: src.Customer, ToCustomer: dst.Customer, AllowedBy: []string{}, Walk: w}
				if p.Route != nil {
					imp := importsOf(l, t, p.Route)
					for _, rt := range p.Route.RTs {
						if slices.Contains(imp, rt) {
							lk.AllowedBy = append(lk.AllowedBy, rt)
						}
					}
				}
				rep.Leaks = append(rep.Leaks, lk)
			}
		}
	}
	return rep, nil
}

// delivered reports whether the walk shows the echo request handed to the
// destination site: a frame sent to one of its interfaces carrying an
// ICMP echo request to its address.
func delivered(w *network.Walk, dst Site) bool {
	for _, s := range w.Steps {
		if s.To == "" || nodeOf(s.To) != dst.Name {
			continue
		}
		for i, h := range s.Stack {
			if h.Kind == network.HeaderIPv4 && h.Dst == dst.Addr && i+1 < len(s.Stack) &&
				s.Stack[i+1].Kind == network.HeaderICMP && s.Stack[i+1].ICMPType == 8 {
				return true
			}
		}
	}
	return false
}

func nodeOf(ifc string) string {
	for i := 0; i < len(ifc); i++ {
		if ifc[i] == ':' {
			return ifc[:i]
		}
	}
	return ifc
}

// ingressRoute is the route the PE the request entered the provider at
// looked the destination up by: the first frame src sent went to it.
func ingressRoute(l *lab.Lab, t *topologies.Topology, src, dst Site, w *network.Walk) *Route {
	pe := ""
	for _, s := range w.Steps {
		if s.From != "" && nodeOf(s.From) == src.Name {
			pe = nodeOf(s.To)
			break
		}
	}
	lk := t.Between(src.Name, pe)
	if lk == nil || lk.VRF == "" {
		return nil
	}
	v, ok := l.VRF(pe, lk.VRF)
	if !ok {
		return nil
	}
	r := v.Lookup(dst.Addr)
	if r == nil {
		return nil
	}
	out := &Route{PE: pe, VRF: lk.VRF, Prefix: r.Prefix.String(), Proto: r.Proto.String(), NextHop: r.NextHop, From: r.PE}
	for _, rt := range r.RTs {
		out.RTs = append(out.RTs, rt.String())
	}
	if r.FromVRF != "" {
		// leaked from another VRF on the same PE: the route targets are
		// that VRF's exports (IOS imports them locally, as from a remote PE)
		out.From = r.FromVRF + " on " + pe
		if fv := t.VRF(r.FromVRF); fv != nil {
			for _, rt := range fv.Export {
				out.RTs = append(out.RTs, rt.String())
			}
		}
	}
	sortRTs(out.RTs)
	return out
}

// importsOf returns the import route targets of the route's VRF.
func importsOf(_ *lab.Lab, t *topologies.Topology, r *Route) []string {
	v := t.VRF(r.VRF)
	if v == nil {
		return nil
	}
	var out []string
	for _, rt := range v.Import {
		out = append(out, rt.String())
	}
	return out
}

// Reaches returns the customer relation the report shows: from → to when
// at least one site of from reached a site of to.
func (r *Report) Reaches() map[[2]string]bool {
	out := map[[2]string]bool{}
	for a, row := range r.Matrix {
		for b, c := range row {
			if c.Reached > 0 {
				out[[2]string{a, b}] = true
			}
		}
	}
	return out
}

// sortRTs sorts route target strings by value.
func sortRTs(s []string) {
	slices.SortFunc(s, func(a, b string) int {
		x, e1 := vrf.ParseRouteTarget(a)
		y, e2 := vrf.ParseRouteTarget(b)
		if e1 != nil || e2 != nil {
			return cmp.Compare(a, b)
		}
		return x.Compare(y)
	})
}
