#!/usr/bin/env bash
# growth.sh: the cost of growth (issue 23, docs/performance.md "The cost of
# growth"). Each run is what a user does: vpnsim gen, then vpnsim show on
# the result, the show measured whole by /usr/bin/time -v (wall time, CPU
# time, peak resident memory). Two sweeps over the network of gen --help's
# 100k example (1 000 P routers, 2 route reflectors, 200 VRFs on 3 PEs
# each, 5 sites each):
#   prefixes: 1 000, 10 000, 100 000 and 300 000 VPN prefixes at 20 PEs;
#   pes:      10, 20, 50 and 100 PEs at 100 000 prefixes.
# It writes the table to bin/growth.tsv and draws it as docs/growth.png
# (internal/growthplot, gonum/plot). One run per point: about a quarter of
# an hour and up to 12 GB on a 2-core machine. POINTS="prefixes:1000 ..."
# runs fewer (sweep:size).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
command -v /usr/bin/time >/dev/null || { echo "growth: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
go build -o bin/vpnsim ./cmd/vpnsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=bin/growth.tsv
points=${POINTS:-"prefixes:1000 prefixes:10000 prefixes:100000 prefixes:300000 pes:10 pes:20 pes:50 pes:100"}
printf 'sweep\tprefixes\tpes\twall_s\tcpu_s\trss_gb\n' > "$out.new"
for pt in $points; do
	sweep=${pt%%:*} size=${pt#*:}
	pes=20 sites=5 lans=99 # 200 VRFs x 5 sites x 99 LANs + 1 000 attachment subnets = 100 000
	case $sweep in
	prefixes)
		case $size in
		1000) lans=0 ;;
		10000) lans=9 ;;
		100000) lans=99 ;;
		300000) sites=15 lans=99 ;;
		*) echo "growth: $pt: prefixes is one of 1000, 10000, 100000, 300000" >&2; exit 2 ;;
		esac ;;
	pes) pes=$size ;;
	*) echo "growth: $pt: the sweep is prefixes or pes" >&2; exit 2 ;;
	esac
	gen=(--p 1000 --pe "$pes" --rr 2 --vrfs 200 --vrf-pes 3 --sites "$sites" --prefixes "$lans")
	bin/vpnsim gen "${gen[@]}" -o "$work/net.yaml" >/dev/null
	prefixes=$((200 * sites * lans + 200 * sites))
	echo "growth: $sweep $size: vpnsim gen ${gen[*]}; /usr/bin/time -v vpnsim show net.yaml PE1 bgp ($prefixes prefixes, $pes PEs)"
	if ! /usr/bin/time -v bin/vpnsim show "$work/net.yaml" PE1 bgp >/dev/null 2>"$work/time"; then
		echo "growth: $sweep $size failed; vpnsim said:" >&2
		grep -v '^	' "$work/time" | tail -5 >&2
		exit 1
	fi
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$work/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.2f", $2 * 1024 / 1e9 }' "$work/time")
	echo "growth: $sweep $size: ${wall} s wall, ${cpu} CPU-s, ${rss} GB peak resident"
	printf '%s\t%d\t%d\t%s\t%s\t%s\n' "$sweep" "$prefixes" "$pes" "$wall" "$cpu" "$rss" >> "$out.new"
done
mv "$out.new" "$out"
go run ./internal/growthplot -o docs/growth.png "$out"
echo "growth: wrote $out and docs/growth.png"
column -t -s $'\t' "$out"
