package bgp

import (
	"encoding/binary"
	"fmt"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Settle markers: how Settled knows that no speaker has anything left to
// process or to send, without listing a single RIB.
//
// Every session of the fabric carries, beside its own family, GoBGP's
// opaque key-value family (AFI 16397, SAFI 241), which nothing else uses.
// In it each speaker originates one path, its marker, whose value is a
// sequence number; Settled bumps the number with an AddPath. GoBGP queues
// the new marker to every neighbour behind whatever it had already decided
// to send, and the receiver's main loop handles it after every UPDATE that
// came before it on the session. So once a receiver's Adj-RIB-In holds
// marker n from a sender, the sender's queue toward it, as it stood when
// marker n was added, has been written, and the receiver has handled all
// of it. Every speaker rejects the markers it receives (an import policy,
// first of all), so they never reach a Loc-RIB and are never passed on;
// every speaker accepts its own toward any neighbour (an export policy,
// first of all, ahead of the route-target filters).
//
// A marker round adds marker n on every speaker and waits until every
// receiver holds it from every sender. Two complete rounds in a row
// during which no relay forwarded anything but markers, and nothing local
// changed, mean the network is quiet: by the end of the first round each
// speaker had handled everything sent to it before the round began; any
// output that produced was queued before the second round's marker, and
// would have crossed a relay before the second round completed. See
// Settled.

const (
	markerAFI   = bgp.AFI_OPAQUE
	markerSAFI  = bgp.SAFI_KEY_VALUE
	markerKey   = "vpnsim-settle"
	markerIn    = "vpnsim-marker-in"
	markerOut   = "vpnsim-marker-out"
	markerValue = 8 // bytes: the sequence number, big-endian
)

var markerFamily = &api.Family{Afi: api.Family_AFI_OPAQUE, Safi: api.Family_SAFI_KEY_VALUE}

// markerPolicies installs the two policies every speaker starts with: its
// import rejects markers, its export accepts its own. They come first in
// the global assignments: route-target filters and the reflectors' import
// policy are appended after them.
func (sp *Speaker) markerPolicies() error {
	isMarker := func() *api.Conditions { return &api.Conditions{AfiSafiIn: []*api.Family{markerFamily}} }
	local := isMarker()
	local.RouteType = api.Conditions_ROUTE_TYPE_LOCAL
	accept := &api.Actions{RouteAction: api.RouteAction_ACCEPT}
	for _, p := range []struct {
		name  string
		dir   api.PolicyDirection
		stmts []*api.Statement
	}{
		// GoBGP runs the import policy on local paths too.
		{markerIn, api.PolicyDirection_IMPORT, []*api.Statement{
			{Name: markerIn + "-own", Conditions: local, Actions: accept},
			{Name: markerIn, Conditions: isMarker(), Actions: &api.Actions{RouteAction: api.RouteAction_REJECT}},
		}},
		{markerOut, api.PolicyDirection_EXPORT, []*api.Statement{
			{Name: markerOut, Conditions: isMarker(), Actions: accept},
		}},
	} {
		if err := sp.addPolicy(p.dir, &api.Policy{Name: p.name, Statements: p.stmts}); err != nil {
			return err
		}
	}
	return nil
}

// sendMarker replaces the speaker's marker with sequence number seq. It
// returns once GoBGP's main loop has queued it to every neighbour.
func (sp *Speaker) sendMarker(seq uint64) error {
	v := binary.BigEndian.AppendUint64(nil, seq)
	nlri := bgp.NewOpaqueNLRI([]byte(markerKey), v)
	nb, err := nlri.Serialize()
	if err != nil {
		return err
	}
	var attrs [][]byte
	for _, a := range []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(bgp.BGP_ORIGIN_ATTR_TYPE_IGP),
		bgp.NewPathAttributeMpReachNLRI("0.0.0.0", []bgp.AddrPrefixInterface{nlri}),
	} {
		b, err := a.Serialize()
		if err != nil {
			return err
		}
		attrs = append(attrs, b)
	}
	p := &api.Path{Family: markerFamily, NlriBinary: nb, PattrsBinary: attrs}
	if err := sp.addPathQuietly(p); err != nil {
		return fmt.Errorf("speaker %s: adding its settle marker: %w", sp.cfg.Name, err)
	}
	return nil
}

// markerFrom returns the sequence number of the marker the speaker holds
// from peer, 0 if none.
func (sp *Speaker) markerFrom(peer *Speaker) (uint64, error) {
	var seq uint64
	var bad error
	err := sp.listPath(&api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: peer.addr.String(), Family: markerFamily, EnableOnlyBinary: true}, func(dst *api.Destination) {
		for _, p := range dst.Paths {
			var n bgp.OpaqueNLRI
			if err := n.DecodeFromBytes(p.NlriBinary); err != nil || string(n.Key) != markerKey || len(n.Value) != markerValue {
				bad = fmt.Errorf("a settle marker it cannot read (% x)", p.NlriBinary)
				continue
			}
			seq = max(seq, binary.BigEndian.Uint64(n.Value))
		}
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return 0, fmt.Errorf("speaker %s: reading the settle marker from %s: %w", sp.cfg.Name, peer.cfg.Name, err)
	}
	return seq, nil
}

// isMarkerUpdate tells whether msg, a whole UPDATE message, carries the
// marker family: its MP_REACH_NLRI or MP_UNREACH_NLRI has AFI 16397 (GoBGP
// never puts two families in one UPDATE). Anything malformed is not a
// marker: it is GoBGP's to judge.
func isMarkerUpdate(msg []byte) bool {
	b, ok := updateAttrs(msg)
	for ok && len(b) > 0 {
		var typ byte
		var v []byte
		if _, typ, v, b, ok = nextAttr(b); !ok {
			return false
		}
		if typ == mpReachNLRI || typ == mpUnreachNLRI {
			return isMarkerFamily(v)
		}
	}
	return false
}

// isMarkerFamily reports whether v, the value of an MP_REACH_NLRI or
// MP_UNREACH_NLRI attribute, is of the settle markers' family.
func isMarkerFamily(v []byte) bool {
	return len(v) >= 3 && binary.BigEndian.Uint16(v) == markerAFI && v[2] == markerSAFI
}
