#!/usr/bin/env bash
# check-lsp-capture.sh: proves that tshark decodes vpnsim's LSP traceroute
# (RFC 8029) as MPLS echo requests and replies: it captures
# `traceroute mpls classic PE1 10.0.0.4/32` and checks that no frame is
# malformed or raises an expert error, that every request names the LDP
# IPv4 FEC 10.0.0.4/32, and that the replies' return codes are 8, 8, 3
# (label switched at P1 and P2, egress at PE2). Needs Go and tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
fail() { echo "check-lsp-capture: FAIL: $*" >&2; exit 1; }
command -v tshark >/dev/null || fail "tshark is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o bin/vpnsim ./cmd/vpnsim
bin/vpnsim traceroute mpls classic PE1 10.0.0.4/32 --pcap "$work/lsp.pcapng"
tshark -r "$work/lsp.pcapng" -Y mpls-echo -T fields -E separator=/t -E occurrence=f \
	-e frame.interface_name -e mpls_echo.msg_type -e mpls_echo.return_code -e mpls_echo.tlv.fec.ldp_ipv4 \
	-e mpls_echo.tlv.fec.ldp_ipv4_mask -e _ws.malformed -e _ws.expert.severity 2>/dev/null >"$work/lsp"
awk -F'\t' '
	$2 == "1" { req++; if ($4 != "10.0.0.4" || $5 != "32") { print "check-lsp-capture: a request names FEC " $4 "/" $5 > "/dev/stderr"; bad++ } }
	$2 == "2" && $1 == "P1:eth1" { codes = codes " " $3 }
	$6 != "" { print "check-lsp-capture: a malformed frame on " $1 > "/dev/stderr"; bad++ }
	$7 + 0 >= 8388608 { print "check-lsp-capture: an expert error on " $1 > "/dev/stderr"; bad++ }
	END {
		printf "check-lsp-capture: %d request frames; replies reaching PE1 (sent on P1:eth1) with return codes%s\n", req, codes
		if (req == 0 || codes != " 8 8 3") bad++
		exit bad > 0
	}' "$work/lsp" || fail "the LSP traceroute does not decode as it should"
echo "check-lsp-capture: OK"
