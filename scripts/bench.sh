#!/usr/bin/env bash
# Runs the Go benchmarks that docs/performance.md records and prints them as
# one table: benchmark, time per op, bytes and allocations per op, and any
# extra metrics the benchmark reports.
set -euo pipefail
cd "$(dirname "$0")/.."
# BenchmarkVPNDistribution/100k alone takes a minute or more (several on a
# busy machine): hence the long timeout. BENCH=pattern runs fewer.
pattern=${BENCH:-.}
go test -run '^$' -bench "$pattern" -benchmem -timeout 60m ./... 2>&1 |
awk '
/^Benchmark/ {
	name=$1; sub(/-[0-9]+$/, "", name)
	extra=""
	for (i = 3; i < NF; i += 2) {
		unit=$(i+1); v=$i
		if (unit == "ns/op") {
			if (v >= 1e9) t=sprintf("%.2f s", v/1e9)
			else if (v >= 1e6) t=sprintf("%.2f ms", v/1e6)
			else if (v >= 1e3) t=sprintf("%.2f µs", v/1e3)
			else t=sprintf("%.1f ns", v)
		} else if (unit == "B/op") b=v
		else if (unit == "allocs/op") a=v
		else extra=extra sprintf("%s %s  ", v, unit)
	}
	printf "%-58s %12s %14s %12s  %s\n", name, t, b " B", a " allocs", extra
	next
}
/^(ok|FAIL|---)/ { print > "/dev/stderr" }
' | { printf "%-58s %12s %14s %12s  %s\n" "benchmark" "time/op" "memory/op" "allocs/op" "other"; cat; }
