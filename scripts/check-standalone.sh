#!/usr/bin/env bash
# check-standalone: the repository stands alone. Nothing tracked refers to a
# path outside it (a sibling checkout, a shared data directory), no tracked
# file is over 1 MB, and no build output is tracked. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
# a relative path that climbs out of the repository into a sibling
# directory named like the workplace's shared one
pat='\.\./(\.\./)*'"shared"
if git grep -nE "$pat" -- . ':!scripts/check-standalone.sh'; then
	echo "check-standalone: the lines above refer to a path outside the repository; copy what they need into it" >&2
	bad=1
fi
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	size=$(stat -c %s "$f")
	if [ "$size" -gt 1048576 ]; then
		echo "check-standalone: $f is $size bytes; no tracked file may be over 1 MB" >&2
		bad=1
	fi
	case "$f" in
	bin/* | vpnsim | *.test | *.out | *.prof)
		echo "check-standalone: $f is build output; it must not be tracked" >&2
		bad=1
		;;
	esac
done < <(git ls-files -z)
if [ "$bad" -ne 0 ]; then exit 1; fi
echo "check-standalone: nothing refers outside the repository, no tracked file over 1 MB, no build output tracked"
