//go:build interop

package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpnsim/vpnsim/api"
)

// stop ends a daemon the suite started and waits for it.
func (l *lab) stop(t *testing.T, p *process) {
	t.Helper()
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
	say("stopped %s (%v)", p.name, p.cmd.ProcessState)
}

// waitLine waits until a line from index from on contains sub, and
// returns its index and when the suite saw it.
func (p *process) waitLine(t *testing.T, from int, sub string) (int, time.Time) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		lines := p.lines()
		for i := from; i < len(lines); i++ {
			if strings.Contains(lines[i], sub) {
				return i, time.Now()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never printed a line with %q; it printed:\n%s", p.name, sub, strings.Join(lines[min(from, len(lines)):], "\n"))
		}
		time.Sleep(20 * time.Millisecond) // the output is read by another goroutine
	}
}

// checkInModel waits until the route from outside shows in the VRFs of the
// simulated PEs that should take it, marked unresolved (code u), and in no
// other VRF; the speaker the router peers with holds it with status.
func (l *lab) checkInModel(t *testing.T, speaker, from string, r route, status string, in map[string]bool) {
	t.Helper()
	eventually(t, speaker+" holds the route from "+from, func() (bool, string) {
		for _, row := range l.show(t, speaker, "vpnv4", "") {
			if row["rd"] == r.RD && row["prefix"] == r.Prefix && row["from"] == from {
				return true, ""
			}
		}
		return false, speaker + " does not hold it yet"
	})
	for _, row := range l.show(t, speaker, "vpnv4", "") {
		if row["rd"] == r.RD && row["prefix"] == r.Prefix && row["from"] == from {
			if got := rowRoute(row); got.base() != r.base() || row["status"] != status {
				t.Errorf("%s's BGP table: %v, want %v status %s", speaker, row, r, status)
			} else {
				say("  ok  %s's BGP table holds %v from %s, status %s", speaker, got, from, row["status"])
			}
		}
	}
	var found map[string]map[string]string
	eventually(t, "the route from "+from+" reaches the model", func() (bool, string) {
		found = l.vrfRows(t, r.Prefix)
		for k := range in {
			if found[k] == nil {
				return false, k + " does not show it yet"
			}
		}
		return true, ""
	})
	for _, pe := range []string{"PE1", "PE2"} {
		for _, v := range []string{"A", "B"} {
			k := pe + " VRF " + v
			row := found[k]
			switch {
			case !in[k] && row != nil:
				t.Errorf("%s shows %s from %s: %v", k, r.Prefix, from, row)
			case !in[k]:
				say("  ok  %s does not show %s %s from %s", k, r.RD, r.Prefix, from)
			case row["code"] != "u" || row["next_hop"] != r.NextHop || row["from"] != "RD "+r.RD || row["via"] != "-":
				t.Errorf("%s shows %v, want code u (unresolved), next hop %s, from RD %s", k, row, r.NextHop, r.RD)
			default:
				say("  ok  %s shows %s %s unresolved (code u), next hop %s, not forwarded", k, row["from"], r.Prefix, r.NextHop)
			}
		}
	}
}

// vrfRows is each PE VRF's row for prefix ("PE1 VRF A" -> row).
func (l *lab) vrfRows(t *testing.T, prefix string) map[string]map[string]string {
	t.Helper()
	found := map[string]map[string]string{}
	for _, pe := range []string{"PE1", "PE2"} {
		for _, v := range []string{"A", "B"} {
			for _, row := range l.show(t, pe, "routes", v) {
				if row["prefix"] == prefix {
					found[pe+" VRF "+v] = row
				}
			}
		}
	}
	return found
}

