package render

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/vrf"
)

// VRFView is one VRF of a PE as the BGP tables need it: its RD, and the
// routes installed in it (for the next hop of the PE's own paths and for
// the paths it imported under other RDs).
type VRFView struct {
	Name   string
	RD     vrf.RD
	Routes []network.RouteRow
}

// bgpRow is one line of the IOS VPNv4 table.
type bgpRow struct {
	status, network, nextHop, metric, locPrf, weight, path string
}

const bgpHeader = "     Network          Next Hop            Metric LocPrf Weight Path"

func writeBGPRow(b *strings.Builder, r bgpRow) {
	// IOS puts a network longer than its column on a line of its own.
	if len(r.network) > 16 {
		fmt.Fprintf(b, " %-4s%s\n", r.status, r.network)
		r.network, r.status = "", ""
	}
	fmt.Fprintf(b, " %-4s%-17s%-20s%6s %6s %6s %s\n", r.status, r.network, r.nextHop, r.metric, r.locPrf, r.weight, r.path)
}

// IOSBGPVPNv4 prints `show bgp vpnv4 unicast all` (vrfName "") or
// `show bgp vpnv4 unicast vrf NAME`: the paths grouped by RD, a VRF's RD
// marked "(default for vrf A)" and holding, after the PE's own paths, the
// paths the VRF imported from other RDs (IOS lists them again there).
func IOSBGPVPNv4(w io.Writer, t *network.VPNv4Table, vrfs []VRFView, vrfName string) {
	var b strings.Builder
	fmt.Fprintf(&b, "BGP local router ID is %s\n", t.RouterID)
	b.WriteString("Status codes: s suppressed, d damped, h history, * valid, > best, i - internal, \n")
	b.WriteString("              r RIB-failure, S Stale, m multipath, b backup-path, f RT-Filter, \n")
	b.WriteString("              x best-external, a additional-path, c RIB-compressed, \n")
	if t.AnyOutside {
		b.WriteString("              u unresolved: from outside the model (vpnsim)\n")
	}
	b.WriteString("Origin codes: i - IGP, e - EGP, ? - incomplete\n\n")
	b.WriteString(bgpHeader + "\n")
	byRD := map[vrf.RD][]network.VPNv4Row{}
	var rds []vrf.RD
	for _, r := range t.Rows {
		if _, ok := byRD[r.RD]; !ok {
			rds = append(rds, r.RD)
		}
		byRD[r.RD] = append(byRD[r.RD], r)
	}
	local := map[vrf.RD]bool{}
	for _, v := range vrfs {
		if vrfName != "" && v.Name != vrfName {
			continue
		}
		local[v.RD] = true
		fmt.Fprintf(&b, "Route Distinguisher: %s (default for vrf %s)\n", v.RD, v.Name)
		rows := byRD[v.RD]
		// the VRF's routes imported under another RD, by prefix
		var imported []network.RouteRow
		for _, r := range v.Routes {
			if len(r.Labels) > 0 && r.RD != v.RD {
				imported = append(imported, r)
			}
		}
		for _, r := range rows {
			for len(imported) > 0 && vrf.ComparePrefix(imported[0].Prefix, r.Prefix) < 0 {
				writeBGPRow(&b, importedRow(imported[0]))
				imported = imported[1:]
			}
			writeBGPRow(&b, vpnRow(r, v))
		}
		for _, r := range imported {
			writeBGPRow(&b, importedRow(r))
		}
	}
	if vrfName == "" {
		for _, rd := range rds {
			if local[rd] {
				continue
			}
			fmt.Fprintf(&b, "Route Distinguisher: %s\n", rd)
			for _, r := range byRD[rd] {
				writeBGPRow(&b, vpnRow(r, VRFView{}))
			}
		}
	}
	io.WriteString(w, b.String())
}

// vpnRow is a path of the speaker's table; v, when the path is the PE's
// own in v, gives the next hop IOS shows for it (0.0.0.0 for a
// redistributed connected route, the CE's address otherwise).
func vpnRow(r network.VPNv4Row, v VRFView) bgpRow {
	st := ""
	switch {
	case r.Outside:
		st = "u"
	case r.Valid:
		st = "*"
	}
	if r.Best {
		st += ">"
	}
	row := bgpRow{network: r.Prefix.String(), nextHop: r.NextHop.String(), metric: fmt.Sprint(r.MED), path: ASPath(r.ASPath, r.Origin)}
	if r.From == "" {
		row.nextHop, row.weight = "0.0.0.0", "32768"
		for _, vr := range v.Routes {
			if vr.Prefix == r.Prefix && vr.Code != "C" && vr.NextHop.IsValid() {
				row.nextHop = vr.NextHop.String()
			}
		}
		if r.LocalPref != 0 {
			row.locPrf = fmt.Sprint(r.LocalPref)
		}
	} else {
		st += "i"
		row.weight = "0"
		lp := r.LocalPref
		if lp == 0 {
			lp = 100
		}
		row.locPrf = fmt.Sprint(lp)
	}
	row.status = st
	return row
}

// importedRow is a VPN route a VRF imported from another RD, listed under
// the VRF's RD.
func importedRow(r network.RouteRow) bgpRow {
	return bgpRow{status: "*>i", network: r.Prefix.String(), nextHop: r.NextHop.String(), metric: fmt.Sprint(r.Metric),
		locPrf: "100", weight: "0", path: "?"}
}

