package bgp

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/vrf"
)

// EVPN (RFC 7432) over the same iBGP sessions as VPNv4: a session with
// SessionConfig.EVPN also carries l2vpn-evpn (AFI 25, SAFI 70). A PE
// originates and withdraws EVPN routes with AddEVPN and DeleteEVPN and
// reads its table with EVPNPaths. Three route types are built:
//
//   - type 1, Ethernet A-D per EVI, as EVPN VPWS uses it (RFC 8214
//     section 3): ESI (zero when single-homed), the Ethernet Tag as the
//     VPWS service instance ID, one MPLS label; optionally the EVPN Layer 2
//     Attributes extended community (RFC 8214 section 3.1);
//   - type 2, MAC/IP advertisement (RFC 7432 section 7.2): ESI, Ethernet
//     Tag, MAC (length 48), IP (length 0, 32 or 128), MPLS Label1;
//   - type 3, inclusive multicast Ethernet tag (RFC 7432 section 7.3):
//     Ethernet Tag and the originating router's IP (length 32), with the
//     PMSI Tunnel attribute (RFC 6514 section 5; RFC 7432 section 11.2)
//     of tunnel type 6, ingress replication, whose tunnel identifier is
//     the originating router's IP and whose label is the one the PE
//     expects on flooded frames.
//
// Labels are 3-octet fields whose high-order 20 bits carry the label
// (RFC 7432 section 7, RFC 6514 section 5). GoBGP's constructors write the
// 24-bit value they are given, so the label is shifted here; in the NLRI
// the bottom-of-stack bit is set, as in a VPN-IPv4 NLRI (RFC 8277 section
// 2) and as IOS XR and Junos send it; in the PMSI Tunnel attribute the low
// four bits are zero. Reading ignores the low four bits either way.
//
// Route reflectors reflect EVPN as GoBGP's ordinary route reflection does:
// a reflector whose VPNv4 decision the caller makes (SpeakerConfig.Decides)
// rejects received VPNv4 paths only (its import policy matches that family
// alone), so EVPN paths enter its Loc-RIB and GoBGP reflects them with
// ORIGINATOR_ID and CLUSTER_LIST, next hop unchanged. Route-target filters
// (SessionConfig.AImports, BImports) apply to EVPN paths as to VPNv4 ones,
// as RFC 4684's route-target constraint does for every VPN family: a
// filtered neighbour receives the EVPN paths carrying one of its route
// targets and no other. So the import list must name the EVPN instances'
// import targets as well as the VRFs'.
//
// GoBGP itself adds the MAC Mobility extended community (RFC 7432 section
// 15, sequence number) to a type 2 route a speaker originates for a MAC it
// already holds from another PE with the same route target; EVPNPath
// reports it (MACMobility).

// L2VPNEVPN is l2vpn-evpn (AFI 25, SAFI 70): EVPN routes between PEs and
// route reflectors, carried beside VPNv4 on a session with
// SessionConfig.EVPN.
const L2VPNEVPN Family = IPv4Unicast + 1

// EVPN route types built (RFC 7432 section 7).
const (
	EVPNEthernetAD         uint8 = 1 // Ethernet A-D per EVI (EVPN VPWS, RFC 8214)
	EVPNMACIP              uint8 = 2 // MAC/IP advertisement
	EVPNInclusiveMulticast uint8 = 3 // inclusive multicast Ethernet tag
)

// EVPNRoute is an EVPN route a PE originates or receives.
type EVPNRoute struct {
	// Type is 1 (Ethernet A-D per EVI, EVPN VPWS), 2 (MAC/IP advertisement)
	// or 3 (inclusive multicast Ethernet tag).
	Type uint8
	RD   vrf.RD
	// ESI is the Ethernet Segment Identifier, type octet first; zero when
	// single-homed. Types 1 and 2 only.
	ESI [10]byte
	// EthernetTag is 0 for a VLAN-based E-LAN; the VPWS service instance
	// ID on type 1.
	EthernetTag uint32
	MAC         [6]byte    // type 2
	IP          netip.Addr // type 2, optional (the zero Addr: none); IPv4 or IPv6
	// Label is the MPLS label of types 1 and 2, and on type 3 the PMSI
	// Tunnel attribute's label (ingress replication, tunnel ID NextHop).
	// 0 to MaxLabel.
	Label mpls.Label
	// NextHop is the originating PE's loopback; type 3 also uses it as the
	// originating router's IP and the tunnel identifier.
	NextHop      netip.Addr
	RouteTargets []vrf.RouteTarget // sorted by wire bytes, duplicates removed, when read
	// L2Attrs, on type 1, sends the EVPN Layer 2 Attributes extended
	// community (RFC 8214 section 3.1); nil sends none (and reads none).
	L2Attrs *L2Attributes
}

