package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpnsim/vpnsim/topologies"
)

// Raw is what was read from FRR: per router, per command name, vtysh's
// output. The names and the commands behind them (see Commands):
//
//	igp         show ip route isis json
//	ldp         show mpls ldp binding json
//	vpnv4       show bgp ipv4 vpn rd RD PREFIX json, for every RD and prefix
//	            of show bgp ipv4 vpn json, one JSON object after the other
//	vrf-NAME    show ip route vrf NAME json
type Raw map[string]map[string][]byte

// FRR's JSON, only the parts compared.
type frrRoute struct {
	Protocol string `json:"protocol"`
	Selected bool   `json:"selected"`
	Distance int    `json:"distance"`
	Metric   int    `json:"metric"`
	Nexthops []struct {
		IP            string `json:"ip"`
		InterfaceName string `json:"interfaceName"`
		Active        bool   `json:"active"`
		VRF           string `json:"vrf"`
		Blackhole     bool   `json:"blackhole"`
	} `json:"nexthops"`
}

type frrBinding struct {
	Prefix      string `json:"prefix"`
	NeighborID  string `json:"neighborId"`
	LocalLabel  string `json:"localLabel"`
	RemoteLabel string `json:"remoteLabel"`
	InUse       int    `json:"inUse"`
}

type frrPath struct {
	ASPath struct {
		String string `json:"string"`
	} `json:"aspath"`
	Origin       string                  `json:"origin"`
	Metric       int                     `json:"metric"`
	LocPrf       *int                    `json:"locPrf"`
	Valid        bool                    `json:"valid"`
	Local        bool                    `json:"local"`
	Sourced      bool                    `json:"sourced"`
	BestPath     *struct{ Overall bool } `json:"bestpath"`
	ExtCommunity *struct {
		String string `json:"string"`
	} `json:"extendedCommunity"`
	OriginatorID string `json:"originatorId"`
	ClusterList  *struct {
		List []string `json:"list"`
	} `json:"clusterList"`
	Nexthops []struct {
		IP string `json:"ip"`
	} `json:"nexthops"`
	Peer struct {
		PeerID   string `json:"peerId"`
		RouterID string `json:"routerId"`
	} `json:"peer"`
}

// frrLDPKind names FRR's binding labels as vpnsim's show ldp does.
func frrLDPKind(s string) string {
	switch s {
	case "imp-null":
		return "imp-null"
	case "exp-null":
		return "exp-null"
	case "", "-":
		return ""
	}
	return "label"
}

// FRRFacts reads what FRR said (raw) about topology t as facts, with the
// entries and fields SimFacts gives vpnsim's tables.
func FRRFacts(t *topologies.Topology, raw Raw) (Facts, error) {
	nm := namesOf(t)
	f := Facts{}
	for _, n := range t.Nodes {
		r := raw[n.Name]
		if provider(n) {
			if err := frrIGP(f, nm, n, r["igp"]); err != nil {
				return nil, fmt.Errorf("%s igp: %v", n.Name, err)
			}
			if err := frrLDP(f, nm, n, r["ldp"]); err != nil {
				return nil, fmt.Errorf("%s ldp: %v", n.Name, err)
			}
		}
		if speaker(n) {
			if err := frrVPN(f, t, nm, n, r["vpnv4"]); err != nil {
				return nil, fmt.Errorf("%s vpnv4: %v", n.Name, err)
			}
		}
		if n.Role == topologies.RolePE {
			for _, v := range t.VRFs {
				data, ok := r["vrf-"+v.Name]
				if !ok {
					continue
				}
				if err := frrVRF(f, n, v.Name, data); err != nil {
					return nil, fmt.Errorf("%s vrf %s: %v", n.Name, v.Name, err)
				}
			}
		}
	}
	return f, nil
}

func frrIGP(f Facts, nm names, n *topologies.Node, data []byte) error {
	var routes map[string][]frrRoute
	if err := json.Unmarshal(data, &routes); err != nil {
		return err
	}
	for prefix, rs := range routes {
		p, err := netip.ParsePrefix(prefix)
		if err != nil || p.Bits() != 32 {
			continue
		}
		if _, ok := nm[p.Addr()]; !ok {
			continue
		}
		for _, r := range rs {
			if r.Protocol != "isis" || !r.Selected {
				continue
			}
			var nhs []string
			for _, nh := range r.Nexthops {
				if nh.Active {
					nhs = append(nhs, nh.IP+"%"+nh.InterfaceName)
				}
			}
			slices.Sort(nhs)
			f.Set(n.Name, TableIGP, p.String(), "metric", fmt.Sprint(r.Metric))
			f.Set(n.Name, TableIGP, p.String(), "nexthops", strings.Join(nhs, " "))
		}
	}
	return nil
}

