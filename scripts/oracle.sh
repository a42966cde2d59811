#!/usr/bin/env bash
# make oracle: FRR as the oracle. Runs every built-in topology and one
# Topology Zoo backbone (Abilene) in real FRR 8.4 daemons (zebra, staticd,
# isisd, ldpd, bgpd; Debian's frr package) inside network namespaces, with
# the configurations vpnsim export frr writes, and compares FRR's IS-IS,
# LDP, VPNv4 and VRF tables with vpnsim's (oracle/, build tag oracle). Every
# difference is printed as a row; one not in oracle/allow.yaml fails the
# run. Needs root (network namespaces). docs/real-lab.md, "FRR as the
# oracle", explains it.
#
#   ORACLE_TOPOLOGIES=classic,ring make oracle    # only these
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "oracle: it creates network namespaces: run it as root (sudo make oracle)" >&2
	exit 1
fi
for tool in ip vtysh /usr/lib/frr/zebra /usr/lib/frr/staticd /usr/lib/frr/isisd /usr/lib/frr/ldpd /usr/lib/frr/bgpd; do
	if ! command -v "$tool" >/dev/null; then
		echo "oracle: $tool is missing; install Debian's frr package (apt-get install frr)" >&2
		exit 1
	fi
done

# Every namespace of this run is named PREFIX-NN-NODE; the prefix is new
# for each run, so the clean-up below can only ever touch what this run made.
prefix="vo$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
dir=$(mktemp -d /tmp/vpnsim-oracle.XXXXXX)
cleanup() {
	status=$?
	# The suite tears down after each topology and on an interrupt; this is
	# for what a crash or a kill -9 of the test left: stop the processes in
	# this run's namespaces, then delete the namespaces.
	left=$(ip netns list | awk '{print $1}' | grep "^$prefix-" || true)
	if [ -n "$left" ]; then
		echo "oracle: removing what the run left: $(echo "$left" | wc -l) namespaces $prefix-*" >&2
		for ns in $left; do
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
		done
		sleep 2
		for ns in $left; do
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
			ip netns del "$ns" 2>/dev/null || true
		done
	fi
	rm -rf "$dir"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

args=(-prefix "$prefix" -dir "$dir")
if [ -n "${ORACLE_TOPOLOGIES:-}" ]; then
	args+=(-topologies "$ORACLE_TOPOLOGIES")
fi
echo "oracle: namespaces $prefix-*, work directory $dir"
go test -tags oracle -count=1 -v -timeout 15m ./oracle -run '^TestOracle$' -args "${args[@]}"
