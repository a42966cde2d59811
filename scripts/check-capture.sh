#!/usr/bin/env bash
# check-capture.sh: proves that tshark decodes vpnsim's pcapng captures.
#
# It captures `traceroute classic A1 10.1.2.1` (every frame on every link) and
# reads it back with tshark, checking that
#   - tshark reads the whole file without a complaint;
#   - every frame is on an interface named NODE:IFNAME and holds ICMP or ARP
#     (the static attachments resolve their neighbour first, RFC 826);
#   - no frame is malformed or raises an expert item of severity error, and no
#     IPv4, ICMP or ICMP extension checksum is bad;
#   - MPLS label stacks appear: the echo request leaves PE1:eth1 as 202/404;
#   - ICMP time exceeded messages carry the RFC 4950 MPLS extension: P1's
#     (100.64.0.1) reports the stack 202/404 it received.
#
# Usage: scripts/check-capture.sh [FILE]
# With FILE it checks that capture (of the same traceroute) instead of
# writing one. Needs Go and tshark (Debian: apt-get install tshark).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

fail() { echo "check-capture: FAIL: $*" >&2; exit 1; }

command -v tshark >/dev/null || fail "tshark is not installed (Debian/Ubuntu: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
	file=$1
	[ -r "$file" ] || fail "cannot read $file"
else
	file=$work/traceroute.pcapng
	go build -o bin/vpnsim ./cmd/vpnsim
	if bin/vpnsim traceroute --help 2>/dev/null | grep -q -- '--pcap'; then
		echo "check-capture: bin/vpnsim traceroute classic A1 10.1.2.1 --pcap $file"
		bin/vpnsim traceroute classic A1 10.1.2.1 --pcap "$file"
	else
		echo "check-capture: go test ./capture -run TestWriteCaptureFile -args -out $file (vpnsim has no --pcap flag)"
		go test -count=1 ./capture -run '^TestWriteCaptureFile$' -args -out "$file" >"$work/gotest" 2>&1 ||
			{ cat "$work/gotest" >&2; fail "go test could not write the capture"; }
	fi
fi
[ -s "$file" ] || fail "$file is empty"
echo "check-capture: $(tshark --version 2>/dev/null | head -1)"

# One line per frame, fields tab-separated, repeated fields joined by commas
# (outer header first: an ICMP error's quoted packet comes after).
fields=(frame.number frame.interface_name ip.src mpls.label icmp.type
	ip.checksum.status icmp.checksum.status icmp.ext.checksum.status
	icmp.mpls.label _ws.expert.severity _ws.malformed
	mpls.bottom mpls.ttl icmp.mpls.s icmp.mpls.ttl arp.opcode)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done
echo "check-capture: tshark -r $file -o ip.check_checksum:TRUE -T fields ${args[*]}"
if ! tshark -r "$file" -o ip.check_checksum:TRUE -T fields -E separator=/t -E occurrence=a -E aggregator=, \
	"${args[@]}" >"$work/fields" 2>"$work/stderr"; then
	cat "$work/stderr" >&2
	fail "tshark could not read $file"
fi
if grep -v '^Running as user' "$work/stderr" | grep -q .; then
	cat "$work/stderr" >&2
	fail "tshark complained while reading $file"
fi

# Wireshark's expert severity PI_ERROR is 0x00800000; checksum status 0 is
# "Bad" (1 good, 2 unverified, 3 not present).
awk -F'\t' '
function bad(msg) { print "check-capture: frame " $1 " on " $2 ": " msg > "/dev/stderr"; errors++ }
function first(s) { sub(/,.*/, "", s); return s }
BEGIN { sum[6] = "IPv4"; sum[7] = "ICMP"; sum[8] = "ICMP extension" }
{
	frames++
	if ($2 !~ /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.\/-]+$/) bad("interface name \"" $2 "\" is not NODE:IFNAME")
	if ($5 == "" && $16 == "") bad("holds neither ICMP nor ARP")
	if ($16 != "") arps++
	n = split($10, sev, ",")
	for (i = 1; i <= n; i++) if (sev[i] + 0 >= 8388608) bad("tshark reports an expert error (severity " sev[i] ")")
	if ($11 != "") bad("tshark marks it malformed")
	for (c = 6; c <= 8; c++) {
		n = split($c, st, ",")
		for (i = 1; i <= n; i++) if (st[i] == "0") bad("bad " sum[c] " checksum")
	}
	if ($4 != "") {
		labelled++
		# bottom of stack on the last label only
		nl = split($4, lab, ","); nb = split($12, bos, ",")
		if (nb != nl) bad("bottom-of-stack bits \"" $12 "\" do not match labels \"" $4 "\"")
		for (i = 1; i <= nb; i++) if ((bos[i] + 0) != (i == nb)) bad("bottom-of-stack bits \"" $12 "\" for labels \"" $4 "\"")
	}
	if ($2 == "PE1:eth1" && first($5) == "8" && $4 == "202,404") {
		request++
		# uniform mode: the ingress gives both labels the same TTL
		split($13, ttl, ",")
		if (ttl[1] != ttl[2] || ttl[1] == "") bad("labels 202/404 leave PE1 with TTLs \"" $13 "\", want equal")
		ttls[ttl[1]] = 1
	}
	if (first($5) == "11") {
		exceeded++
		if ($9 != "") extended++
		if (first($3) == "100.64.0.1") {
			p1++
			if ($9 != "202,404") bad("P1 time exceeded reports labels \"" $9 "\", want 202,404")
			if ($14 != "0,1") bad("P1 time exceeded reports bottom-of-stack bits \"" $14 "\", want 0,1")
			if ($15 != "1,1") bad("P1 time exceeded reports received TTLs \"" $15 "\", want 1,1 (the TTL that expired)")
		}
	}
}
END {
	printf "check-capture: %d frames read; %d problems (malformed frames, expert errors, bad checksums, wrong names or labels)\n", frames, errors
	nt = 0; for (t in ttls) nt++
	printf "check-capture: %d frames carry MPLS labels, bottom-of-stack bit on the last label only; %d echo requests leave PE1:eth1 with labels 202/404 (%d distinct TTLs, equal on both labels)\n", labelled, request, nt
	printf "check-capture: %d ICMP time exceeded frames, %d with an RFC 4950 MPLS extension; %d from P1 report 202/404\n", exceeded, extended, p1
	printf "check-capture: %d ARP frames (requests and replies on the static attachments)\n", arps
	if (arps == 0) { print "check-capture: no ARP frame: the static attachments must resolve their neighbour" > "/dev/stderr"; errors++ }
	if (frames == 0) { print "check-capture: no frames" > "/dev/stderr"; errors++ }
	if (labelled == 0) { print "check-capture: no frame carries an MPLS label" > "/dev/stderr"; errors++ }
	if (request == 0) { print "check-capture: no echo request leaves PE1:eth1 with labels 202/404" > "/dev/stderr"; errors++ }
	if (extended == 0) { print "check-capture: no time exceeded carries an MPLS extension" > "/dev/stderr"; errors++ }
	if (p1 == 0) { print "check-capture: no time exceeded from P1 (100.64.0.1)" > "/dev/stderr"; errors++ }
	exit errors > 0
}' "$work/fields" || fail "$file does not decode as it should (see above)"
echo "check-capture: OK"
