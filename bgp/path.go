package bgp

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// Family is the address family of a session and of the paths it carries.
type Family int

const (
	// VPNv4 is l3vpn-ipv4-unicast (AFI 1, SAFI 128): labelled VPN-IPv4 routes
	// between PEs and route reflectors.
	VPNv4 Family = iota + 1
	// IPv4Unicast is plain IPv4 unicast (AFI 1, SAFI 1): eBGP between a PE's
	// attachment speaker and a CE.
	IPv4Unicast
)

// String names the family the way GoBGP and FRR do.
func (f Family) String() string {
	switch f {
	case VPNv4:
		return "l3vpn-ipv4-unicast"
	case IPv4Unicast:
		return "ipv4-unicast"
	case L2VPNEVPN:
		return "l2vpn-evpn"
	}
	return "family(" + strconv.Itoa(int(f)) + ")"
}

// valid tells whether f can be a session's Family (l2vpn-evpn rides
// beside VPNv4, SessionConfig.EVPN).
func (f Family) valid() bool { return f == VPNv4 || f == IPv4Unicast }

func (f Family) api() *api.Family {
	switch f {
	case VPNv4:
		return &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_MPLS_VPN}
	case L2VPNEVPN:
		return &api.Family{Afi: api.Family_AFI_L2VPN, Safi: api.Family_SAFI_EVPN}
	}
	return &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
}

// MaxLabel is the largest 20-bit MPLS label value.
const MaxLabel = 1<<20 - 1

// VPNRoute is a VPN-IPv4 route a PE originates: RFC 4364 section 4.3.
type VPNRoute struct {
	RD           vrf.RD
	Prefix       netip.Prefix // IPv4; host bits are cleared
	Label        mpls.Label   // the VPN label, 0 to MaxLabel
	NextHop      netip.Addr   // the PE's model loopback
	RouteTargets []vrf.RouteTarget

	// The customer's path attributes, carried across the provider as a PE
	// does (RFC 4364 section 7): the AS_PATH the CE sent (empty for a
	// connected or static route, which the provider originates), its
	// ORIGIN, and its MED. A zero LocalPref sends none; GoBGP then sends
	// 100 over iBGP. A zero MED sends none (the decision process treats a
	// missing MED as 0).
	ASPath    []uint32
	Origin    uint8 // 0 IGP, 1 EGP, 2 incomplete
	MED       uint32
	LocalPref uint32
	// SiteOfOrigin, when set, is attached as the Site of Origin extended
	// community (RFC 4360 section 5, type 0x00, 0x01 or 0x02 subtype 0x03).
	SiteOfOrigin vrf.RouteTarget
}

// IPv4Route is an IPv4 unicast route an attachment speaker originates
// toward its CE: the prefix, the next hop (the PE's address on the link),
// and the AS_PATH and ORIGIN the VPN route carried. GoBGP prepends the
// speaker's AS when it sends it over eBGP.
type IPv4Route struct {
	Prefix  netip.Prefix
	NextHop netip.Addr
	ASPath  []uint32
	Origin  uint8
}

// VPNPath is one VPN-IPv4 path in a speaker's RIB.
type VPNPath struct {
	RD           vrf.RD
	Prefix       netip.Prefix
	Label        mpls.Label
	NextHop      netip.Addr
	RouteTargets []vrf.RouteTarget // sorted by wire bytes, duplicates removed

	// FromPeer is the model name of the speaker that sent the path; "" for
	// a path this speaker originated.
	FromPeer string
	// PeerRouterID is the sending speaker's router ID (its model loopback);
	// the zero Addr for a local path.
	PeerRouterID netip.Addr

	OriginatorID netip.Addr   // zero when the attribute is absent
	ClusterList  []netip.Addr // the CLUSTER_LIST, newest first
	LocalPref    uint32       // 0 when the attribute is absent (local paths)
	ASPath       []uint32
	Origin       uint8 // 0 IGP, 1 EGP, 2 incomplete
	MED          uint32
	// SiteOfOrigin is the Site of Origin extended community, zero if none.
	SiteOfOrigin vrf.RouteTarget

	// Best is GoBGP's choice. Its last tie-break compares neighbour
	// addresses, which are random 127.x.y.z socket addresses: a caller
	// that runs its own decision must not rely on Best where two paths
	// tie down to the router ID.
	Best bool

	// wire is the path as GoBGP listed it (NLRI and attributes in wire
	// form), kept by AdjRIBInVPNv4 so that Reflect can send it on unchanged.
	wire *wirePath
}

// compareVPNPaths orders paths as every VPN-IPv4 listing is sorted: by RD,
// prefix and sending speaker (local paths, FromPeer "", first).
func compareVPNPaths(a, b VPNPath) int {
	return cmp.Or(a.RD.Compare(b.RD), a.Prefix.Addr().Compare(b.Prefix.Addr()),
		cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()), cmp.Compare(a.FromPeer, b.FromPeer))
}

// wirePath is a path in wire form: its NLRI and its attributes, each
// whole (flags, type, length, value).
type wirePath struct {
	nlri  []byte
	attrs [][]byte
}

