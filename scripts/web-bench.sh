#!/usr/bin/env bash
# web-bench: the web page's figures for the Kdl backbone (754 routers) in
# headless chromium: first contentful paint, the drawing ready, a zoom and a
# pan step from input event to painted frame (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
bin/vpnsim import zoo data/topology-zoo/Kdl.graphml -o "$dir/kdl.yaml" 2>/dev/null
port=${PORT:-18279}
bin/vpnsim web "$dir/kdl.yaml" --listen "127.0.0.1:$port" >"$dir/web.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	grep -q '^watch-only page' "$dir/web.out" && break
	kill -0 "$pid" 2>/dev/null || { cat "$dir/web.out"; exit 1; }
	sleep 0.5
done
"$GO" test -tags browser -count=1 -v -run '^TestDrawTime$' ./web/ -args -url "http://127.0.0.1:$port/" -screenshots="$PWD/bin/web-check" | grep -E "nodes, |zoom:|walk |PASS|FAIL|ok"
