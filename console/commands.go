package console

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/render"
)

// vrfArg is a VRF name, completed from the router's VRFs.
func vrfArg(kids ...*cmd) *cmd {
	a := arg(argWord, "WORD", "VPN Routing/Forwarding instance name", kids...)
	a.complete = (*Console).vrfNames
	return a
}

// execTree is the privileged EXEC mode (PE1#).
func execTree() *cmd {
	routeVRF := vrfArg().does(showRoute)
	bgpAll := kw("all", "Display information about all VPNv4 NLRIs",
		kw("summary", "Summary of BGP neighbor status").does(showBGPSummary),
		arg(argPrefix, "A.B.C.D", "Network in the BGP routing table to display").does(showBGPPrefix),
	).does(showBGP)
	bgpVRF := kw("vrf", "Display information about a VPN Routing/Forwarding instance",
		vrfArg(kw("summary", "Summary of BGP neighbor status").does(showBGPSummary)).does(showBGP))
	pingTail := probeOptions([]string{"df-bit", "repeat", "size", "source"}, doPing)
	node := arg(argWord, "WORD", "The router to log in to")
	node.complete = (*Console).names
	node.does(connect)
	return &cmd{kids: []*cmd{
		kw("show", "Show running system information",
			kw("ip", "IP information",
				kw("route", "IP routing table", kw("vrf", "Display routes from a VPN Routing/Forwarding instance", routeVRF)).does(showRoute),
				kw("arp", "IP ARP table", kw("vrf", "Display the ARP table of a VPN Routing/Forwarding instance", vrfArg().does(showARP))).does(showARP),
				kw("vrf", "VPN Routing/Forwarding instance information",
					kw("detail", "Detailed VPN Routing/Forwarding instance information").does(showVRF)).does(showVRF),
				kw("interface", "IP interface status and configuration",
					kw("brief", "Brief summary of IP status and configuration").does(showIfBrief)),
				kw("bgp", "BGP information", kw("vpnv4", "Display VPNv4 NLRI specific information", bgpAll, bgpVRF)),
			),
			kw("bgp", "BGP information",
				kw("vpnv4", "Display VPNv4 NLRI specific information",
					kw("unicast", "Display VPNv4 unicast NLRI specific information", bgpAll, bgpVRF)),
				kw("l2vpn", "Display L2VPN AFI information",
					kw("evpn", "Display L2VPN EVPN address family (RFC 7432 routes by type)").does(showBGPEVPN))),
			kw("l2vpn", "Display L2VPN information",
				kw("evpn", "EVPN information",
					kw("evi", "EVPN instances: RD, route targets, labels, attachments, remote PEs").does(showEVI),
					kw("mac", "EVPN MAC table",
						kw("evi", "One EVPN instance", arg(argWord, "WORD", "EVPN instance name").does(showEVPNMAC))).does(showEVPNMAC))),
			kw("arp", "ARP table", kw("vrf", "Display the ARP table of a VPN Routing/Forwarding instance", vrfArg().does(showARP))).does(showARP),
			kw("mpls", "MPLS information",
				kw("forwarding-table", "Show the Label Forwarding Information Base (LFIB)",
					kw("detail", "Detailed information").does(showLFIB)).does(showLFIB),
				kw("ldp", "Show Label Distribution Protocol information",
					kw("bindings", "Show the LDP Label Information Base (LIB)").does(showLDPBindings),
					kw("neighbor", "Display LDP neighbor information").does(showLDPNeighbors))),
		),
		kw("ping", "Send echo messages",
			kw("mpls", "Ping an enterprise MPLS LSP (RFC 8029)", kw("ipv4", "Target an IPv4 LDP FEC",
				lspRepeat(arg(argPrefix, "A.B.C.D/nn", "Destination FEC (a provider loopback /32)")).does(doLSPPing))),
			kw("vrf", "Select VPN routing instance", vrfArg(arg(argAddr, "A.B.C.D", "Ping destination address", pingTail...).does(doPing))),
			arg(argAddr, "A.B.C.D", "Ping destination address", pingTail...).does(doPing)),
		kw("traceroute", "Trace route to destination",
			kw("mpls", "Trace an MPLS LSP (RFC 8029)", kw("ipv4", "Target an IPv4 LDP FEC",
				arg(argPrefix, "A.B.C.D/nn", "Destination FEC (a provider loopback /32)").does(doLSPTrace))),
			kw("vrf", "Select VPN routing instance", vrfArg(arg(argAddr, "A.B.C.D", "Trace route to destination address").does(doTraceroute))),
			arg(argAddr, "A.B.C.D", "Trace route to destination address").does(doTraceroute)),
		kw("configure", "Enter configuration mode",
			kw("terminal", "Configure from the terminal").does(configure)),
		kw("connect", "Open a terminal connection (log in to another router)", node),
		kw("ssh", "Open a secure shell client connection (log in to another router)", node),
		kw("exit", "Exit from the EXEC (back to the router you came from)").does(exit),
		kw("logout", "Exit from the EXEC").does(exit),
	}}
}

