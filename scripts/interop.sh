#!/usr/bin/env bash
# make interop: vpnsim against real BGP implementations. Builds vpnsim, then
# runs the interop suite (interop/, build tag interop): vpnsim serve on a
# topology with two external peers, FRR's bgpd as a route-reflector client
# of RR1 and gobgpd as an iBGP neighbour of PE1, every socket on
# 127.0.0.0/8, with more external peers for the cases docs/real-peers.md
# section 6 lists (the suite fails if one is missing). It prints what it
# compared. Then scripts/malformed-peer.py runs on its own: it starts a
# vpnsim serve of its own and sends every class of malformed input from
# Python. Needs Debian's frr, gobgpd and python3 packages (apt-get install
# frr gobgpd python3). docs/real-peers.md explains it.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in /usr/lib/frr/bgpd vtysh gobgpd gobgp python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "interop: $tool is missing; install Debian's frr, gobgpd and python3 packages (apt-get install frr gobgpd python3)" >&2
		exit 1
	fi
done

dir=$(mktemp -d /tmp/vpnsim-interop.XXXXXX)
# Whatever happens (a failed check, a crash, Ctrl-C), stop every daemon the
# suite started (each leads its own process group; their pids are in
# $dir/pids) and remove the work directory.
cleanup() {
	status=$?
	if [ -f "$dir/pids" ]; then
		alive=()
		while read -r pid; do
			if kill -TERM -- "-$pid" 2>/dev/null; then alive+=("$pid"); fi
		done <"$dir/pids"
		if [ ${#alive[@]} -gt 0 ]; then
			echo "interop: stopping what the suite left running: ${alive[*]}" >&2
			sleep 2
			for pid in "${alive[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
		fi
	fi
	if [ "$status" -ne 0 ]; then
		for log in "$dir"/*.log; do
			[ -f "$log" ] || continue
			echo "---- $log (last lines)"
			tail -n 20 "$log"
		done
	fi
	rm -rf "$dir"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

go build -o "$dir/vpnsim" ./cmd/vpnsim
go test -tags interop -count=1 -v -timeout 5m ./interop -args -vpnsim "$dir/vpnsim" -dir "$dir"
echo "interop: scripts/malformed-peer.py against a vpnsim serve of its own"
python3 scripts/malformed-peer.py --vpnsim "$dir/vpnsim"