// HasCluster reports whether id is in the path's CLUSTER_LIST.
func (p VPNPath) HasCluster(id netip.Addr) bool { return slices.Contains(p.ClusterList, id) }

// IPv4Path is one IPv4 unicast path in a speaker's RIB.
type IPv4Path struct {
	Prefix   netip.Prefix
	NextHop  netip.Addr
	FromPeer string // "" for a local path
	ASPath   []uint32
	Origin   uint8
	Best     bool
}

func (r VPNRoute) check() error {
	if r.RD.Type() > 2 {
		return fmt.Errorf("route distinguisher type %d is not 0, 1 or 2", r.RD.Type())
	}
	if !r.Prefix.IsValid() || !r.Prefix.Addr().Is4() {
		return fmt.Errorf("prefix %v is not an IPv4 prefix", r.Prefix)
	}
	if r.Label > MaxLabel {
		return fmt.Errorf("label %d does not fit in 20 bits (0 to %d)", r.Label, MaxLabel)
	}
	if !r.NextHop.Is4() {
		return fmt.Errorf("next hop %v is not an IPv4 address", r.NextHop)
	}
	for _, rt := range r.RouteTargets {
		if rt.Type() > 2 || rt[1] != 0x02 {
			return fmt.Errorf("route target % x is not a route target extended community", rt[:])
		}
	}
	if r.SiteOfOrigin != (vrf.RouteTarget{}) && (r.SiteOfOrigin.Type() > 2 || r.SiteOfOrigin[1] != 0x03) {
		return fmt.Errorf("site of origin % x is not a site of origin extended community", r.SiteOfOrigin[:])
	}
	if r.Origin > 2 {
		return fmt.Errorf("origin %d is not 0 (IGP), 1 (EGP) or 2 (incomplete)", r.Origin)
	}
	return nil
}

// pathAttrs are the attributes every originated path starts with: ORIGIN,
// AS_PATH (one AS_SEQUENCE, or none when empty: GoBGP adds an empty one
// over iBGP and the speaker's AS over eBGP), MED and LOCAL_PREF when set.
func pathAttrs(origin uint8, asPath []uint32, med, localPref uint32) []bgp.PathAttributeInterface {
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(origin)}
	if len(asPath) > 0 {
		attrs = append(attrs, bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{
			bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, slices.Clone(asPath))}))
	}
	if med != 0 {
		attrs = append(attrs, bgp.NewPathAttributeMultiExitDisc(med))
	}
	if localPref != 0 {
		attrs = append(attrs, bgp.NewPathAttributeLocalPref(localPref))
	}
	return attrs
}

func vpnNLRI(rd vrf.RD, p netip.Prefix, label mpls.Label) *bgp.LabeledVPNIPAddrPrefix {
	p = p.Masked()
	return bgp.NewLabeledVPNIPAddrPrefix(uint8(p.Bits()), p.Addr().String(),
		*bgp.NewMPLSLabelStack(uint32(label)), bgp.GetRouteDistinguisher(rd[:]))
}

func ipv4NLRI(p netip.Prefix) *bgp.IPAddrPrefix {
	p = p.Masked()
	return bgp.NewIPAddrPrefix(uint8(p.Bits()), p.Addr().String())
}

// apiPath wraps an NLRI and its attributes in GoBGP's API form, in binary
// (no protobuf Any round trip).
func apiPath(fam Family, nlri bgp.AddrPrefixInterface, attrs []bgp.PathAttributeInterface) (*api.Path, error) {
	nb, err := nlri.Serialize()
	if err != nil {
		return nil, err
	}
	p := &api.Path{Family: fam.api(), NlriBinary: nb}
	for _, a := range attrs {
		b, err := a.Serialize()
		if err != nil {
			return nil, err
		}
		p.PattrsBinary = append(p.PattrsBinary, b)
	}
	return p, nil
}

func vpnAPIPath(r VPNRoute) (*api.Path, error) {
	nlri := vpnNLRI(r.RD, r.Prefix, r.Label)
	attrs := append(pathAttrs(r.Origin, r.ASPath, r.MED, r.LocalPref),
		bgp.NewPathAttributeMpReachNLRI(r.NextHop.String(), []bgp.AddrPrefixInterface{nlri}))
	rts := sortedRTs(r.RouteTargets)
	if r.SiteOfOrigin != (vrf.RouteTarget{}) {
		rts = append(rts, r.SiteOfOrigin)
	}
	if len(rts) > 0 {
		ecs := make([]bgp.ExtendedCommunityInterface, 0, len(rts))
		for _, rt := range rts {
			ec, err := bgp.ParseExtended(rt[:])
			if err != nil {
				return nil, err
			}
			ecs = append(ecs, ec)
		}
		attrs = append(attrs, bgp.NewPathAttributeExtendedCommunities(ecs))
	}
	return apiPath(VPNv4, nlri, attrs)
}

func ipv4APIPath(r IPv4Route) (*api.Path, error) {
	return apiPath(IPv4Unicast, ipv4NLRI(r.Prefix),
		append(pathAttrs(r.Origin, r.ASPath, 0, 0), bgp.NewPathAttributeNextHop(r.NextHop.String())))
}