// probeOptions are a ping's optional keywords, in any order, each once.
func probeOptions(left []string, run func(*Console, *args) error) []*cmd {
	var out []*cmd
	for _, o := range left {
		rest := slices.DeleteFunc(slices.Clone(left), func(s string) bool { return s == o })
		switch o {
		case "repeat":
			n := arg(argNum, "<1-2147483647>", "Repeat count", probeOptions(rest, run)...).does(run)
			n.min, n.max = 1, math.MaxInt32
			out = append(out, kw("repeat", "specify repeat count", n))
		case "source":
			src := arg(argAddr, "A.B.C.D", "Source address", probeOptions(rest, run)...).does(run)
			src.key = "source"
			out = append(out, kw("source", "specify source address", src))
		case "size":
			n := arg(argNum, "<36-18024>", "Datagram size", probeOptions(rest, run)...).does(run)
			n.min, n.max, n.key = 36, 18024, "size"
			out = append(out, kw("size", "specify datagram size", n))
		case "df-bit":
			out = append(out, kw("df-bit", "enable do not fragment bit in IP header", probeOptions(rest, run)...).does(run))
		}
	}
	return out
}

// configTree is global configuration mode (PE1(config)#).
func configTree() *cmd {
	ifc := arg(argWord, "WORD", "Interface name")
	ifc.complete = (*Console).ifNames
	ifc.does(enterInterface)
	v := arg(argWord, "WORD", "VPN Routing/Forwarding instance name")
	v.complete = (*Console).vrfNames
	v.does(enterVRF)
	return &cmd{kids: []*cmd{
		kw("interface", "Select an interface to configure", ifc),
		kw("ip", "Global IP configuration subcommands",
			kw("vrf", "Configure an IP VPN Routing/Forwarding instance", v)),
		kw("end", "Exit from configure mode").does(end),
		kw("exit", "Exit from configure mode").does(exitConfig),
	}}
}

// ifTree is interface configuration mode (PE1(config-if)#).
func ifTree() *cmd {
	return &cmd{kids: []*cmd{
		kw("shutdown", "Shutdown the selected interface").does(shutdown),
		kw("no", "Negate a command or set its defaults",
			kw("shutdown", "Shutdown the selected interface").does(noShutdown)),
		kw("end", "Exit from configure mode").does(end),
		kw("exit", "Exit from interface configuration mode").does(exitConfig),
	}}
}

// vrfTree is VRF configuration mode (PE1(config-vrf)#): route targets.
func vrfTree() *cmd {
	rt := func(run func(*Console, *args) error) []*cmd {
		var out []*cmd
		for _, d := range []struct{ w, h string }{
			{"both", "Both import and export Target-VPN community"},
			{"export", "Export Target-VPN community"},
			{"import", "Import Target-VPN community"},
		} {
			out = append(out, kw(d.w, d.h, arg(argRT, "ASN:nn or IP-address:nn", "Target VPN Extended Community").does(run)))
		}
		return out
	}
	return &cmd{kids: []*cmd{
		kw("route-target", "Specify Target VPN Extended Communities", rt(addRT)...),
		kw("no", "Negate a command or set its defaults",
			kw("route-target", "Specify Target VPN Extended Communities", rt(removeRT)...)),
		kw("end", "Exit from configure mode").does(end),
		kw("exit", "Exit from VRF configuration mode").does(exitConfig),
	}}
}