func frrLDP(f Facts, nm names, n *topologies.Node, data []byte) error {
	var out struct {
		Bindings []frrBinding `json:"bindings"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return err
	}
	remote := map[string][]string{}
	inUse := map[string][]string{}
	for _, b := range out.Bindings {
		p, err := netip.ParsePrefix(b.Prefix)
		if err != nil || p.Bits() != 32 {
			continue // label local allocate host-routes: only /32 FECs have bindings
		}
		key := p.String()
		f.Set(n.Name, TableLDP, key, "local", frrLDPKind(b.LocalLabel))
		remote[key] = remote[key]
		if kind := frrLDPKind(b.RemoteLabel); kind != "" && b.NeighborID != "" {
			remote[key] = append(remote[key], nm.name(b.NeighborID)+":"+kind)
		}
		if b.InUse != 0 {
			inUse[key] = append(inUse[key], nm.name(b.NeighborID))
		}
	}
	for key, v := range remote {
		slices.Sort(v)
		f.Set(n.Name, TableLDP, key, "remote", strings.Join(v, " "))
		u := inUse[key]
		slices.Sort(u)
		f.Set(n.Name, TableLDP, key, "in-use", strings.Join(slices.Compact(u), " "))
	}
	return nil
}

func frrVPN(f Facts, t *topologies.Topology, nm names, n *topologies.Node, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var obj map[string]struct {
			Prefix string    `json:"prefix"`
			Paths  []frrPath `json:"paths"`
		}
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		for rd, dest := range obj {
			for _, p := range dest.Paths {
				local := p.Local || p.Sourced || p.Peer.PeerID == "0.0.0.0"
				from := "local"
				if !local {
					from = nm.name(p.Peer.PeerID)
				}
				key := fmt.Sprintf("%s %s from %s", rd, dest.Prefix, from)
				set := func(field, v string) { f.Set(n.Name, TableVPNv4, key, field, v) }
				set("valid", yesNo(p.Valid))
				set("best", yesNo(p.BestPath != nil && p.BestPath.Overall))
				nh := "self"
				if !local && len(p.Nexthops) > 0 {
					nh = nm.name(p.Nexthops[0].IP)
				}
				set("nexthop", nh)
				as := p.ASPath.String
				if as == "Local" {
					as = ""
				}
				set("aspath", as)
				set("origin", p.Origin)
				set("med", fmt.Sprint(p.Metric))
				lp := ""
				if p.LocPrf != nil {
					lp = fmt.Sprint(*p.LocPrf)
				}
				set("localpref", lp)
				var rts []string
				soo := ""
				if p.ExtCommunity != nil {
					for _, c := range strings.Fields(p.ExtCommunity.String) {
						if rt, ok := strings.CutPrefix(c, "RT:"); ok {
							rts = append(rts, rt)
						} else if s, ok := strings.CutPrefix(c, "SoO:"); ok {
							soo = s
						}
					}
				}
				slices.Sort(rts)
				set("rts", strings.Join(rts, " "))
				if n.Role == topologies.RolePE && from != "local" {
					set("import", importers(t, n, rts))
				}
				set("soo", soo)
				// FRR prints its own router ID as the originator of a path
				// it sources; a local path carries no ORIGINATOR_ID.
				orig := ""
				if !local && p.OriginatorID != "" {
					orig = nm.name(p.OriginatorID)
				}
				set("originator", orig)
				var cl []string
				if p.ClusterList != nil {
					for _, c := range p.ClusterList.List {
						cl = append(cl, nm.name(c))
					}
				}
				set("clusters", strings.Join(cl, " "))
			}
		}
	}
}

func frrVRF(f Facts, n *topologies.Node, vrfName string, data []byte) error {
	var routes map[string][]frrRoute
	if err := json.Unmarshal(data, &routes); err != nil {
		return err
	}
	for prefix, rs := range routes {
		for _, r := range rs {
			if !r.Selected {
				continue
			}
			code, leak := "", ""
			for _, nh := range r.Nexthops {
				if nh.VRF != "" && nh.VRF != vrfName {
					leak = nh.VRF
				}
			}
			switch {
			case leak != "":
				// from another VRF of this PE (route targets, through the
				// VPN table): FRR, like IOS, lists it as BGP
				code = "B from VRF " + leak
			case r.Protocol == "connected":
				code = "C"
			case r.Protocol == "static":
				code = "S"
			case r.Protocol == "bgp" && r.Distance == 20:
				code = "B" // from a CE; iBGP (imported from the VPN) is not compared
			default:
				continue
			}
			key := vrfName + " " + prefix
			f.Set(n.Name, TableVRF, key, "code", code)
			var nhs []string
			for _, nh := range r.Nexthops {
				if !nh.Active && !nh.Blackhole {
					continue
				}
				ip := nh.IP
				if ip == "" {
					ip = "-"
				}
				ifn := nh.InterfaceName
				if nh.Blackhole {
					ifn = "Null0"
				}
				nhs = append(nhs, ip+"%"+ifn)
			}
			slices.Sort(nhs)
			f.Set(n.Name, TableVRF, key, "nexthops", strings.Join(nhs, " "))
		}
	}
	return nil
}