// L2Attributes is the EVPN Layer 2 Attributes extended community (type
// 0x06, subtype 0x04, RFC 8214 section 3.1): control flags and the
// attachment circuit's MTU (0: not checked).
type L2Attributes struct {
	Primary     bool // P: the PE is the primary PE for the service (set when single-homed)
	Backup      bool // B: the PE is the backup PE
	ControlWord bool // C: the PE expects the control word on frames it receives
	MTU         uint16
}

// EVPNPath is one EVPN path in a speaker's table.
type EVPNPath struct {
	EVPNRoute
	// From is the model name of the speaker that sent the path; "" for a
	// path this speaker originated.
	From string
	// PeerRouterID is the sending speaker's router ID (its model
	// loopback); the zero Addr for a local path.
	PeerRouterID netip.Addr

	OriginatorID netip.Addr   // zero when the attribute is absent
	ClusterList  []netip.Addr // the CLUSTER_LIST, newest first
	LocalPref    uint32       // 0 when the attribute is absent (local paths)
	// PMSITunnelType is the PMSI Tunnel attribute's tunnel type (6:
	// ingress replication), 0 when the path has none.
	PMSITunnelType uint8
	// MACMobility is the MAC Mobility extended community's sequence
	// number (RFC 7432 section 7.7), HasMACMobility whether there is one.
	MACMobility    uint32
	HasMACMobility bool
	// Best is GoBGP's choice (see VPNPath.Best).
	Best bool
}

func (r EVPNRoute) check() error {
	switch r.Type {
	case EVPNEthernetAD, EVPNMACIP, EVPNInclusiveMulticast:
	default:
		return fmt.Errorf("route type %d is not 1 (Ethernet A-D), 2 (MAC/IP) or 3 (inclusive multicast)", r.Type)
	}
	if r.RD.Type() > 2 {
		return fmt.Errorf("route distinguisher type %d is not 0, 1 or 2", r.RD.Type())
	}
	if r.Label > MaxLabel {
		return fmt.Errorf("label %d does not fit in 20 bits (0 to %d)", r.Label, MaxLabel)
	}
	if !r.NextHop.Is4() || r.NextHop.IsUnspecified() {
		return fmt.Errorf("next hop %v is not a non-zero IPv4 address", r.NextHop)
	}
	if r.IP.IsValid() && (r.Type != EVPNMACIP || r.IP.Zone() != "") {
		return fmt.Errorf("an IP address (%v) belongs on a type 2 route only, without a zone", r.IP)
	}
	if r.IP.Is4In6() {
		return fmt.Errorf("IP address %v is IPv4-mapped: give the IPv4 address (GoBGP would send it as one)", r.IP)
	}
	if r.ESI != ([10]byte{}) && r.Type == EVPNInclusiveMulticast {
		return fmt.Errorf("an inclusive multicast route has no ESI")
	}
	switch r.ESI[0] {
	case 0, 3:
	case 1, 2, 4, 5:
		// RFC 7432 section 5: these end with a zero octet (GoBGP refuses
		// the route otherwise).
		if r.ESI[9] != 0 {
			return fmt.Errorf("ESI type %d must end with a zero octet (RFC 7432 section 5)", r.ESI[0])
		}
	default:
		return fmt.Errorf("ESI type %d is not 0 to 5 (RFC 7432 section 5)", r.ESI[0])
	}
	if r.L2Attrs != nil && r.Type != EVPNEthernetAD {
		return fmt.Errorf("the Layer 2 Attributes extended community belongs on a type 1 route only")
	}
	for _, rt := range r.RouteTargets {
		if rt.Type() > 2 || rt[1] != 0x02 {
			return fmt.Errorf("route target % x is not a route target extended community", rt[:])
		}
	}
	return nil
}