// notForwarded pings an address the route from outside covers: the ingress
// PE has no route for it and answers unreachable.
func (l *lab) notForwarded(t *testing.T, from, to, pe string) {
	t.Helper()
	r, err := l.client.Ping(api.ProbeRequest{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != "unreachable" || r.ReplyFrom != pe {
		t.Errorf("ping %s %s: %+v, want unreachable from %s", from, to, r, pe)
		return
	}
	say("  ok  ping %s %s: %s from %s (no route: not forwarded)", from, to, r.Result, r.ReplyFrom)
}

// startFRR runs FRR's bgpd alone (no zebra, its own port, vty socket and
// pid file) as RR1's route-reflector client.
func (l *lab) startFRR(t *testing.T) {
	t.Helper()
	vty := l.path("frr")
	if err := os.MkdirAll(vty, 0o755); err != nil {
		t.Fatal(err)
	}
	text := frrConfig(l.ports["rr1-listen"])
	conf := l.write(t, "bgpd.conf", text)
	if l.frrStarts == 0 {
		say("FRR's bgpd.conf:\n%s", text)
	}
	l.frrStarts++
	name := "bgpd"
	if l.frrStarts > 1 {
		name = fmt.Sprintf("bgpd-%d", l.frrStarts)
	}
	l.frrProc, _ = l.start(t, name, syscall.SIGTERM, "", "/usr/lib/frr/bgpd", "-Z", "-S", "-P", "0",
		"-f", conf, "-i", l.path("bgpd.pid"), "--vty_socket", vty,
		"-p", strconv.Itoa(l.ports["bgpd"]), "-l", frrAddr, "--log", "file:"+l.path(name+"-frr.log"))
}

func (l *lab) frr(t *testing.T, model []route) {
	l.startFRR(t)
	eventually(t, "FRR holds the model's routes", func() (bool, string) {
		have, err := l.readFRR()
		if err != nil {
			return false, err.Error() // bgpd may not be listening on its vty socket yet
		}
		for _, w := range model {
			if have[w.key()].RD == "" {
				return false, "FRR lacks " + w.String()
			}
		}
		return true, ""
	})
	// The hostname capability names the node FRR peers with, not the
	// machine vpnsim runs on.
	nb, err := l.frrNeighbour()
	switch {
	case err != nil:
		t.Error(err)
	case nb.Hostname != "RR1":
		t.Errorf("FRR's neighbour has hostname %q, want RR1", nb.Hostname)
	default:
		say("  ok  FRR shows its neighbour as hostname %s", nb.Hostname)
	}
	say("comparing FRR's `show bgp ipv4 vpn json` (and per prefix, for labels and route targets) with the model:")
	compare(t, "FRR", model, l.frrTable(t), frrRD+" "+frrPrefix, frrRD2+" "+frrPrefix2)

	say("FRR advertises RD %s %s label %s RT %s (next hop: its session address %s):", frrRD, frrPrefix, frrLabel, frrRT, frrAddr)
	// Its next hop is FRR's session address, outside the model: RR1 holds
	// the path but never reflects it, so no PE sees it.
	l.checkInModel(t, "RR1", "frr1", route{RD: frrRD, Prefix: frrPrefix, NextHop: frrAddr, Label: frrLabel, RTs: frrRT}, "ui", map[string]bool{})
	l.notForwarded(t, "A1", "10.99.0.1", "PE1")
}

// frrNeighbour is FRR's view of its session with RR1.
type frrNeighbour struct {
	Hostname    string `json:"hostname"`
	State       string `json:"bgpState"`
	UpMsec      int64  `json:"bgpTimerUpMsec"`
	HoldMsecs   int64  `json:"bgpTimerHoldTimeMsecs"`
	KeepMsecs   int64  `json:"bgpTimerKeepAliveIntervalMsecs"`
	Established int    `json:"connectionsEstablished"`
	Dropped     int    `json:"connectionsDropped"`
	LastReset   string `json:"lastResetDueTo"`
	at          time.Time
}

// upSince is when FRR's session came up, by its own uptime.
func (n frrNeighbour) upSince() time.Time {
	return n.at.Add(-time.Duration(n.UpMsec) * time.Millisecond)
}

func (l *lab) frrNeighbour() (frrNeighbour, error) {
	at := time.Now()
	text, err := l.vtysh("show bgp neighbors json")
	if err != nil {
		return frrNeighbour{}, err
	}
	var nbrs map[string]frrNeighbour
	if err := json.Unmarshal(text, &nbrs); err != nil {
		return frrNeighbour{}, fmt.Errorf("show bgp neighbors json: %v", err)
	}
	nb, ok := nbrs["127.0.0.1"]
	if !ok {
		return frrNeighbour{}, fmt.Errorf("show bgp neighbors json: no neighbour 127.0.0.1: %s", text)
	}
	nb.at = at
	return nb, nil
}

func frrConfig(rrPort int) string {
	return fmt.Sprintf(`frr defaults traditional
hostname frr1
!
! The route targets of the routes FRR originates; defined before the
! network statements that name them.
route-map VPNSIM-RT permit 10
 set extcommunity rt %[4]s
!
route-map VPNSIM-RT2 permit 10
 set extcommunity rt %[9]s
 set ipv4 vpn next-hop %[10]s
!
router bgp 65000
 bgp router-id %[1]s
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 127.0.0.1 remote-as 65000
 neighbor 127.0.0.1 port %[2]d
 neighbor 127.0.0.1 update-source %[3]s
 neighbor 127.0.0.1 timers %[11]d %[12]d
 neighbor 127.0.0.1 timers connect 1
 !
 address-family ipv4 vpn
  neighbor 127.0.0.1 activate
  network %[5]s rd %[6]s label %[7]s route-map VPNSIM-RT
  network %[13]s rd %[8]s label %[14]s route-map VPNSIM-RT2
 exit-address-family
!
`, frrRouterID, rrPort, frrAddr, frrRT, frrPrefix, frrRD, frrLabel, frrRD2, frrRT2, frrNextHop2, holdTime/3, holdTime, frrPrefix2, frrLabel2)
}

func (l *lab) vtysh(cmd string) ([]byte, error) {
	out, err := exec.Command("vtysh", "--vty_socket", l.path("frr"), "-c", cmd).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("vtysh -c %q: %v: %s", cmd, err, out)
	}
	return out, nil
}

// frrTable reads FRR's VPN table (see readFRR).
func (l *lab) frrTable(t *testing.T) map[string]route {
	t.Helper()
	m, err := l.readFRR()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readFRR reads FRR's VPN table: `show bgp ipv4 vpn json` for the routes
// and their next hops, `show bgp ipv4 vpn PREFIX json` for labels, route
// targets, AS paths, ORIGINATOR_ID and CLUSTER_LIST.
func (l *lab) readFRR() (map[string]route, error) {
	var tbl struct {
		Routes struct {
			RDs map[string]map[string][]struct {
				Nexthops []struct{ IP string } `json:"nexthops"`
			} `json:"routeDistinguishers"`
		} `json:"routes"`
	}
	text, err := l.vtysh("show bgp ipv4 vpn json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(text, &tbl); err != nil {
		return nil, err
	}
	out := map[string]route{}
	prefixes := map[string]bool{}
	for rd, m := range tbl.Routes.RDs {
		for prefix, paths := range m {
			r := route{RD: rd, Prefix: prefix}
			if len(paths) > 0 && len(paths[0].Nexthops) > 0 {
				r.NextHop = paths[0].Nexthops[0].IP
			}
			out[r.key()] = r
			prefixes[prefix] = true
		}
	}
	for prefix := range prefixes {
		var detail map[string]json.RawMessage
		text, err := l.vtysh("show bgp ipv4 vpn " + prefix + " json")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(text, &detail); err != nil {
			return nil, err
		}
		for rd, raw := range detail {
			var d struct {
				Paths []struct {
					RemoteLabel *int `json:"remoteLabel"`
					ExtComm     struct {
						String string `json:"string"`
					} `json:"extendedCommunity"`
					ASPath struct {
						String string `json:"string"`
					} `json:"aspath"`
					Originator  string `json:"originatorId"`
					ClusterList struct {
						List []string `json:"list"`
					} `json:"clusterList"`
				} `json:"paths"`
			}
			r, ok := out[rd+" "+prefix]
			if !ok || json.Unmarshal(raw, &d) != nil || len(d.Paths) == 0 {
				continue
			}
			p := d.Paths[0]
			if p.RemoteLabel != nil {
				r.Label = strconv.Itoa(*p.RemoteLabel)
			}
			var rts []string
			for _, f := range strings.Fields(p.ExtComm.String) {
				if rt, ok := strings.CutPrefix(f, "RT:"); ok {
					rts = append(rts, rt)
				}
			}
			r.RTs = strings.Join(rts, " ")
			r.ASPath, r.Originator, r.Clusters = p.ASPath.String, p.Originator, strings.Join(p.ClusterList.List, " ")
			if r.ASPath == "Local" { // FRR's word for an empty AS path
				r.ASPath = ""
			}
			out[r.key()] = r
		}
	}
	return out, nil
}

// startGoBGP runs gobgpd with its API on loopback; name names its log.
func (l *lab) startGoBGP(t *testing.T, g *gobgpRouter, name string) {
	t.Helper()
	text := gobgpConfig(g)
	conf := l.write(t, g.name+".yaml", text)
	if name == "" {
		name = g.name
		say("%s.yaml (gobgpd, %s of %s):\n%s", g.name, map[bool]string{true: "route-reflector client", false: "iBGP neighbour"}[g.peerOf == "RR1"], g.peerOf, text)
	}
	g.proc, _ = l.start(t, name, syscall.SIGTERM, "", "gobgpd", "-f", conf, "-t", "yaml",
		"--api-hosts", fmt.Sprintf("127.0.0.1:%d", g.api), "--pprof-disable", "-p")
}

// waitGoBGPAPI waits until gobgpd's gRPC API answers: it comes up some
// time after the process starts (on a loaded machine the CLI's first
// calls time out).
func (l *lab) waitGoBGPAPI(t *testing.T, g *gobgpRouter) {
	t.Helper()
	eventually(t, g.name+"'s API answers", func() (bool, string) {
		out, err := l.gobgpCLI(g, "global")
		if err != nil {
			return false, fmt.Sprintf("%v: %s", err, bytes.TrimSpace(out))
		}
		return true, ""
	})
}

// ownRoutes are the VPN routes the PE advertises itself.
func (l *lab) ownRoutes(t *testing.T, pe string) []route {
	t.Helper()
	var want []route
	for _, r := range l.show(t, pe, "vpnv4", "") {
		if r["from"] == "local" {
			want = append(want, rowRoute(r))
		}
	}
	return want
}

// gobgpPE checks gobgpd g, an iBGP neighbour of a PE: it holds exactly the
// PE's own routes, and the route it advertises shows in vrf, unresolved,
// and nowhere else; a ping from ce into it is not forwarded.
func (l *lab) gobgpPE(t *testing.T, g *gobgpRouter, vrf, ce string) {
	l.waitGoBGPAPI(t, g)
	want := l.ownRoutes(t, g.peerOf)
	eventually(t, g.name+" holds "+g.peerOf+"'s routes", func() (bool, string) {
		have := l.gobgpTable(t, g)
		for _, w := range want {
			if _, ok := have[w.key()]; !ok {
				return false, g.name + " lacks " + w.String()
			}
		}
		return true, ""
	})
	say("comparing %s's `gobgp global rib -a vpnv4 -j` with %s's own routes (%d):", g.name, g.peerOf, len(want))
	compare(t, g.name, want, l.gobgpTable(t, g))
	l.gobgpAdd(t, g, g.rd, g.prefix, g.label, g.rt, g.nh)
	l.checkInModel(t, g.peerOf, g.name, g.route(), "ui", map[string]bool{vrf: true})
	l.notForwarded(t, ce, strings.TrimSuffix(g.prefix, "0/24")+"1", g.peerOf)
}

func (g *gobgpRouter) route() route {
	return route{RD: g.rd, Prefix: g.prefix, NextHop: g.nh, Label: g.label, RTs: g.rt}
}

func (l *lab) gobgpAdd(t *testing.T, g *gobgpRouter, rd, prefix, label, rt, nh string) {
	t.Helper()
	args := []string{"global", "rib", "-a", "vpnv4", "add", prefix, "label", label, "rd", rd}
	args = append(args, "rt")
	args = append(args, strings.Fields(rt)...)
	args = append(args, "nexthop", nh)
	say("%s: gobgp %s", g.name, strings.Join(args, " "))
	if out, err := l.gobgpCLI(g, args...); err != nil {
		t.Fatalf("gobgp: %v: %s", err, out)
	}
}

func (l *lab) gobgpDel(t *testing.T, g *gobgpRouter, rd, prefix, label string) {
	t.Helper()
	args := []string{"global", "rib", "-a", "vpnv4", "del", prefix, "label", label, "rd", rd}
	say("%s: gobgp %s", g.name, strings.Join(args, " "))
	if out, err := l.gobgpCLI(g, args...); err != nil {
		t.Fatalf("gobgp: %v: %s", err, out)
	}
}

func gobgpConfig(g *gobgpRouter) string {
	return fmt.Sprintf(`global:
  config:
    as: 65000
    router-id: %[1]s
    port: %[2]d
    local-address-list: [%[3]s]
neighbors:
  - config:
      neighbor-address: 127.0.0.1
      peer-as: 65000
    transport:
      config:
        local-address: %[3]s
        remote-port: %[4]d
    timers:
      config:
        connect-retry: 1
    afi-safis:
      - config:
          afi-safi-name: l3vpn-ipv4-unicast
`, g.routerID, g.port, g.addr, g.listen)
}

func (l *lab) gobgpCLI(g *gobgpRouter, args ...string) ([]byte, error) {
	return exec.Command("gobgp", append([]string{"-u", "127.0.0.1", "-p", strconv.Itoa(g.api)}, args...)...).CombinedOutput()
}

// gobgpUp tells whether g's session is established, when gobgpd
// logged it coming up (as the suite read the line), and how many times it
// came up or went down so far: gobgpd's log has a line for each ("Peer
// Up", "Peer Down"). Not `gobgp neighbor`: gobgpd died on it (a nil
// pointer in ListPeer) when vpnsim's OPEN carried a malformed hostname
// capability (docs/real-peers.md); the log stays the simpler source.
func (l *lab) gobgpUp(t *testing.T, g *gobgpRouter) (up bool, since time.Time, changes int) {
	lines, at := g.proc.linesAt()
	for i, line := range lines {
		switch {
		case strings.Contains(line, `msg="Peer Up"`):
			up, since = true, at[i]
			changes++
		case strings.Contains(line, `msg="Peer Down"`):
			up = false
			changes++
		}
	}
	return up, since, changes
}

// gobgpTable reads gobgpd's VPN table through its CLI.
func (l *lab) gobgpTable(t *testing.T, g *gobgpRouter) map[string]route {
	t.Helper()
	have, err := l.readGoBGP(g)
	if err != nil {
		t.Fatal(err)
	}
	return have
}

// readGoBGP reads gobgpd's VPN table through its CLI.
func (l *lab) readGoBGP(g *gobgpRouter) (map[string]route, error) {
	out, err := l.gobgpCLI(g, "global", "rib", "-a", "vpnv4", "-j")
	if err != nil {
		return nil, fmt.Errorf("%s: gobgp global rib: %v: %s", g.name, err, out)
	}
	var rib map[string][]struct {
		NLRI struct {
			Prefix string `json:"prefix"`
			Labels []int  `json:"labels"`
		} `json:"nlri"`
		Attrs []struct {
			Type    int             `json:"type"`
			Nexthop string          `json:"nexthop"`
			Value   json.RawMessage `json:"value"`
			ASPaths []struct {
				ASNs []uint32 `json:"asns"`
			} `json:"as_paths"`
		} `json:"attrs"`
	}
	if err := json.Unmarshal(out, &rib); err != nil {
		return nil, fmt.Errorf("%s: gobgp global rib: %v: %s", g.name, err, out)
	}
	have := map[string]route{}
	for key, paths := range rib {
		if len(paths) == 0 {
			continue
		}
		p := paths[0]
		rd := key[:strings.LastIndex(key, ":")]
		r := route{RD: rd, Prefix: p.NLRI.Prefix}
		if len(p.NLRI.Labels) > 0 {
			r.Label = strconv.Itoa(p.NLRI.Labels[0])
		}
		for _, a := range p.Attrs {
			switch a.Type {
			case 2: // AS_PATH
				var as []string
				for _, seg := range a.ASPaths {
					for _, n := range seg.ASNs {
						as = append(as, strconv.FormatUint(uint64(n), 10))
					}
				}
				r.ASPath = strings.Join(as, " ")
			case 9: // ORIGINATOR_ID
				var s string
				json.Unmarshal(a.Value, &s)
				r.Originator = s
			case 10: // CLUSTER_LIST
				var l []string
				json.Unmarshal(a.Value, &l)
				r.Clusters = strings.Join(l, " ")
			case 14: // MP_REACH_NLRI
				r.NextHop = a.Nexthop
			case 16: // EXTENDED COMMUNITIES
				var ecs []struct {
					Subtype int    `json:"subtype"`
					Value   string `json:"value"`
				}
				json.Unmarshal(a.Value, &ecs)
				var rts []string
				for _, ec := range ecs {
					if ec.Subtype == 2 {
						rts = append(rts, asPlain(ec.Value))
					}
				}
				r.RTs = strings.Join(rts, " ")
			}
		}
		have[r.key()] = r
	}
	return have, nil
}

// asPlain writes a route target gobgp prints in asdot ("64086.59904:2",
// a 4-byte AS) as the model and FRR do, in asplain ("4200000000:2").
func asPlain(rt string) string {
	as, n, ok := strings.Cut(rt, ":")
	hi, lo, dot := strings.Cut(as, ".")
	if !ok || !dot || strings.Count(rt, ".") != 1 {
		return rt // a 2-byte AS, or an IPv4 address
	}
	h, err1 := strconv.ParseUint(hi, 10, 16)
	l, err2 := strconv.ParseUint(lo, 10, 16)
	if err1 != nil || err2 != nil {
		return rt
	}
	return fmt.Sprintf("%d:%s", h<<16|l, n)
}
