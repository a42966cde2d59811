package bgp

import (
	"encoding/binary"
	"reflect"
	"testing"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// gobgpVPN decodes a path with GoBGP's own decoder, the reference for
// vpnFromWire.
func gobgpVPN(nlri []byte, attrs [][]byte) (VPNPath, error) {
	d, err := decode(&api.Path{Family: VPNv4.api(), NlriBinary: nlri, PattrsBinary: attrs})
	if err != nil {
		return VPNPath{}, err
	}
	return d.vpn()
}

func attrBytes(t testing.TB, attrs ...bgp.PathAttributeInterface) [][]byte {
	t.Helper()
	var out [][]byte
	for _, a := range attrs {
		b, err := a.Serialize()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestVPNFromWire: the paths a network of speakers really holds (local,
// received from a reflector with ORIGINATOR_ID, CLUSTER_LIST and
// LOCAL_PREF, several route targets) are decoded without GoBGP's decoder
// and exactly as it decodes them; what the lean decoder does not handle
// is handed back.
func TestVPNFromWire(t *testing.T) {
	f := newTestFabric(t)
	rr, pe1, pe2 := reflected(t, f)
	upWithRoute1(t, f, pe1)
	seen := 0
	for _, sp := range []*Speaker{pe1, rr, pe2} {
		err := sp.listPath(&api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: VPNv4.api(), EnableOnlyBinary: true}, func(d *api.Destination) {
			for _, p := range d.Paths {
				seen++
				got, ok := vpnFromWire(p.NlriBinary, p.PattrsBinary)
				if !ok {
					t.Errorf("%s: a path of the simulator's own was handed to GoBGP's decoder", sp.Name())
					continue
				}
				want, err := gobgpVPN(p.NlriBinary, p.PattrsBinary)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %+v\nwant %+v", sp.Name(), got, want)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen != 3 {
		t.Errorf("compared %d paths, want 3", seen)
	}

	nlri := func(labels ...uint32) []byte {
		b, err := bgp.NewLabeledVPNIPAddrPrefix(24, "10.1.0.0", *bgp.NewMPLSLabelStack(labels...), bgp.NewRouteDistinguisherTwoOctetAS(65000, 1)).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	origin := bgp.NewPathAttributeOrigin(0)
	for _, c := range []struct {
		name  string
		nlri  []byte
		attrs [][]byte
	}{
		{"label stack", nlri(100, 200), attrBytes(t, origin)},
		{"AS_PATH with members", nlri(100), attrBytes(t, origin, bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{65001, 65002})}))},
		{"IPv6 next hop", nlri(100), attrBytes(t, origin, bgp.NewPathAttributeMpReachNLRI("2001:db8::1", []bgp.AddrPrefixInterface{bgp.NewLabeledVPNIPAddrPrefix(24, "10.1.0.0", *bgp.NewMPLSLabelStack(100), bgp.NewRouteDistinguisherTwoOctetAS(65000, 1))}))},
		{"short NLRI", nlri(100)[:8], nil},
	} {
		if _, ok := vpnFromWire(c.nlri, c.attrs); ok {
			t.Errorf("%s: decoded, want it handed to GoBGP's decoder", c.name)
		}
	}
}

// FuzzVPNFromWire: on any NLRI and attributes, vpnFromWire either hands
// the path back or agrees with GoBGP's decoder wherever that one decodes.
func FuzzVPNFromWire(f *testing.F) {
	n, _ := bgp.NewLabeledVPNIPAddrPrefix(24, "10.1.0.0", *bgp.NewMPLSLabelStack(100001), bgp.NewRouteDistinguisherTwoOctetAS(65000, 1)).Serialize()
	var attrs []byte
	for _, a := range attrBytes(f, bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeAsPath(nil), bgp.NewPathAttributeLocalPref(100),
		bgp.NewPathAttributeOriginatorId("10.0.0.1"), bgp.NewPathAttributeClusterList([]string{"10.0.0.9"}),
		bgp.NewPathAttributeMultiExitDisc(5), bgp.NewPathAttributeNextHop("10.0.0.7"),
		bgp.NewPathAttributeExtendedCommunities([]bgp.ExtendedCommunityInterface{bgp.NewTwoOctetAsSpecificExtended(bgp.EC_SUBTYPE_ROUTE_TARGET, 65000, 1, true)}),
		bgp.NewPathAttributeMpReachNLRI("10.0.0.1", []bgp.AddrPrefixInterface{bgp.NewLabeledVPNIPAddrPrefix(24, "10.1.0.0", *bgp.NewMPLSLabelStack(100001), bgp.NewRouteDistinguisherTwoOctetAS(65000, 1))})) {
		attrs = append(attrs, a...)
	}
	f.Add(n, attrs)
	f.Add(n[:5], attrs[:7])
	f.Fuzz(func(t *testing.T, nlri, raw []byte) {
		// Cut raw into attributes by their own headers.
		var attrs [][]byte
		for len(raw) >= 3 {
			hdr, l := 3, int(raw[2])
			if raw[0]&0x10 != 0 && len(raw) >= 4 {
				hdr, l = 4, int(binary.BigEndian.Uint16(raw[2:4]))
			}
			end := min(hdr+l, len(raw))
			attrs = append(attrs, raw[:end])
			raw = raw[end:]
		}
		got, ok := vpnFromWire(nlri, attrs)
		if !ok {
			return
		}
		want, err := gobgpVPN(nlri, attrs)
		if err != nil {
			return // GoBGP never holds such a path
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("nlri % x attrs % x:\n got %+v\nwant %+v", nlri, attrs, got, want)
		}
	})
}