func (r EVPNRoute) String() string {
	switch r.Type {
	case EVPNEthernetAD:
		return fmt.Sprintf("[1][%v][%x][%d]", r.RD, r.ESI, r.EthernetTag)
	case EVPNMACIP:
		return fmt.Sprintf("[2][%v][%d][%v][%v]", r.RD, r.EthernetTag, net.HardwareAddr(r.MAC[:]), r.IP)
	}
	return fmt.Sprintf("[%d][%v][%d][%v]", r.Type, r.RD, r.EthernetTag, r.NextHop)
}

// nlriLabel is a label as a 3-octet NLRI label field carries it: the
// label in the high-order 20 bits, bottom of stack set.
func nlriLabel(l mpls.Label) uint32 { return uint32(l)<<4 | 1 }

// evpnNLRI builds the route's NLRI with GoBGP's constructors.
func evpnNLRI(r EVPNRoute) *bgp.EVPNNLRI {
	rd := bgp.GetRouteDistinguisher(r.RD[:])
	esi := bgp.EthernetSegmentIdentifier{Type: bgp.ESIType(r.ESI[0]), Value: slices.Clone(r.ESI[1:])}
	switch r.Type {
	case EVPNEthernetAD:
		return bgp.NewEVPNEthernetAutoDiscoveryRoute(rd, esi, r.EthernetTag, nlriLabel(r.Label))
	case EVPNMACIP:
		ip := ""
		if r.IP.IsValid() {
			ip = r.IP.String()
		}
		return bgp.NewEVPNMacIPAdvertisementRoute(rd, esi, r.EthernetTag, net.HardwareAddr(r.MAC[:]).String(), ip, []uint32{nlriLabel(r.Label)})
	}
	return bgp.NewEVPNMulticastEthernetTagRoute(rd, r.EthernetTag, r.NextHop.String())
}

func evpnAPIPath(r EVPNRoute) (*api.Path, error) {
	nlri := evpnNLRI(r)
	attrs := append(pathAttrs(0, nil, 0, 0),
		bgp.NewPathAttributeMpReachNLRI(r.NextHop.String(), []bgp.AddrPrefixInterface{nlri}))
	if r.Type == EVPNInclusiveMulticast {
		attrs = append(attrs, bgp.NewPathAttributePmsiTunnel(bgp.PMSI_TUNNEL_TYPE_INGRESS_REPL, false,
			uint32(r.Label)<<4, bgp.NewIngressReplTunnelID(r.NextHop.String())))
	}
	var ecs []bgp.ExtendedCommunityInterface
	for _, rt := range sortedRTs(r.RouteTargets) {
		ec, err := bgp.ParseExtended(rt[:])
		if err != nil {
			return nil, err
		}
		ecs = append(ecs, ec)
	}
	if a := r.L2Attrs; a != nil {
		var flags uint16
		if a.Backup {
			flags |= 1
		}
		if a.Primary {
			flags |= 2
		}
		if a.ControlWord {
			flags |= 4
		}
		b := [8]byte{0x06, 0x04}
		binary.BigEndian.PutUint16(b[2:], flags)
		binary.BigEndian.PutUint16(b[4:], a.MTU)
		ec, err := bgp.ParseExtended(b[:])
		if err != nil {
			return nil, err
		}
		ecs = append(ecs, ec)
	}
	if len(ecs) > 0 {
		attrs = append(attrs, bgp.NewPathAttributeExtendedCommunities(ecs))
	}
	return apiPath(L2VPNEVPN, nlri, attrs)
}

// AddEVPN originates EVPN routes (or replaces the routes with the same
// NLRI): ORIGIN IGP, the next hop in MP_REACH_NLRI, the route targets as
// extended communities; on type 3 the PMSI Tunnel attribute.
func (sp *Speaker) AddEVPN(routes ...EVPNRoute) error {
	paths := make([]*api.Path, 0, len(routes))
	for _, r := range routes {
		if err := r.check(); err != nil {
			return fmt.Errorf("speaker %s: EVPN route %v: %w", sp.cfg.Name, r, err)
		}
		p, err := evpnAPIPath(r)
		if err != nil {
			return fmt.Errorf("speaker %s: EVPN route %v: %w", sp.cfg.Name, r, err)
		}
		paths = append(paths, p)
	}
	if err := sp.addPaths(paths, false); err != nil {
		return fmt.Errorf("speaker %s: adding EVPN routes: %w", sp.cfg.Name, err)
	}
	return nil
}

