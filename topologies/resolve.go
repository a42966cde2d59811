package topologies

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gaissmai/bart"
	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/vrf"
)

// Defaults and address pools of the format.
const (
	DefaultMetric = 10
	DefaultDelay  = time.Millisecond
)

// The pools automatic link subnets come from: both inside 100.64.0.0/10,
// the shared address space of RFC 6598, which carriers number their own
// links from and customers do not put on their LANs. A student reading a
// traceroute sees at once which hops are the provider's: 10.x, 172.16.x
// and 192.168.x are left to the customers.
var (
	ProviderPool = netip.MustParsePrefix("100.64.0.0/16") // /31s for provider links (32 768 of them)
	CEPool       = netip.MustParsePrefix("100.96.0.0/11") // /30s for CE–PE links (524 288 of them)
)

// resolve fills in what the file leaves out, on a file that validated: link
// defaults, interfaces and their names, subnets and addresses, and each
// VRF's merged route targets.
func (ld *loader) resolve() {
	for _, rv := range ld.vrfs {
		rv.v.Import = sortRTs(rv.v.Import)
		rv.v.Export = sortRTs(rv.v.Export)
	}
	for _, re := range ld.evpnList {
		re.e.Import = sortRTs(re.e.Import)
		re.e.Export = sortRTs(re.e.Export)
	}
	for _, rl := range ld.links {
		l := rl.l
		if l.Delay == 0 {
			l.Delay = DefaultDelay
		}
		if rl.provider() {
			if l.Metric == 0 {
				l.Metric = DefaultMetric
			}
		} else if rl.evpn != nil {
			l.EVPN = rl.evpn.e.Name
		} else {
			l.VRF = rl.vrf.v.Name
			if l.Routing == "" {
				l.Routing = RoutingStatic
			}
		}
		l.A = &Interface{Node: rl.ends[0].node.n, Name: rl.ends[0].ifname, Link: l}
		l.B = &Interface{Node: rl.ends[1].node.n, Name: rl.ends[1].ifname, Link: l}
		ld.t.Links = append(ld.t.Links, l)
	}
	ld.nameInterfaces()
	ld.allocateSubnets()
	ld.resolveExternalPeers()
}

// sortRTs sorts route targets by their wire bytes and drops repeats.
func sortRTs(rts []vrf.RouteTarget) []vrf.RouteTarget {
	slices.SortFunc(rts, vrf.RouteTarget.Compare)
	return slices.Compact(rts)
}

// nameInterfaces adds each link's interfaces to their nodes in link order
// and numbers the unnamed ones eth1, eth2, ... per node, skipping the names
// the file gives.
func (ld *loader) nameInterfaces() {
	taken := map[*Node]map[string]bool{}
	for _, l := range ld.t.Links {
		for _, i := range []*Interface{l.A, l.B} {
			if taken[i.Node] == nil {
				taken[i.Node] = map[string]bool{}
			}
			if i.Name != "" {
				taken[i.Node][i.Name] = true
			}
		}
	}
	next := map[*Node]int{}
	for _, l := range ld.t.Links {
		for _, i := range []*Interface{l.A, l.B} {
			i.Node.Interfaces = append(i.Node.Interfaces, i)
			for i.Name == "" {
				next[i.Node]++
				if name := "eth" + strconv.Itoa(next[i.Node]); !taken[i.Node][name] {
					i.Name = name
				}
			}
		}
	}
}

