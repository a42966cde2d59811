#!/usr/bin/env bash
# check-mtu-capture.sh: proves that tshark decodes fragments and the
# fragmentation needed vpnsim puts on the wire (docs/spec/topology.md,
# link key mtu).
#
# It captures two pings across classic's 1500-byte links:
#   - 3000 bytes without DF: every fragment's IPv4 checksum is good, no
#     frame is malformed or raises an expert error, tshark reassembles the
#     echo request and the echo reply;
#   - 1500 bytes with DF: PE1 answers ICMP destination unreachable code 4
#     (fragmentation needed) with next-hop MTU 1492 (1500 less two labels).
# Needs Go and tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
fail() { echo "check-mtu-capture: FAIL: $*" >&2; exit 1; }
command -v tshark >/dev/null || fail "tshark is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o bin/vpnsim ./cmd/vpnsim
bin/vpnsim ping classic A1 10.1.2.1 --size 3000 --pcap "$work/frag.pcapng"
bin/vpnsim ping classic A1 10.1.2.1 --size 1500 --df --pcap "$work/df.pcapng" || true

tshark -r "$work/frag.pcapng" -o ip.check_checksum:TRUE -T fields -E separator=/t -E occurrence=f \
	-e frame.number -e frame.interface_name -e ip.flags.mf -e ip.checksum.status -e _ws.malformed \
	-e _ws.expert.severity -e icmp.type -e arp.opcode 2>/dev/null >"$work/frag"
frames=$(wc -l <"$work/frag")
awk -F'\t' '
	$8 != "" { arps++; if ($5 != "") { print "check-mtu-capture: frame " $1 " (ARP) is malformed" > "/dev/stderr"; bad++ }; next }
	$3 == "1" { frags++ }
	$4 != "1" { print "check-mtu-capture: frame " $1 " has a bad IPv4 checksum" > "/dev/stderr"; bad++ }
	$5 != "" { print "check-mtu-capture: frame " $1 " is malformed" > "/dev/stderr"; bad++ }
	$6 + 0 >= 8388608 { print "check-mtu-capture: frame " $1 " raises an expert error" > "/dev/stderr"; bad++ }
	$7 == "8" { req++ }
	$7 == "0" { rep++ }
	END {
		printf "check-mtu-capture: %d frames (%d ARP), %d of them fragments with more to come, %d reassembled echo requests, %d echo replies\n", NR, arps, frags, req, rep
		if (frags == 0 || req == 0 || rep == 0) bad++
		exit bad > 0
	}' "$work/frag" || fail "the fragmented ping does not decode as it should"

tshark -r "$work/df.pcapng" -T fields -E separator=/t -E occurrence=f -e frame.interface_name -e icmp.type -e icmp.code -e icmp.mtu \
	-e _ws.malformed 2>/dev/null >"$work/df"
grep -q $'^PE1:eth2\t3\t4\t1492\t$' "$work/df" || { cat "$work/df" >&2; fail "no fragmentation needed (code 4, MTU 1492) from PE1 to A1"; }
echo "check-mtu-capture: PE1 answers the 1500-byte DF ping with fragmentation needed, next-hop MTU 1492"
echo "check-mtu-capture: OK ($frames frames)"