func sortedRTs(in []vrf.RouteTarget) []vrf.RouteTarget {
	out := slices.Clone(in)
	slices.SortFunc(out, vrf.RouteTarget.Compare)
	return slices.Compact(out)
}

// decoded is a path read back from GoBGP in native form.
type decoded struct {
	nlri  bgp.AddrPrefixInterface
	attrs []bgp.PathAttributeInterface
	src   *api.Path
}

func addrOf(ip net.IP) netip.Addr {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Addr{}
	}
	return a.Unmap()
}

// nextHop is the path's next hop, from MP_REACH_NLRI or NEXT_HOP.
func (d decoded) nextHop() netip.Addr {
	for _, a := range d.attrs {
		switch a := a.(type) {
		case *bgp.PathAttributeMpReachNLRI:
			return addrOf(a.Nexthop)
		case *bgp.PathAttributeNextHop:
			return addrOf(a.Value)
		}
	}
	return netip.Addr{}
}

// extCommunities are the path's route targets (subtype 0x02, sorted, each
// once) and its first Site of Origin (subtype 0x03; zero if none), of
// types 0x00, 0x01 and 0x02 (RFC 4360, RFC 5668).
func (d decoded) extCommunities() (rts []vrf.RouteTarget, soo vrf.RouteTarget) {
	for _, a := range d.attrs {
		ec, ok := a.(*bgp.PathAttributeExtendedCommunities)
		if !ok {
			continue
		}
		for _, c := range ec.Value {
			b, err := c.Serialize()
			if err != nil || len(b) != 8 || b[0] > 2 {
				continue
			}
			switch {
			case b[1] == 0x02:
				rts = append(rts, vrf.RouteTarget(b))
			case b[1] == 0x03 && soo == (vrf.RouteTarget{}):
				soo = vrf.RouteTarget(b)
			}
		}
	}
	return sortedRTs(rts), soo
}

func (d decoded) asPath() []uint32 {
	var out []uint32
	for _, a := range d.attrs {
		if ap, ok := a.(*bgp.PathAttributeAsPath); ok {
			for _, seg := range ap.Value {
				out = append(out, seg.GetAS()...)
			}
		}
	}
	return out
}

func prefixOf(addr net.IP, bits uint8) netip.Prefix {
	return netip.PrefixFrom(addrOf(addr), int(bits))
}

func (d decoded) vpn() (VPNPath, error) {
	n, ok := d.nlri.(*bgp.LabeledVPNIPAddrPrefix)
	if !ok {
		return VPNPath{}, fmt.Errorf("not a VPN-IPv4 NLRI: %s", d.nlri)
	}
	var v VPNPath
	rdb, err := n.RD.Serialize()
	if err != nil || len(rdb) != 8 {
		return VPNPath{}, fmt.Errorf("route distinguisher of %s: %v", d.nlri, err)
	}
	v.RD = vrf.RD(rdb)
	v.Prefix = prefixOf(n.Prefix, n.IPPrefixLen())
	if len(n.Labels.Labels) > 0 {
		v.Label = mpls.Label(n.Labels.Labels[0])
	}
	v.NextHop = d.nextHop()
	v.RouteTargets, v.SiteOfOrigin = d.extCommunities()
	v.ASPath = d.asPath()
	for _, a := range d.attrs {
		switch a := a.(type) {
		case *bgp.PathAttributeOriginatorId:
			v.OriginatorID = addrOf(a.Value)
		case *bgp.PathAttributeClusterList:
			for _, id := range a.Value {
				v.ClusterList = append(v.ClusterList, addrOf(id))
			}
		case *bgp.PathAttributeLocalPref:
			v.LocalPref = a.Value
		case *bgp.PathAttributeOrigin:
			v.Origin = a.Value
		case *bgp.PathAttributeMultiExitDisc:
			v.MED = a.Value
		}
	}
	v.Best = d.src.Best
	return v, nil
}

func (d decoded) ipv4() (IPv4Path, error) {
	n, ok := d.nlri.(*bgp.IPAddrPrefix)
	if !ok {
		return IPv4Path{}, fmt.Errorf("not an IPv4 unicast NLRI: %s", d.nlri)
	}
	v := IPv4Path{
		Prefix:  prefixOf(n.Prefix, n.Length),
		NextHop: d.nextHop(),
		ASPath:  d.asPath(),
		Best:    d.src.Best,
	}
	for _, a := range d.attrs {
		if o, ok := a.(*bgp.PathAttributeOrigin); ok {
			v.Origin = o.Value
		}
	}
	return v, nil
}

// nlriName renders an NLRI in wire form the way GoBGP prints it
// ("65000:1:10.1.0.0/24").
func nlriName(fam Family, b []byte) (string, error) {
	afi, safi := fam.api().Afi, fam.api().Safi
	n, err := bgp.NewPrefixFromRouteFamily(uint16(afi), uint8(safi))
	if err != nil {
		return "", err
	}
	if err := n.DecodeFromBytes(b); err != nil {
		return "", err
	}
	return n.String(), nil
}