// allocateSubnets gives every link without a subnet the next free one from
// its pool, in link order: /31s from ProviderPool for provider links, /30s
// from CEPool for CE–PE links. A candidate is skipped when it overlaps a
// loopback or a subnet the file gives (provider or attachment), and, for a
// CE–PE link, a LAN of a CE in the same VRF (the link's subnet becomes a
// route in that VRF). The customers' LANs never constrain provider links:
// they live in their VRFs' tables, apart from the provider's. Then every
// interface gets its address: on a provider link the first endpoint the
// lower one, on a CE–PE link the PE the first usable address and the CE
// the second.
func (ld *loader) allocateSubnets() {
	var provider bart.Lite // the provider's own addresses and every explicit subnet
	for _, n := range ld.t.Nodes {
		if n.Loopback.IsValid() {
			provider.Insert(netip.PrefixFrom(n.Loopback, 32))
		}
	}
	for _, l := range ld.t.Links {
		if l.Subnet.IsValid() {
			provider.Insert(l.Subnet)
		}
	}
	lans := map[string]*bart.Lite{} // by VRF: the LANs of its CEs
	for _, l := range ld.t.Links {
		if !l.IsAttachment() {
			continue
		}
		if lans[l.VRF] == nil {
			lans[l.VRF] = new(bart.Lite)
		}
		ce := l.A.Node
		if ce.Role != RoleCE {
			ce = l.B.Node
		}
		for _, p := range ce.LANs {
			lans[l.VRF].Insert(p)
		}
	}
	pools := map[bool]*pool{
		true:  {base: ProviderPool, bits: 31, next: ProviderPool.Addr()},
		false: {base: CEPool, bits: 30, next: CEPool.Addr()},
	}
	for i, l := range ld.t.Links {
		if l.IsEVPN() {
			// a bridge port on the PE, the host's LAN address on the CE
			for _, ifc := range []*Interface{l.A, l.B} {
				if ifc.Node.Role == RoleCE {
					ifc.Addr = ifc.Node.LANAddress
				}
			}
			continue
		}
		isProvider := !l.IsAttachment()
		if !l.Subnet.IsValid() {
			free := func(p netip.Prefix) bool {
				return !provider.OverlapsPrefix(p) && (isProvider || !lans[l.VRF].OverlapsPrefix(p))
			}
			p, ok := pools[isProvider].take(free)
			if !ok {
				pl := pools[isProvider]
				if isProvider {
					ld.d.Errorf(ld.links[i].f.Value("endpoints"), "no free /%d left in %s for this link; give it a subnet", pl.bits, pl.base)
				} else {
					ld.d.Errorf(ld.links[i].f.Value("endpoints"), "no free /%d left in %s for this attachment (VRF %s's LANs or explicit subnets cover the rest); give it a subnet", pl.bits, pl.base, l.VRF)
				}
				continue
			}
			l.Subnet = p
		}
		first, second := usable(l.Subnet)
		lo, hi := l.A, l.B
		if !isProvider && l.A.Node.Role == RoleCE {
			lo, hi = l.B, l.A
		}
		lo.Addr = netip.PrefixFrom(first, l.Subnet.Bits())
		hi.Addr = netip.PrefixFrom(second, l.Subnet.Bits())
	}
}

// pool hands out consecutive subnets of one size from a base prefix.
type pool struct {
	base netip.Prefix
	bits int
	next netip.Addr
}

// take returns the next subnet that free accepts. The subnets it skips
// stay skipped: allocation moves on through the pool in link order.
func (p *pool) take(free func(netip.Prefix) bool) (netip.Prefix, bool) {
	size := 1 << (32 - p.bits)
	for p.base.Contains(p.next) {
		cand := netip.PrefixFrom(p.next, p.bits)
		p.next = addrAdd(p.next, size)
		if free(cand) {
			return cand, true
		}
	}
	return netip.Prefix{}, false
}

// addrAdd returns the IPv4 address a+n.
func addrAdd(a netip.Addr, n int) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], binary.BigEndian.Uint32(a.AsSlice())+uint32(n))
	return netip.AddrFrom4(b)
}

// checkStatics checks each VRF's static routes once addresses are known: a
// pe names a PE with an attachment in the VRF, and a next hop is the
// address of a CE attached in the VRF (on that PE, when pe is given).
func (ld *loader) checkStatics() {
	for _, rv := range ld.vrfs {
		for _, r := range rv.v.Static {
			at := &yaml.Node{Line: r.Pos.Line, Column: r.Pos.Column}
			var pes, ces []string
			found := false
			for _, rl := range ld.links {
				l := rl.l
				if rl.vrf != rv || !l.IsAttachment() {
					continue
				}
				pe, ce := l.A, l.B
				if pe.Node.Role == RoleCE {
					pe, ce = ce, pe
				}
				if !slices.Contains(pes, pe.Node.Name) {
					pes = append(pes, pe.Node.Name)
				}
				if r.PE != "" && pe.Node.Name != r.PE {
					continue
				}
				ces = append(ces, fmt.Sprintf("%s %s", ce.Node.Name, ce.Addr.Addr()))
				if r.Null0 || ce.Addr.Addr() == r.NextHop {
					found = true
				}
			}
			switch {
			case r.PE != "" && !slices.Contains(pes, r.PE):
				ld.d.Errorf(at, "static: pe %s has no attachment in VRF %s; the VRF's PEs: %s", r.PE, rv.v.Name, orNone(pes))
			case !found && r.Null0:
				ld.d.Errorf(at, "static: VRF %s has no attachment, so no PE holds the route %s to null0", rv.v.Name, r.Prefix)
			case !found:
				ld.d.Errorf(at, "static: next-hop %s is not the address of a CE attached in VRF %s; its CEs: %s", r.NextHop, rv.v.Name, orNone(ces))
			}
		}
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
