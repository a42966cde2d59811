package topologies

import (
	"fmt"
	"net/netip"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/yamlx"
)

// The external-peers key: real BGP routers that join the model. Decoding
// checks each value on its own; checkExternalPeers relates them to the
// nodes and to each other.

type rawPeer struct {
	p *ExternalPeer
	f yamlx.Fields
}

var peerKeys = []yamlx.Key{
	{Name: "name", Required: true},
	{Name: "address", Required: true},
	{Name: "asn"},
	{Name: "peer-of", Required: true},
	{Name: "listen", Required: true},
}

func (ld *loader) decodeExternalPeers(v *yaml.Node) {
	items, _ := ld.d.Seq("external-peers", v)
	for _, it := range items {
		it = yamlx.Deref(it)
		p := &ExternalPeer{}
		if it != nil {
			p.Pos = Pos{it.Line, it.Column}
		}
		f, ok := ld.d.Map(it, "external peer", peerKeys)
		if !ok {
			continue
		}
		rp := &rawPeer{p: p, f: f}
		ld.peers = append(ld.peers, rp)
		if v := f.Value("name"); v != nil {
			p.Name, _ = ld.name("external peer name", v)
		}
		if v := f.Value("address"); v != nil {
			if a, ok := ld.d.Addr("address", v); ok {
				if !a.IsLoopback() {
					ld.d.Errorf(v, "address: %s is not in 127.0.0.0/8; an external peer connects from a loopback address such as 127.0.0.50 (vpnsim opens no socket elsewhere)", a)
				} else {
					p.Address = a
				}
			}
		}
		if v := f.Value("asn"); v != nil {
			x, _ := ld.d.Int("asn", v, 1, MaxASN)
			p.ASN = uint32(x)
		}
		if v := f.Value("peer-of"); v != nil {
			p.PeerOf, _ = ld.d.Str("peer-of", v)
		}
		if v := f.Value("listen"); v != nil {
			p.Listen, _ = ld.listenAddr(v)
		}
	}
}

// listenAddr decodes ADDRESS:PORT in 127.0.0.0/8.
func (ld *loader) listenAddr(v *yaml.Node) (netip.AddrPort, bool) {
	s, ok := ld.d.Str("listen", v)
	if !ok {
		return netip.AddrPort{}, false
	}
	ap, err := netip.ParseAddrPort(s)
	switch {
	case err != nil || !ap.Addr().Is4() || ap.Port() == 0:
		ld.d.Errorf(v, "listen: want ADDRESS:PORT with an IPv4 address and a port from 1 to 65535, e.g. 127.0.0.1:1790, got %q", s)
	case !ap.Addr().IsLoopback():
		ld.d.Errorf(v, "listen: %s is not in 127.0.0.0/8; the simulated router listens on a loopback address only, e.g. 127.0.0.1:1790", ap.Addr())
	default:
		return ap, true
	}
	return netip.AddrPort{}, false
}

// checkExternalPeers checks what relates an external peer to the rest of
// the file: unique names, a reflector or PE to peer with, the provider's
// AS, and one listening socket per peer.
func (ld *loader) checkExternalPeers() {
	names := map[string]*rawPeer{}
	listens := map[netip.AddrPort]*rawPeer{}
	sources := map[[2]string]*rawPeer{} // peer-of and address
	for _, rp := range ld.peers {
		p := rp.p
		if v := rp.f.Value("name"); v != nil && p.Name != "" {
			if n := ld.byName[p.Name]; n != nil {
				ld.d.Errorf(v, "external peer name %s is already a node (line %d); give the external peer a name of its own", p.Name, n.key.Line)
			} else if o := names[p.Name]; o != nil {
				ld.d.Errorf(v, "external peer name %s is already used at line %d; names must be unique", p.Name, o.p.Pos.Line)
			} else {
				names[p.Name] = rp
			}
		}
		if v := rp.f.Value("peer-of"); v != nil && p.PeerOf != "" {
			ld.checkPeerOf(v, p.PeerOf)
		}
		if v := rp.f.Value("asn"); v != nil && p.ASN != 0 && ld.t.Provider.ASN != 0 && p.ASN != ld.t.Provider.ASN {
			ld.d.Errorf(v, "asn: %d is not the provider's AS number; an external peer is an iBGP peer (a route-reflector client, or a PE's iBGP neighbour), so give %d or leave asn out", p.ASN, ld.t.Provider.ASN)
		}
		if v := rp.f.Value("listen"); v != nil && p.Listen.IsValid() {
			if o := listens[p.Listen]; o != nil {
				ld.d.Errorf(v, "listen: %s is already where %s is accepted (line %d); each external peer needs an address and port of its own", p.Listen, o.p.Name, o.p.Pos.Line)
			} else {
				listens[p.Listen] = rp
			}
		}
		if v := rp.f.Value("address"); v != nil && p.Address.IsValid() && p.PeerOf != "" {
			k := [2]string{p.PeerOf, p.Address.String()}
			if o := sources[k]; o != nil {
				ld.d.Errorf(v, "address: %s already peers with %s as %s (line %d); %s tells its external peers apart by their address, so give each its own", p.Address, p.PeerOf, o.p.Name, o.p.Pos.Line, p.PeerOf)
			} else {
				sources[k] = rp
			}
		}
	}
}

func (ld *loader) checkPeerOf(v *yaml.Node, name string) {
	rn := ld.byName[name]
	switch {
	case rn == nil:
		ld.d.Errorf(v, "peer-of: no node named %q in nodes%s", name, yamlx.Hint(name, "nodes", ld.nodeNames()))
	case rn.roleOK && rn.n.Role != RoleRR && rn.n.Role != RolePE:
		ld.d.Errorf(v, "peer-of: %s; an external peer peers with a route reflector (rr) or a PE", describeRole(rn.n))
	}
}

func describeRole(n *Node) string {
	if n.Role == RoleCE {
		return fmt.Sprintf("%s is a CE", n.Name)
	}
	return fmt.Sprintf("%s is a %s router", n.Name, n.Role)
}

// resolveExternalPeers gives each peer the provider's AS when the file
// leaves it out, and publishes the peers.
func (ld *loader) resolveExternalPeers() {
	for _, rp := range ld.peers {
		if rp.p.ASN == 0 {
			rp.p.ASN = ld.t.Provider.ASN
		}
		ld.t.ExternalPeers = append(ld.t.ExternalPeers, rp.p)
	}
}
