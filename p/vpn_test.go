package p

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpnsim/vpnsim/mpls"
	"github.com/vpnsim/vpnsim/packet"
	"github.com/vpnsim/vpnsim/vrf"
)

// vpnWire is a wire whose PEs forward in VRF A by hand-made tables: PE1
// has PE2's route to A2's LAN (VPN label 100000), PE2 has its own route to
// A2 and label 100000 in its LFIB (op pop-lookup or pop-deliver).
func vpnWire(t *testing.T, name string, op mpls.Op) (*wire, int) {
	t.Helper()
	w := newWire(t, name, nil)
	lan := netip.MustParsePrefix("10.1.2.0/24")
	vrfA := func(r *LSR) *vrf.VRF {
		var vrfs []*vrf.VRF
		for _, v := range w.t.VRFs {
			vrfs = append(vrfs, vrf.New(v.Name, v.RDOn(r.Config), v.Import, v.Export))
		}
		r.AttachVRFs(vrfs)
		return r.VRF("A")
	}
	pe1, pe2 := w.lsr["PE1"], w.lsr["PE2"]
	vrfA(pe1).Install([]*vrf.Route{{Prefix: lan, Proto: vrf.IBGP, NextHop: pe2.Config.Loopback, PE: "PE2", Label: 100000}})
	a2 := vrfA(pe2)
	var toA2 *Attachment
	for _, a := range pe2.Attach {
		if a.CE == "A2" {
			toA2 = a
		}
	}
	a2.Install([]*vrf.Route{{Prefix: lan, Proto: vrf.Static, IfIndex: toA2.IfIndex, CE: "A2", NextHop: toA2.CEAddr, Exported: true}})
	e := &mpls.Entry{In: 100000, Op: op, VRF: "A", Owner: "BGP", FEC: lan}
	if op == mpls.OpPopDeliver {
		e.NextHops = []mpls.NHLFE{{NextHop: mpls.NextHop{Neighbor: "A2", Interface: pe2.Node.Ifaces[toA2.IfIndex].Name, IfIndex: toA2.IfIndex, Addr: toA2.CEAddr}}}
	}
	pe2.Tables.LFIB().Insert(e)
	for _, a := range pe1.Attach {
		if a.CE == "A1" {
			return w, a.IfIndex
		}
	}
	t.Fatal("PE1 has no attachment to A1")
	return nil, 0
}

// A packet from A1 to A2 across the PEs' VRFs: the ingress PE pushes the VPN
// label under the transport label, both with the TTL RFC 3443 gives them
// (the IP TTL in uniform mode, 255 in pipe mode), and the egress PE pops the
// VPN label and sends the packet to A2, by a lookup in VRF A or straight
// (per-CE and per-prefix labels), with the IP TTL the mode writes.
func TestVPNIngressAndEgress(t *testing.T) {
	tests := []struct {
		topo string
		op   mpls.Op
		want []string
		note string
	}{
		{"classic", mpls.OpPopLookup, []string{
			"PE1:eth1 -> P1:eth1 [18 ttl 63][100000 ttl 63][10.1.1.1>10.1.2.1 ttl 63]",
			"P1:eth2 -> P2:eth1 [18 ttl 62][100000 ttl 63][10.1.1.1>10.1.2.1 ttl 63]",
			"P2:eth2 -> PE2:eth1 [100000 ttl 61][10.1.1.1>10.1.2.1 ttl 63]",
			"PE2:eth2 -> A2:eth1 [10.1.1.1>10.1.2.1 ttl 60]",
		}, "PE2: VPN label 100000 = VRF A, lookup 10.1.2.1"},
		{"pipe", mpls.OpPopLookup, []string{
			"PE1:eth1 -> P1:eth1 [18 ttl 255][100000 ttl 255][10.1.1.1>10.1.2.1 ttl 63]",
			"P1:eth2 -> P2:eth1 [18 ttl 254][100000 ttl 255][10.1.1.1>10.1.2.1 ttl 63]",
			"P2:eth2 -> PE2:eth1 [100000 ttl 253][10.1.1.1>10.1.2.1 ttl 63]",
			"PE2:eth2 -> A2:eth1 [10.1.1.1>10.1.2.1 ttl 62]",
		}, "PE2: VPN label 100000 = VRF A, lookup 10.1.2.1"},
		{"classic", mpls.OpPopDeliver, []string{
			"PE1:eth1 -> P1:eth1 [18 ttl 63][100000 ttl 63][10.1.1.1>10.1.2.1 ttl 63]",
			"P1:eth2 -> P2:eth1 [18 ttl 62][100000 ttl 63][10.1.1.1>10.1.2.1 ttl 63]",
			"P2:eth2 -> PE2:eth1 [100000 ttl 61][10.1.1.1>10.1.2.1 ttl 63]",
			"PE2:eth2 -> A2:eth1 [10.1.1.1>10.1.2.1 ttl 60]",
		}, "PE2: VPN label 100000 = VRF A, prefix 10.1.2.0/24: straight to A2"},
	}
	for _, tc := range tests {
		t.Run(tc.topo+" "+tc.op.String(), func(t *testing.T) {
			w, in := vpnWire(t, tc.topo, tc.op)
			w.lsr["PE1"].Receive(packet.NewFrame(packet.EchoRequest(src, dst, 64, 1, 1), packet.Meta{Origin: "A1"}), in)
			if err := w.net.Run(); err != nil {
				t.Fatal(err)
			}
			if strings.Join(w.sent, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(w.sent, "\n"), strings.Join(tc.want, "\n"))
			}
			if !slices.Contains(w.notes, tc.note) {
				t.Errorf("no note %q in %q", tc.note, w.notes)
			}
		})
	}
}
