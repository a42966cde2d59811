// Package gen makes topology files (docs/spec/topology.md) instead of
// having someone write them: Zoo turns a real provider backbone from the
// Internet Topology Zoo into a provider network, and Synthetic makes a
// provider network of any size. Both add provider edge routers, route
// reflectors and customers, and both are deterministic: the same input and
// options give the same bytes.
//
// Addressing, the same in every generated file:
//
//   - Provider routers (PEs first, then RRs, then P routers, in file order)
//     take loopbacks from 10.255.0.0/16: 10.255.0.1 to 10.255.0.254, then
//     10.255.1.1 and so on (never .0 or .255 in the last byte), at most
//     MaxRouters of them.
//   - Customers (VRFs) are named A, B, ..., Z, AA, AB, ... skipping P, PE
//     and RR (whose CEs would be named like provider routers). VRF number i
//     (from 1) has RD and route target 65000:i.
//   - Site s (from 1) of every customer is one CE named VRF+s (A1, B1, ...)
//     whose LANs are 10.s.1.0/24, 10.s.2.0/24, ...: every customer uses the
//     same addresses, so the file shows that VRFs keep them apart. Sites run
//     to 254 and prefixes per site to 255, so customer space is 10.1.0.0 to
//     10.254.255.255 and never meets the loopbacks.
//   - A customer's sites are spread over k PEs, k the lesser of the sites,
//     the PEs and (for Synthetic) VRFPEs: customer i (from 0) is on PEs
//     i·k, i·k+1, ..., i·k+k-1 (modulo the number of PEs), and its site s on
//     the ((s-1) mod k)-th of those, so the sites of one customer sit on
//     different PEs while there are enough of them.
//   - Link subnets are left to the loader (provider links: /31s from
//     100.64.0.0/16; CE links: /30s from 100.96.0.0/11, both in the shared
//     address space of RFC 6598), which numbers them in link order.
package gen

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"

	"github.com/vpnsim/vpnsim/topologies"
	"github.com/vpnsim/vpnsim/vrf"
)

// Limits of what the generators make.
const (
	// MaxRouters is the most provider routers: the loopbacks 10.255.x.y
	// with y from 1 to 254.
	MaxRouters = 256 * 254
	// MaxProviderLinks is the most provider links: the /31s of the
	// loader's provider pool, 100.64.0.0/16.
	MaxProviderLinks = 1 << 15
	// MaxCELinks is the most CE links: the /30s of the loader's CE pool,
	// 100.96.0.0/11.
	MaxCELinks = 1 << 19
	// MaxSites is the most sites per customer (10.1.x.x to 10.254.x.x).
	MaxSites = 254
	// MaxPrefixes is the most prefixes per site (10.s.1.0/24 to 10.s.255.0/24).
	MaxPrefixes = 255
	// MaxTotalPrefixes bounds the customer prefixes of one file.
	MaxTotalPrefixes = 1_000_000
	// ASN is the provider's AS number in every generated file.
	ASN = 65000
)

// network is a topology being generated; write turns it into YAML.
type network struct {
	header      []string // comment lines at the top, without "# "
	name        string
	description string
	nodes       []node
	vrfs        []string
	links       []link
}

// node is one router. A CE's LANs are 10.site.1.0/24 to 10.site.lans.0/24.
type node struct {
	name        string
	role        topologies.Role
	loopback    netip.Addr // provider routers only
	site, lans  int        // CE only
	description string
	comment     string // a "# ..." line written before the node
	position    *topologies.Point
}

// link is one link; metric 0 leaves the metric to the loader's default,
// an invalid subnet leaves the subnet to the loader's allocator.
type link struct {
	a, b    string
	metric  int
	vrf     string
	subnet  netip.Prefix
	comment string // a "# ..." line written before the link
}

// customers says how many customers to add and how.
type customers struct {
	vrfs, sites, prefixes int
	vrfPEs                int // PEs per customer; 0 means as many as there are
}

// check reports an option that makes no sense with nPE PEs; pesFlag is the
// command-line flag that sets the number of PEs, for messages.
func (c customers) check(nPE int, pesFlag string) error {
	switch {
	case c.vrfs < 0:
		return fmt.Errorf("--vrfs %d: the number of customers cannot be negative", c.vrfs)
	case c.vrfs == 0:
		return nil
	case nPE == 0:
		return fmt.Errorf("--vrfs %d needs PEs to attach the customers' sites to, but %s is 0; give %s 1 or more, or --vrfs 0 for a bare core", c.vrfs, pesFlag, pesFlag)
	case c.sites < 1 || c.sites > MaxSites:
		return fmt.Errorf("--sites %d: each customer needs 1 to %d sites (site s uses 10.s.0.0/16)", c.sites, MaxSites)
	case c.prefixes < 0 || c.prefixes > MaxPrefixes:
		return fmt.Errorf("--prefixes %d: a site has 0 to %d prefixes (10.s.1.0/24 to 10.s.255.0/24)", c.prefixes, MaxPrefixes)
	}
	if n := c.vrfs * c.sites; c.vrfs > MaxCELinks || n > MaxCELinks {
		return fmt.Errorf("--vrfs %d with --sites %d makes %d CE links; the most is %d", c.vrfs, c.sites, n, MaxCELinks)
	}
	if n := c.vrfs * c.sites * c.prefixes; n > MaxTotalPrefixes {
		return fmt.Errorf("--vrfs %d × --sites %d × --prefixes %d makes %d customer prefixes; the most is %d", c.vrfs, c.sites, c.prefixes, n, MaxTotalPrefixes)
	}
	return nil
}

