#!/usr/bin/env bash
# Ingest benchmark (issue 3): POST /api/v1/telemetry against a real
# sightline-server with SQLite, driven by wrk (Debian package wrk,
# scripts/setup.sh --bench) and ingest.lua. See README.md.
#
#   bench/ingest/run.sh [BUILD_DIR] [SECONDS]
#
# Runs, each for SECONDS (default 15), on a fresh data dir:
#   1. single-point POSTs, as fast as 64 keep-alive connections go
#   2. batches of 100 points, as fast as 16 connections go
#   3. single points paced to about half the 5,000 req/s target (2,500/s)
#   4. batches paced to about half the 50,000 points/s target (25,000/s)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-15}
server=$build/bin/sightline-server
script=$root/bench/ingest/ingest.lua
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (scripts/setup.sh --bench)" >&2; exit 2; }
[ -x "$server" ] || { echo "run.sh: no $server; build first" >&2; exit 2; }

data=$(mktemp -d /tmp/sightline-bench-ingest-XXXXXX)
log=$data/serve.log
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

key=$("$server" add-device --data-dir "$data" --account bench --site lab --device dev-1)
# SERVE_ARGS: more `serve` options, e.g. "--influx-url http://127.0.0.1:8086"
# (bench/scale/run.sh compares the storages this way).
# shellcheck disable=SC2086
"$server" serve --data-dir "$data" --listen 127.0.0.1:0 ${SERVE_ARGS:-} >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "${url:-}" ] || { echo "run.sh: the server did not start:" >&2; cat "$log" >&2; exit 1; }
target=$url/api/v1/telemetry
echo "server $url ${SERVE_ARGS:-(SQLite)}, data dir $data, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

run() {
    local title=$1; shift
    echo
    echo "== $title"
    echo "\$ $*"
    env SIGHTLINE_KEY="$key" SIGHTLINE_DEVICE=dev-1 "$@" | grep -E 'Requests/sec|status|points/s|latency p50'
}

run "single points, max rate" env BATCH=1 wrk -t1 -c64 -d"${seconds}s" -s "$script" "$target"
run "batches of 100, max rate" env BATCH=100 wrk -t1 -c16 -d"${seconds}s" -s "$script" "$target"
# Paced: each connection waits DELAY_MS between an answer and its next
# request, so the offered load is at most connections * 1000 / DELAY_MS
# requests/s (less by the latency itself; the reached rate is printed).
run "single points, paced to ~2,500 req/s" env BATCH=1 DELAY_MS=40 wrk -t1 -c100 -d"${seconds}s" --latency -s "$script" "$target"
run "batches of 100, paced to ~25,000 points/s" env BATCH=100 DELAY_MS=80 wrk -t1 -c20 -d"${seconds}s" --latency -s "$script" "$target"

echo
echo "== server metrics"
curl -s "$url/metrics" | grep -E '^sightline_(ingest_points_total|storage_write_seconds_(sum|count))'
