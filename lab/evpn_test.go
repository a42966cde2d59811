package lab_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/topologies"
)

// The separation property for wide-area Ethernet: in random networks of
// two to four PEs where two or three customers each have an E-LAN over a
// random set of PEs, with VLAN numbers drawn from the same two (so
// customers share them) and host addresses from the same LAN, a broadcast
// frame from any host reaches every other host of its own E-LAN and no
// host of another, whatever the VLANs; so does a unicast frame to a host of
// another customer's E-LAN: it reaches nobody.
func TestEVPNSeparationProperty(t *testing.T) {
	checks := "12"
	if testing.Short() {
		checks = "4"
	}
	setFlag(t, "rapid.checks", checks)
	rapid.Check(t, func(rt *rapid.T) {
		pes := rapid.IntRange(2, 4).Draw(rt, "pes")
		evpns := rapid.IntRange(2, 3).Draw(rt, "evpns")
		var b strings.Builder
		b.WriteString("name: evpn-property\nprovider: {asn: 65000}\nnodes:\n  P1: {role: p, loopback: 10.0.0.100}\n")
		for i := 1; i <= pes; i++ {
			fmt.Fprintf(&b, "  PE%d: {role: pe, loopback: 10.0.0.%d}\n", i, i)
		}
		type host struct {
			name, evpn string
			pe, vlan   int
		}
		var hosts []host
		for e := 0; e < evpns; e++ {
			name := string(rune('A' + e))
			n := rapid.IntRange(2, 4).Draw(rt, "hosts "+name)
			for h := 0; h < n; h++ {
				hosts = append(hosts, host{
					name: fmt.Sprintf("%s%d", name, h+1), evpn: name,
					pe:   rapid.IntRange(1, pes).Draw(rt, fmt.Sprintf("pe of %s%d", name, h+1)),
					vlan: rapid.SampledFrom([]int{0, 100, 200}).Draw(rt, fmt.Sprintf("vlan of %s%d", name, h+1)),
				})
			}
		}
		for i, h := range hosts {
			// every customer numbers its hosts from the same LAN
			idx := 1
			for _, o := range hosts[:i] {
				if o.evpn == h.evpn {
					idx++
				}
			}
			fmt.Fprintf(&b, "  %s: {role: ce, lan-address: 172.16.0.%d/24}\n", h.name, idx)
		}
		b.WriteString("evpns:\n")
		for e := 0; e < evpns; e++ {
			fmt.Fprintf(&b, "  %c: {rd: auto, route-target: [\"65000:%d\"]}\n", 'A'+e, 100+e)
		}
		b.WriteString("links:\n")
		for i := 1; i <= pes; i++ {
			fmt.Fprintf(&b, "  - {endpoints: [PE%d, P1]}\n", i)
		}
		for _, h := range hosts {
			vlan := ""
			if h.vlan != 0 {
				vlan = fmt.Sprintf(", vlan: %d", h.vlan)
			}
			fmt.Fprintf(&b, "  - {endpoints: [%s, PE%d], evpn: %s%s}\n", h.name, h.pe, h.evpn, vlan)
		}
		topo, _, err := topologies.Parse("evpn-property.yaml", []byte(b.String()))
		if err != nil {
			rt.Fatalf("%v\n%s", err, b.String())
		}
		l, err := lab.New(topo, lab.Options{NoRIBAudit: true})
		if err != nil {
			rt.Fatal(err)
		}
		defer l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := l.Start(ctx); err != nil {
			rt.Fatal(err)
		}
		for _, h := range hosts {
			var want []string
			for _, o := range hosts {
				if o.evpn == h.evpn && o.name != h.name {
					want = append(want, o.name)
				}
			}
			slices.Sort(want)
			r, err := l.SendFrame(h.name, network.FrameOptions{To: "broadcast"})
			if err != nil {
				rt.Fatal(err)
			}
			if !slices.Equal(r.DeliveredTo, want) {
				rt.Fatalf("a broadcast from %s (EVPN %s, VLAN %d) reached %v, want %v\n%s", h.name, h.evpn, h.vlan, r.DeliveredTo, want, b.String())
			}
			for _, o := range hosts {
				if o.evpn == h.evpn {
					continue
				}
				r, err := l.SendFrame(h.name, network.FrameOptions{To: o.name})
				if err != nil {
					rt.Fatal(err)
				}
				if len(r.DeliveredTo) > 0 {
					rt.Fatalf("a frame from %s (EVPN %s) to %s (EVPN %s) reached %v\n%s", h.name, h.evpn, o.name, o.evpn, r.DeliveredTo, b.String())
				}
			}
		}
	})
}
