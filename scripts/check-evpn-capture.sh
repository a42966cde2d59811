#!/usr/bin/env bash
# check-evpn-capture.sh: proves that tshark decodes the Ethernet frames
# vpnsim's EVPN carries under MPLS labels (RFC 7432: a zero pseudowire
# control word, then the customer's frame whole, 802.1Q tag included).
#
# It captures, on the built-in wide-area-ethernet topology, X1 pinging X2
# (ARP flooded across the core, then unicast) and X1 sending a frame of
# ethertype 0x88b5 to X2, and reads both back with tshark, each EVPN label
# decoded as "PW Ethernet (control word)" (Wireshark's Decode As; its
# heuristic for MPLS payloads takes some control words for a plain Ethernet
# header, see docs/real-lab.md). It checks that
#   - no frame is malformed or raises an expert error;
#   - every labelled frame decodes as mpls, pwethcw, eth, vlan 100 and then
#     ARP, IPv4 or the customer's ethertype;
#   - the 0x88b5 frame crosses the core with its ethertype unchanged.
# Needs Go and tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
fail() { echo "check-evpn-capture: FAIL: $*" >&2; exit 1; }
command -v tshark >/dev/null || fail "tshark is not installed (apt-get install tshark)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o bin/vpnsim ./cmd/vpnsim
bin/vpnsim ping wide-area-ethernet X1 172.16.0.2 --pcap "$work/ping.pcapng" >/dev/null
bin/vpnsim frame wide-area-ethernet X1 X2 --ethertype 0x88b5 --pcap "$work/frame.pcapng" >/dev/null

# every EVPN label of every PE, decoded as Ethernet behind a control word
decode=()
for pe in PE1 PE2 PE3; do
	for l in $(bin/vpnsim show wide-area-ethernet "$pe" evpn --format json | sed -n 's/.*"\(bum_\)\{0,1\}label": "\([0-9][0-9]*\)".*/\2/p'); do
		decode+=(-d "mpls.label==$l,pwethcw")
	done
done
[ ${#decode[@]} -gt 0 ] || fail "no EVPN label found in vpnsim show ... evpn"
echo "check-evpn-capture: tshark ${decode[*]}"

check() {
	local file=$1 want=$2
	tshark -r "$file" "${decode[@]}" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number -e frame.protocols -e _ws.malformed -e _ws.expert.severity -e vlan.id -e vlan.etype -e pweth.cw \
		2>"$work/stderr" >"$work/fields" || { cat "$work/stderr" >&2; fail "tshark could not read $file"; }
	awk -F'\t' -v want="$want" '
	function bad(m) { print "check-evpn-capture: frame " $1 ": " m > "/dev/stderr"; errors++ }
	{
		frames++
		if ($3 != "") bad("malformed")
		n = split($4, sev, ","); for (i = 1; i <= n; i++) if (sev[i] + 0 >= 8388608) bad("expert error " sev[i])
		if ($2 ~ /:mpls:/) {
			labelled++
			if ($2 !~ /:mpls:(pwethcw:)?eth:ethertype:vlan:ethertype:/) bad("a labelled frame decodes as " $2)
			if ($7 == "") bad("no control word decoded")
			if ($5 !~ /100/) bad("no VLAN 100 inside")
			if (want != "" && $6 ~ want) carried++
		}
	}
	END {
		printf "check-evpn-capture: %d frames, %d labelled (Ethernet in MPLS), %d of those carry %s; %d problems\n", frames, labelled, carried, (want == "" ? "-" : want), errors
		if (labelled == 0) { print "check-evpn-capture: no labelled frame" > "/dev/stderr"; errors++ }
		if (want != "" && carried == 0) { print "check-evpn-capture: no labelled frame carries " want > "/dev/stderr"; errors++ }
		exit errors > 0
	}' "$work/fields" || fail "$file does not decode as it should"
}
check "$work/ping.pcapng" "0x0806"
check "$work/frame.pcapng" "0x88b5"
echo "check-evpn-capture: OK"