// addCustomers adds the customers' VRFs, their CEs and the CE links to the
// PEs named pes, as the package documentation describes; the CE names are
// those of ceNames.
func (nw *network) addCustomers(pes []string, c customers) {
	if c.vrfs == 0 {
		return
	}
	k := min(c.sites, len(pes))
	if c.vrfPEs > 0 {
		k = min(k, c.vrfPEs)
	}
	nw.vrfs = vrfNames(c.vrfs)
	for i, v := range nw.vrfs {
		for s := 1; s <= c.sites; s++ {
			ce := node{name: v + strconv.Itoa(s), role: topologies.RoleCE, site: s, lans: c.prefixes}
			if i == 0 && s == 1 {
				switch c.prefixes {
				case 0:
					ce.comment = "customers: their sites have no LANs (--prefixes 0)"
				case 1:
					ce.comment = "customers: site s of every customer has the LAN 10.s.1.0/24"
				default:
					ce.comment = fmt.Sprintf("customers: site s of every customer has the LANs 10.s.1.0/24 to 10.s.%d.0/24", c.prefixes)
				}
			}
			nw.nodes = append(nw.nodes, ce)
			l := link{a: ce.name, b: pes[(i*k+(s-1)%k)%len(pes)], vrf: v}
			if i == 0 && s == 1 {
				l.comment = "customer sites (attachment circuits)"
			}
			nw.links = append(nw.links, l)
		}
	}
}

// ceNames returns the names the CEs of c will have, which provider routers
// may not take.
func ceNames(c customers) map[string]bool {
	names := map[string]bool{}
	for _, v := range vrfNames(c.vrfs) {
		for s := 1; s <= c.sites; s++ {
			names[v+strconv.Itoa(s)] = true
		}
	}
	return names
}

// vrfNames returns n customer names: A to Z, AA, AB, ... (bijective base
// 26), skipping P, PE and RR, whose CEs would be named like the generated
// provider routers.
func vrfNames(n int) []string {
	names := make([]string, 0, n)
	for i := 1; len(names) < n; i++ {
		var b []byte
		for x := i; x > 0; x = (x - 1) / 26 {
			b = append([]byte{byte('A' + (x-1)%26)}, b...)
		}
		if s := string(b); s != "P" && s != "PE" && s != "RR" {
			names = append(names, s)
		}
	}
	return names
}

// loopback returns the loopback of the i-th provider router (from 0).
func loopback(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, 255, byte(i / 254), byte(i%254 + 1)})
}

// newRand returns the generators' random source for seed: PCG, so the
// same seed gives the same choices on every machine.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x7670_6e73_696d)) // "vpnsim"
}

// write returns the network as a topology file, through the one encoder
// every topology file vpnsim writes goes through (topologies.Doc).
func (nw *network) write() []byte {
	d := topologies.Doc{Header: nw.header, Name: nw.name, Description: nw.description, Provider: topologies.DocProvider{ASN: ASN}}
	d.Nodes = make([]topologies.DocNode, len(nw.nodes))
	for i, n := range nw.nodes {
		dn := topologies.DocNode{Name: n.name, Role: n.role, Loopback: n.loopback, Description: n.description, Comment: n.comment, Position: n.position}
		if n.role == topologies.RoleCE {
			dn.LANs = make([]netip.Prefix, n.lans)
			for j := range n.lans {
				dn.LANs[j] = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(n.site), byte(j + 1), 0}), 24)
			}
		}
		d.Nodes[i] = dn
	}
	for i, v := range nw.vrfs {
		an := strconv.Itoa(ASN) + ":" + strconv.Itoa(i+1) // valid by construction
		d.VRFs = append(d.VRFs, topologies.DocVRF{Name: v, RD: vrf.MustParseRD(an), RouteTarget: []vrf.RouteTarget{vrf.MustParseRouteTarget(an)}})
	}
	d.Links = make([]topologies.DocLink, len(nw.links))
	for i, l := range nw.links {
		d.Links[i] = topologies.DocLink{A: l.a, B: l.b, Metric: uint32(l.metric), VRF: l.vrf, Subnet: l.subnet, Comment: l.comment}
	}
	return d.Encode()
}