// IOSBGPSummary prints `show bgp vpnv4 unicast all summary` for the
// sessions of the given family. MsgRcvd, MsgSent, TblVer and the uptime
// are counters the model does not keep: "-" stands for them.
//
// With paths < 0 it prints every session of the node without the heading
// (what `vpnsim show --style ios NODE bgp` prints).
func IOSBGPSummary(w io.Writer, routerID netip.Addr, asn uint32, paths int, sessions []network.BGPSession) {
	if paths >= 0 {
		fmt.Fprintf(w, "BGP router identifier %s, local AS number %d\n", routerID, asn)
		fmt.Fprintf(w, "%d network entries\n\n", paths)
	}
	fmt.Fprintf(w, "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n")
	for _, s := range sessions {
		upDown, state := "-", fmt.Sprint(s.Paths)
		if s.State != network.Established && s.State != network.ExternalEstablished {
			upDown, state = "never", "Idle"
		}
		fmt.Fprintf(w, "%-15s %d %12d %7s %7s %8s %4d %4d %-8s %s\n", s.NeighborAddr, 4, s.AS, "-", "-", "-", 0, 0, upDown, state)
	}
}

// IOSBGPPrefix prints `show bgp vpnv4 unicast all PREFIX`: every path for
// the prefix, per RD, with where it came from and its attributes.
func IOSBGPPrefix(w io.Writer, t *network.VPNv4Table, vrfs []VRFView, prefix netip.Prefix) bool {
	var b strings.Builder
	found := false
	var rds []vrf.RD
	byRD := map[vrf.RD][]network.VPNv4Row{}
	for _, r := range t.Rows {
		if r.Prefix != prefix {
			continue
		}
		if _, ok := byRD[r.RD]; !ok {
			rds = append(rds, r.RD)
		}
		byRD[r.RD] = append(byRD[r.RD], r)
	}
	for _, rd := range rds {
		rows := byRD[rd]
		found = true
		table := ""
		var view VRFView
		for _, v := range vrfs {
			if v.RD == rd {
				table, view = ", table "+v.Name, v
			}
		}
		best := 0
		for i, r := range rows {
			if r.Best {
				best = i + 1
			}
		}
		bestText := "no best path"
		if best > 0 {
			bestText = fmt.Sprintf("best #%d", best)
		}
		fmt.Fprintf(&b, "BGP routing table entry for %s:%s\n", rd, prefix)
		fmt.Fprintf(&b, "Paths: (%d available, %s%s)\n", len(rows), bestText, table)
		for _, r := range rows {
			path := strings.TrimSuffix(ASPath(r.ASPath, 0), " i")
			if len(r.ASPath) == 0 {
				path = "Local"
			}
			fmt.Fprintf(&b, "  %s\n", path)
			var flags []string
			lp := r.LocalPref
			if lp == 0 {
				lp = 100
			}
			attrs := fmt.Sprintf("Origin %s, metric %d, localpref %d", originName(r.Origin), r.MED, lp)
			if r.From == "" {
				nh := vpnRow(r, view).nextHop
				fmt.Fprintf(&b, "    %s from 0.0.0.0 (%s)\n", nh, t.RouterID)
				flags = append(flags, "weight 32768", "valid", "sourced")
			} else {
				metric := ""
				if r.Valid {
					metric = fmt.Sprintf(" (metric %d)", r.IGPMetric)
				} else {
					metric = " (inaccessible)"
				}
				fmt.Fprintf(&b, "    %s%s from %s (%s)\n", r.NextHop, metric, fromAddr(r), r.PeerID)
				if r.Valid {
					flags = append(flags, "valid")
				} else {
					flags = append(flags, "inaccessible")
				}
				flags = append(flags, "internal")
			}
			if r.Best {
				flags = append(flags, "best")
			}
			fmt.Fprintf(&b, "      %s, %s\n", attrs, strings.Join(flags, ", "))
			if r.BestReason != "" {
				fmt.Fprintf(&b, "      Best path: %s\n", r.BestReason)
			}
			var ec []string
			for _, rt := range r.RouteTargets {
				ec = append(ec, "RT:"+rt.String())
			}
			fmt.Fprintf(&b, "      Extended Community: %s\n", strings.Join(ec, " "))
			if r.OriginatorID.IsValid() {
				var cl []string
				for _, c := range r.ClusterList {
					cl = append(cl, c.String())
				}
				fmt.Fprintf(&b, "      Originator: %s, Cluster list: %s\n", r.OriginatorID, strings.Join(cl, ", "))
			}
			if r.From == "" {
				fmt.Fprintf(&b, "      mpls labels in/out %d/nolabel\n", r.Label)
			} else {
				fmt.Fprintf(&b, "      mpls labels in/out nolabel/%d\n", r.Label)
			}
		}
	}
	io.WriteString(w, b.String())
	return found
}

// fromAddr is the address of the peer a path came from: its router ID
// (iBGP sessions run between loopbacks).
func fromAddr(r network.VPNv4Row) netip.Addr { return r.PeerID }

func originName(o uint8) string {
	return [...]string{"IGP", "EGP", "incomplete"}[min(o, 2)]
}