// DeleteEVPN withdraws locally originated EVPN routes by their NLRI: the
// type, RD, ESI (type 1), Ethernet Tag, MAC and IP (type 2) and, on type 3,
// the originating router's IP (NextHop) identify a route; the label and
// route targets are not looked at. Withdrawing a route that is not there
// does nothing.
func (sp *Speaker) DeleteEVPN(routes ...EVPNRoute) error {
	paths := make([]*api.Path, 0, len(routes))
	for _, r := range routes {
		r.RouteTargets, r.L2Attrs = nil, nil
		if r.Type != EVPNInclusiveMulticast && !r.NextHop.IsValid() {
			r.NextHop = netip.AddrFrom4([4]byte{0, 0, 0, 1}) // not part of the NLRI
		}
		if err := r.check(); err != nil {
			return fmt.Errorf("speaker %s: EVPN route %v: %w", sp.cfg.Name, r, err)
		}
		p, err := apiPath(L2VPNEVPN, evpnNLRI(r), nil)
		if err != nil {
			return fmt.Errorf("speaker %s: withdrawing EVPN route %v: %w", sp.cfg.Name, r, err)
		}
		paths = append(paths, p)
	}
	if err := sp.addPaths(paths, true); err != nil {
		return fmt.Errorf("speaker %s: withdrawing EVPN routes: %w", sp.cfg.Name, err)
	}
	return nil
}

// EVPNPaths returns every EVPN path in the speaker's table (its Loc-RIB),
// best or not, as VPNv4Paths does, sorted by type, RD, ESI, Ethernet Tag,
// MAC, IP, next hop and sending speaker (local paths first).
func (sp *Speaker) EVPNPaths() ([]EVPNPath, error) {
	var out []EVPNPath
	err := sp.rib(L2VPNEVPN, func(p *api.Path, from string) error {
		v, err := evpnPath(p.NlriBinary, p.PattrsBinary)
		if err != nil {
			return err
		}
		v.Best = p.Best
		if from != "" {
			v.From = from
			v.PeerRouterID, _ = netip.ParseAddr(p.SourceId)
		}
		out = append(out, v)
		return nil
	})
	slices.SortFunc(out, compareEVPN)
	return out, err
}

func compareEVPN(a, b EVPNPath) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), a.RD.Compare(b.RD), bytes.Compare(a.ESI[:], b.ESI[:]),
		cmp.Compare(a.EthernetTag, b.EthernetTag), bytes.Compare(a.MAC[:], b.MAC[:]), a.IP.Compare(b.IP),
		a.NextHop.Compare(b.NextHop), cmp.Compare(a.From, b.From))
}

// evpnPath reads an EVPN path from its NLRI and attributes in wire form:
// the NLRI by evpnFromWire, the attributes by GoBGP's decoders.
func evpnPath(nlri []byte, pattrs [][]byte) (EVPNPath, error) {
	r, err := evpnFromWire(nlri)
	if err != nil {
		return EVPNPath{}, err
	}
	v := EVPNPath{EVPNRoute: r}
	d := decoded{}
	for _, b := range pattrs {
		a, err := bgp.GetPathAttribute(b)
		if err == nil {
			err = a.DecodeFromBytes(b)
		}
		if err != nil {
			return EVPNPath{}, fmt.Errorf("EVPN route %v: attribute % x: %w", r, b, err)
		}
		d.attrs = append(d.attrs, a)
	}
	if nh := d.nextHop(); nh.IsValid() {
		v.NextHop = nh // on type 3, the NLRI's originating router's IP otherwise
	}
	v.RouteTargets, _ = d.extCommunities()
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
		case *bgp.PathAttributePmsiTunnel:
			v.PMSITunnelType = uint8(a.TunnelType)
			if v.Type == EVPNInclusiveMulticast {
				v.Label = mpls.Label(a.Label >> 4)
			}
		case *bgp.PathAttributeExtendedCommunities:
			for _, c := range a.Value {
				b, err := c.Serialize()
				if err != nil || len(b) != 8 || b[0] != 0x06 {
					continue
				}
				switch b[1] {
				case 0x00: // MAC Mobility, RFC 7432 section 7.7
					if !v.HasMACMobility {
						v.MACMobility, v.HasMACMobility = binary.BigEndian.Uint32(b[4:]), true
					}
				case 0x04: // Layer 2 Attributes, RFC 8214 section 3.1
					if v.L2Attrs == nil {
						f := binary.BigEndian.Uint16(b[2:])
						v.L2Attrs = &L2Attributes{Backup: f&1 != 0, Primary: f&2 != 0, ControlWord: f&4 != 0,
							MTU: binary.BigEndian.Uint16(b[4:])}
					}
				}
			}
		}
	}
	return v, nil
}

