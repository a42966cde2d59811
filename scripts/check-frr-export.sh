#!/usr/bin/env bash
# check-frr-export.sh: proves that FRR's own parser accepts every
# configuration `vpnsim export` writes.
#
# It runs the export package's FRR tests (go test ./export -run '^TestFRR'),
# which export every built-in topology and an Abilene Topology Zoo import and
# put each router's frr.conf through FRR in dry-run mode:
#   - vtysh --dryrun -f frr.conf must accept every line;
#   - as root, each daemon the router's daemons file starts (zebra, staticd,
#     bgpd, isisd, ldpd) reads the file with -C, in a network namespace of
#     its own (unshare --net): it may reject no command it owns (a failed
#     command, a configuration its YANG model refuses), and every line must
#     be taken by one of them;
#   - a configuration with known mistakes is rejected, so the check can fail.
#
# It installs nothing. FRR must be installed (Debian/Ubuntu:
# DEBIAN_FRONTEND=noninteractive apt-get install -y frr); the test runs with
# CI=true, so a missing FRR fails it instead of skipping it.
#
# Usage: scripts/check-frr-export.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

fail() { echo "check-frr-export: FAIL: $*" >&2; exit 1; }

command -v vtysh >/dev/null || fail "FRR is not installed (Debian/Ubuntu: DEBIAN_FRONTEND=noninteractive apt-get install -y frr)"
if [ -x /usr/lib/frr/zebra ]; then
	echo "check-frr-export: FRR $(/usr/lib/frr/zebra -v 2>/dev/null | head -1 | awk '{print $3}'), vtysh at $(command -v vtysh)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "check-frr-export: CI=true go test -count=1 -v -run '^TestFRR' ./export"
if ! CI=true go test -count=1 -v -run '^TestFRR' ./export >"$work/out" 2>&1; then
	cat "$work/out" >&2
	fail "FRR rejected an exported configuration, or the check could not run (see above)"
fi

# What was checked: the tests' log lines, e.g.
#   frr_test.go:99: classic: 9 frr.conf files pass vtysh --dryrun and the daemons' -C
sed -n 's/^ *frr_test\.go:[0-9]*: /check-frr-export: /p' "$work/out"
grep -q "files pass" "$work/out" || fail "the test checked no configuration"
awk '
/files pass/ { files += $3; topologies++ }
/^ *--- PASS: TestFRRCheckRejectsMistakes\// { mistakes++ }
/^ *--- SKIP: TestFRRCheckRejectsMistakes\// { skipped++ }
END {
	printf "check-frr-export: %d frr.conf files of %d topologies accepted by FRR\n", files, topologies
	printf "check-frr-export: %d configurations with known mistakes rejected", mistakes
	if (skipped) printf " (%d mistakes only the daemons catch not tried)", skipped
	printf "\n"
}' "$work/out"
echo "check-frr-export: OK"