func enterVRF(c *Console, a *args) error {
	name := a.get("WORD")
	if !slices.Contains(c.vrfNames(), name) {
		return fmt.Errorf("%s has no VRF %s; the console changes the route targets of a PE's VRFs (%s)", c.Node(), name, strings.Join(c.vrfNames(), ", "))
	}
	c.mode, c.vrf = modeVRF, name
	return nil
}

func addRT(c *Console, a *args) error    { return c.routeTarget(a, false) }
func removeRT(c *Console, a *args) error { return c.routeTarget(a, true) }

// routeTarget changes a route target of the VRF being configured; the
// network reconverges before the prompt returns.
func (c *Console) routeTarget(a *args, remove bool) error {
	ch := network.Change{Kind: network.RouteTarget, Node: c.Node(), VRF: c.vrf, RT: a.get("ASN:nn or IP-address:nn"), Remove: remove,
		Import: a.has("import") || a.has("both"), Export: a.has("export") || a.has("both")}
	ctx, cancel := c.ctx()
	defer cancel()
	return c.net.Change(ctx, ch)
}

func (c *Console) table(name, vrf string) (*network.Table, error) {
	return c.net.Table(c.Node(), name, vrf)
}

// absent prints why the router has no such table; true when it has none.
func (c *Console) absent(t *network.Table) bool {
	if t.Absent != "" {
		fmt.Fprintf(c.out, "%% %s\n", t.Absent)
		return true
	}
	return false
}

// show prints one of the router's tables as IOS does.
func (c *Console) show(name, vrf string, o render.IOSOptions) error {
	return render.IOS(c.out, c.net, c.Node(), name, vrf, o)
}

func showRoute(c *Console, a *args) error {
	return c.show("routes", a.get("WORD"), render.IOSOptions{})
}

func showVRF(c *Console, a *args) error {
	return c.show("vrfs", "", render.IOSOptions{Detail: a.has("detail")})
}

func showIfBrief(c *Console, _ *args) error {
	return c.show("interfaces", "", render.IOSOptions{AdminDown: func(ifc string) bool { return c.shut[c.Node()+" "+ifc] }})
}

func showARP(c *Console, a *args) error {
	return c.show("arp", a.get("WORD"), render.IOSOptions{})
}

func showBGP(c *Console, a *args) error { return c.show("vpnv4", a.get("WORD"), render.IOSOptions{}) }

func showBGPSummary(c *Console, a *args) error {
	return c.show("vpnv4", a.get("WORD"), render.IOSOptions{Summary: true})
}

func showBGPPrefix(c *Console, a *args) error {
	s := a.get("A.B.C.D")
	p, err := netip.ParsePrefix(s)
	if err != nil {
		// a bare address: the longest prefix of the table holding it, as
		// IOS looks it up
		t, err := c.table("vpnv4", "")
		if err != nil || c.absent(t) {
			return err
		}
		ad, _ := netip.ParseAddr(s)
		for _, r := range t.VPNv4.Rows {
			if r.Prefix.Contains(ad) && (!p.IsValid() || r.Prefix.Bits() > p.Bits()) {
				p = r.Prefix
			}
		}
		if !p.IsValid() {
			return render.ErrNotInTable
		}
	}
	return c.show("vpnv4", "", render.IOSOptions{Prefix: p})
}

func showLFIB(c *Console, a *args) error {
	return c.show("lfib", "", render.IOSOptions{Detail: a.has("detail")})
}

// The EVPN tables print as vpnsim's aligned tables (no IOS-XE layout is
// modelled for them).
func showEVI(c *Console, _ *args) error     { return c.show("evpn", "", render.IOSOptions{}) }
func showBGPEVPN(c *Console, _ *args) error { return c.show("bgp-evpn", "", render.IOSOptions{}) }
func showEVPNMAC(c *Console, a *args) error {
	return c.show("mac", a.get("WORD"), render.IOSOptions{})
}

func showLDPBindings(c *Console, _ *args) error { return c.show("ldp", "", render.IOSOptions{}) }

func showLDPNeighbors(c *Console, _ *args) error {
	return c.show("ldp-neighbors", "", render.IOSOptions{})
}

