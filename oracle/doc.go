// Package oracle compares vpnsim's control plane with real FRR's: the
// oracle suite (build tag oracle, `make oracle`, scripts/oracle.sh) runs
// every built-in topology and one Topology Zoo backbone in FRR 8.4 daemons
// (zebra, staticd, isisd, ldpd, bgpd) inside network namespaces, with the
// configurations `vpnsim export frr` writes, waits until FRR has converged,
// reads FRR's JSON and compares it table by table with what package lab
// computes for the same topology.
//
// The comparison itself (facts.go: every table as keyed facts; frr.go:
// FRR's JSON as facts; sim.go: vpnsim's tables as facts; allow.go: the
// reviewed allow-list, allow.yaml) has no build tag: its unit tests run
// with `go test ./oracle`, on FRR output recorded by a real run
// (testdata/), so a change in vpnsim that FRR would disagree with fails
// there too. Only the namespaces and daemons (netns.go) and the suite
// (oracle_test.go) need the tag, root and FRR. docs/real-lab.md describes
// what is compared and what cannot be.
package oracle
