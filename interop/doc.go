// Package interop is vpnsim's interoperability suite: `make interop` (which
// runs scripts/interop.sh) starts `vpnsim serve` on a topology with two
// external peers and connects real BGP implementations to it, FRR's bgpd
// and gobgpd (Debian's frr and gobgpd packages), then compares what each
// side holds with what the other advertised. The suite is a test behind the
// build tag interop, so that `go test ./...` never needs either daemon;
// docs/real-peers.md describes what it checks and the configurations it
// uses.
package interop