// probeOpts are a ping's or traceroute's options from the line.
func probeOpts(a *args) network.ProbeOptions {
	o := network.ProbeOptions{VRF: a.get("WORD"), DF: a.has("df-bit")}
	if s := a.get("size"); s != "" {
		o.Size, _ = strconv.Atoi(s)
	}
	if s := a.get("source"); s != "" {
		o.Source, _ = netip.ParseAddr(s)
	}
	return o
}

// successRate prints IOS's last line of a ping: of n requests, the
// successes with their round-trip times (ms).
func (c *Console) successRate(n int, rtts []int64) {
	ok := len(rtts)
	fmt.Fprintf(c.out, "Success rate is %d percent (%d/%d)", ok*100/n, ok, n)
	if ok > 0 {
		lo, hi, sum := rtts[0], rtts[0], int64(0)
		for _, x := range rtts {
			lo, hi, sum = min(lo, x), max(hi, x), sum+x
		}
		fmt.Fprintf(c.out, ", round-trip min/avg/max = %d/%d/%d ms", lo, sum/int64(ok), hi)
	}
	fmt.Fprintln(c.out)
}

func msec(d time.Duration) int64 { return int64(math.Round(float64(d) / float64(time.Millisecond))) }

func doPing(c *Console, a *args) error {
	dst := a.addr("A.B.C.D")
	n := 5
	if s := a.get("<1-2147483647>"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	o := probeOpts(a)
	fmt.Fprintf(c.out, "Type escape sequence to abort.\n")
	size := o.Size
	if size == 0 {
		size = packet.EchoLen
	}
	fmt.Fprintf(c.out, "Sending %d, %d-byte ICMP Echos to %s, timeout is 2 seconds:\n", n, size, dst)
	if o.Source.IsValid() {
		fmt.Fprintf(c.out, "Packet sent with a source address of %s \n", o.Source)
	}
	if o.DF {
		fmt.Fprintf(c.out, "Packet sent with the DF bit set\n")
	}
	var marks strings.Builder
	var rtts []int64
	for i := range n {
		r, err := c.net.Ping(c.Node(), dst, o)
		if err != nil {
			fmt.Fprintln(c.out)
			return err
		}
		switch r.Result {
		case network.Reply:
			marks.WriteByte('!')
			rtts = append(rtts, msec(r.RTT))
		case network.Unreachable:
			if r.Code == packet.UnreachFrag {
				marks.WriteByte('M') // IOS: could not fragment
			} else {
				marks.WriteByte('U')
			}
		case network.TTLExceeded:
			marks.WriteByte('&')
		default:
			marks.WriteByte('.')
		}
		if (i+1)%70 == 0 {
			marks.WriteByte('\n')
		}
	}
	fmt.Fprintln(c.out, strings.TrimSuffix(marks.String(), "\n"))
	c.successRate(n, rtts)
	return nil
}

// doTraceroute traces with three probes per TTL, as IOS does.
func doTraceroute(c *Console, a *args) error {
	dst := a.addr("A.B.C.D")
	o := probeOpts(a)
	fmt.Fprintf(c.out, "Type escape sequence to abort.\nTracing the route to %s\n", dst)
	if o.VRF != "" {
		fmt.Fprintf(c.out, "VRF info: (vrf in name/id, vrf out name/id)\n")
	}
	var runs [3]network.TraceResult
	for i := range runs {
		tr, err := c.net.Traceroute(c.Node(), dst, o)
		if err != nil {
			return err
		}
		runs[i] = tr
	}
	for h := range runs[0].Hops {
		line := fmt.Sprintf("%3d", h+1)
		var last netip.Addr
		for _, tr := range runs {
			if h >= len(tr.Hops) {
				continue
			}
			hop := tr.Hops[h]
			if hop.Result == network.Lost {
				line += " *"
				continue
			}
			if hop.ReplyAddr != last {
				line += " " + hop.ReplyAddr.String()
				if len(hop.Labels) > 0 {
					line += " " + render.MPLSExtension(hop.Labels)
				}
				last = hop.ReplyAddr
			}
			line += fmt.Sprintf(" %d msec", msec(hop.RTT))
			if hop.Result == network.Unreachable {
				line += " " + render.UnreachMarker(hop.Code)
			}
		}
		fmt.Fprintln(c.out, line)
	}
	return nil
}

func configure(c *Console, _ *args) error {
	fmt.Fprintln(c.out, "Enter configuration commands, one per line.  End with CNTL/Z.")
	c.mode = modeConfig
	return nil
}

func connect(c *Console, a *args) error {
	to := a.get("WORD")
	if !c.isNode(to) {
		return fmt.Errorf("Unknown host %s; the routers are %s", to, strings.Join(c.names(), ", "))
	}
	fmt.Fprintf(c.out, "Trying %s ... Open\n\n", to)
	c.stack = append(c.stack, to)
	return nil
}

func exit(c *Console, _ *args) error {
	left := c.Node()
	c.stack = c.stack[:len(c.stack)-1]
	if !c.Done() {
		fmt.Fprintf(c.out, "\n[Connection to %s closed by foreign host]\n", left)
	}
	return nil
}

func end(c *Console, _ *args) error {
	c.mode, c.iface = modeExec, ""
	return nil
}

func exitConfig(c *Console, _ *args) error {
	switch c.mode {
	case modeIf, modeVRF:
		c.mode, c.iface, c.vrf = modeConfig, "", ""
	default:
		c.mode = modeExec
	}
	return nil
}

func enterInterface(c *Console, a *args) error {
	name := a.get("WORD")
	if !slices.Contains(c.ifNames(), name) {
		return fmt.Errorf("%s has no interface %s; its interfaces are %s", c.Node(), name, strings.Join(c.ifNames(), ", "))
	}
	c.mode, c.iface = modeIf, name
	return nil
}

// peerOf is the router at the other end of one of the current router's
// interfaces.
func (c *Console) peerOf(iface string) (string, error) {
	t, err := c.table("interfaces", "")
	if err != nil {
		return "", err
	}
	for _, r := range t.Interfaces {
		if r.Interface == iface {
			node, _, _ := strings.Cut(r.Neighbor, ":")
			return node, nil
		}
	}
	return "", fmt.Errorf("%s has no interface %s", c.Node(), iface)
}

// shutdown takes the interface's link down and waits for the network to
// converge; it prints what IOS logs (the link, the line protocol) and the
// LDP and BGP neighbours that went down with it.
func shutdown(c *Console, _ *args) error { return c.setIf(true) }

func noShutdown(c *Console, _ *args) error { return c.setIf(false) }

func (c *Console) setIf(down bool) error {
	key := c.Node() + " " + c.iface
	if c.shut[key] == down {
		return nil // already so: IOS says nothing
	}
	peer, err := c.peerOf(c.iface)
	if err != nil {
		return err
	}
	before := c.neighbours()
	kind := network.Restore
	if down {
		kind = network.Fail
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.net.Change(ctx, network.Change{Kind: kind, Link: [2]string{c.Node(), peer}}); err != nil {
		return err
	}
	if down {
		c.shut[key] = true
		fmt.Fprintf(c.out, "%%LINK-5-CHANGED: Interface %s, changed state to administratively down\n", c.iface)
		fmt.Fprintf(c.out, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to down\n", c.iface)
	} else {
		delete(c.shut, key)
		fmt.Fprintf(c.out, "%%LINK-3-UPDOWN: Interface %s, changed state to up\n", c.iface)
		fmt.Fprintf(c.out, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to up\n", c.iface)
	}
	after := c.neighbours()
	for _, k := range sortedKeys(before, after) {
		down, up := " DOWN", " UP"
		if strings.HasPrefix(k, "%BGP") {
			down, up = " Down", " Up"
		}
		switch b, a := before[k], after[k]; {
		case b && !a:
			fmt.Fprintln(c.out, k+down)
		case a && !b:
			fmt.Fprintln(c.out, k+up)
		}
	}
	return nil
}

// neighbours are the current router's up LDP and BGP neighbours, as the
// log lines that announce them name them.
func (c *Console) neighbours() map[string]bool {
	out := map[string]bool{}
	if t, err := c.table("ldp-neighbors", ""); err == nil {
		for _, n := range t.LDPPeers {
			out[fmt.Sprintf("%%LDP-5-NBRCHG: LDP Neighbor %s:0 (%s) is", n.PeerID, n.Neighbor)] = true
		}
	}
	if t, err := c.table("bgp", ""); err == nil {
		for _, s := range t.BGP {
			if s.State == network.Established || s.State == network.ExternalEstablished {
				vrf := ""
				if s.VRF != "" {
					vrf = " vpn vrf " + s.VRF
				}
				out[fmt.Sprintf("%%BGP-5-ADJCHANGE: neighbor %s%s (%s)", s.NeighborAddr, vrf, s.Neighbor)] = true
			}
		}
	}
	return out
}

func sortedKeys(ms ...map[string]bool) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// lspRepeat adds ping mpls's repeat option to the FEC argument.
func lspRepeat(fec *cmd) *cmd {
	n := arg(argNum, "<1-2147483647>", "Repeat count").does(doLSPPing)
	n.min, n.max = 1, math.MaxInt32
	fec.kids = append(fec.kids, kw("repeat", "specify repeat count", n))
	return fec
}

const lspCodes = `Codes: '!' - success, 'Q' - request not sent, '.' - timeout,
  'L' - labeled output interface, 'B' - unlabeled output interface, 
  'D' - DS Map mismatch, 'F' - no FEC mapping, 'f' - FEC mismatch,
  'M' - malformed request, 'm' - unsupported tlvs, 'N' - no label entry, 
  'P' - no rx intf label prot, 'p' - premature termination of LSP, 
  'R' - transit router, 'I' - unknown upstream index,
  'l' - Label switched with FEC change, 'd' - see DDMAP for return code,
  'X' - unknown return code, 'x' - return code 0
`

// fecArg is the FEC of ping or traceroute mpls: a /32 provider loopback.
func fecArg(a *args) (netip.Prefix, error) {
	s := a.get("A.B.C.D/nn")
	p, err := netip.ParsePrefix(s)
	if err != nil {
		ad, _ := netip.ParseAddr(s)
		p = netip.PrefixFrom(ad, 32)
	}
	if p.Bits() != 32 {
		return p, fmt.Errorf("%s: LDP binds provider loopbacks; give a /32", p)
	}
	return p, nil
}

func doLSPPing(c *Console, a *args) error {
	fec, err := fecArg(a)
	if err != nil {
		return err
	}
	n := 5
	if s := a.get("<1-2147483647>"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	fmt.Fprintf(c.out, "Sending %d, %d-byte MPLS Echos to %s, \n     timeout is 2 seconds, send interval is 0 msec:\n\n%s\nType escape sequence to abort.\n",
		n, 20+4+8+48, fec, lspCodes)
	var marks strings.Builder
	var rtts []int64
	for range n {
		r, err := c.net.Ping(c.Node(), fec.Addr(), network.ProbeOptions{MPLS: true})
		if err != nil {
			marks.WriteByte('Q') // request not sent
			fmt.Fprintln(c.out, marks.String())
			return err
		}
		switch {
		case r.Result != network.Reply:
			marks.WriteByte('.')
		default:
			marks.WriteByte(packet.ReturnCodeMark(r.ReturnCode))
			if r.ReturnCode == packet.RCEgress {
				rtts = append(rtts, msec(r.RTT))
			}
		}
	}
	fmt.Fprintln(c.out, marks.String())
	c.successRate(n, rtts)
	return nil
}

func doLSPTrace(c *Console, a *args) error {
	fec, err := fecArg(a)
	if err != nil {
		return err
	}
	tr, err := c.net.Traceroute(c.Node(), fec.Addr(), network.ProbeOptions{MPLS: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Tracing MPLS Label Switched Path to %s, timeout is 2 seconds\n\n%s\nType escape sequence to abort.\n", fec, lspCodes)
	for _, h := range tr.Hops {
		if h.Result != network.Reply {
			fmt.Fprintf(c.out, ". %d *\n", h.TTL)
			continue
		}
		fmt.Fprintf(c.out, "%c %d %s %d ms\n", packet.ReturnCodeMark(h.ReturnCode), h.TTL, h.ReplyAddr, msec(h.RTT))
	}
	return nil
}