// evpnFromWire decodes an EVPN NLRI of type 1, 2 or 3 (RFC 7432 section
// 7): every length is checked (GoBGP's own decoder indexes past the end
// of a short MAC/IP route), and the route must fill the NLRI exactly.
// Labels are read from the high-order 20 bits. For type 3 the originating
// router's IP is NextHop (an IPv4 address; IPv6 is refused), and the label
// is the PMSI Tunnel attribute's, read by evpnPath.
func evpnFromWire(b []byte) (EVPNRoute, error) {
	bad := func(format string, args ...any) (EVPNRoute, error) {
		return EVPNRoute{}, fmt.Errorf("EVPN NLRI % x: "+format, append([]any{b}, args...)...)
	}
	if len(b) < 2 || len(b) != 2+int(b[1]) {
		return bad("length does not match")
	}
	var r EVPNRoute
	r.Type = b[0]
	d := b[2:]
	if len(d) < 8 {
		return bad("too short for a route distinguisher")
	}
	r.RD = vrf.RD(d[:8])
	if r.RD.Type() > 2 {
		return bad("route distinguisher type %d is not 0, 1 or 2", r.RD.Type())
	}
	d = d[8:]
	label := func(x []byte) mpls.Label {
		return mpls.Label((uint32(x[0])<<16 | uint32(x[1])<<8 | uint32(x[2])) >> 4)
	}
	switch r.Type {
	case EVPNEthernetAD:
		if len(d) != 10+4+3 {
			return bad("an Ethernet A-D route is 25 octets after its header, not %d", len(d)+8)
		}
		r.ESI = [10]byte(d[:10])
		r.EthernetTag = binary.BigEndian.Uint32(d[10:14])
		r.Label = label(d[14:17])
	case EVPNMACIP:
		if len(d) < 10+4+1+6+1 || d[14] != 48 {
			return bad("a MAC/IP route needs an ESI, an Ethernet Tag and a 48-bit MAC")
		}
		r.ESI = [10]byte(d[:10])
		r.EthernetTag = binary.BigEndian.Uint32(d[10:14])
		r.MAC = [6]byte(d[15:21])
		ipLen := d[21]
		d = d[22:]
		switch ipLen {
		case 0:
		case 32, 128:
			if len(d) < int(ipLen)/8 {
				return bad("IP address cut short")
			}
			r.IP, _ = netip.AddrFromSlice(d[:ipLen/8])
			d = d[ipLen/8:]
		default:
			return bad("IP address length %d is not 0, 32 or 128", ipLen)
		}
		// MPLS Label1, and Label2 (RFC 7432 section 7.2) which vpnsim
		// neither sends nor reads.
		if len(d) != 3 && len(d) != 6 {
			return bad("%d octets of labels, want 3 or 6", len(d))
		}
		r.Label = label(d)
	case EVPNInclusiveMulticast:
		if len(d) != 4+1+4 || d[4] != 32 {
			return bad("an inclusive multicast route needs an Ethernet Tag and an originating router's IPv4 address")
		}
		r.EthernetTag = binary.BigEndian.Uint32(d[:4])
		r.NextHop = netip.AddrFrom4([4]byte(d[5:9]))
	default:
		return bad("route type %d is not 1, 2 or 3", r.Type)
	}
	return r, nil
}
