#!/usr/bin/env bash
# Scale-out benchmark (issue 8), two comparisons under the same load, each
# against its baseline in the same run, on 127.0.0.1:
#   1. ingest: SQLite (the default) vs InfluxDB for points: bench/ingest/run.sh
#      twice, the second time with --influx-url;
#   2. fan-out: one instance vs two instances over Redis (and one instance
#      over Redis, to tell the cost of Redis from the gain of a second
#      process): sightline-bench-fanout with its clients and publishers
#      spread over the instances, CPU and memory summed over them.
#
#   bench/scale/run.sh [BUILD_DIR]
#   INGEST_SECONDS=15 MATRIX="1000:100 10000:10" SECONDS_PER_RUN=20 bench/scale/run.sh build
#   PARTS=fanout bench/scale/run.sh      # only one part (ingest | fanout)
#
# Needs: the build, wrk, redis-server, influxd, curl, python3
# (scripts/setup.sh --bench --scale). RESULT lines also go to
# bench/out/scale/results-<time>.txt.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$root/build}
BIN=$(cd "$BUILD/bin" && pwd)
MATRIX=${MATRIX:-"1000:100 10000:10"}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
INGEST_SECONDS=${INGEST_SECONDS:-15}
PARTS=${PARTS:-"ingest fanout"}
NICE=${NICE:--10}
WORK=$(mktemp -d /tmp/sightline-scale-bench.XXXXXX)
OUT=${OUT:-$root/bench/out/scale}
mkdir -p "$OUT"
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"

redis_port=$(free_port)
start_redis "$WORK/redis" "$redis_port"
pids+=("$SERVICE_PID")
influx_port=$(free_port)
start_influx "$WORK/influx" "$influx_port"
pids+=("$SERVICE_PID")
echo "redis-server on $redis_port, influxd on $influx_port; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. ingest: SQLite vs InfluxDB ------------------------------------------
if [[ " $PARTS " == *" ingest "* ]]; then
    for storage in sqlite influx; do
        args=
        [ "$storage" = influx ] && args="--influx-url http://127.0.0.1:$influx_port"
        echo
        echo "=== ingest, points in $storage"
        SERVE_ARGS=$args "$root/bench/ingest/run.sh" "$BUILD" "$INGEST_SECONDS" | tee "$WORK/ingest-$storage.txt"
        python3 - "$storage" "$WORK/ingest-$storage.txt" >> "$RESULTS" <<'EOF'
import re, sys
storage, text = sys.argv[1], open(sys.argv[2]).read()
runs = re.split(r"^== ", text, flags=re.M)[1:]
for run in runs:
    title = run.splitlines()[0].strip()
    if title == "server metrics":
        continue
    rps = re.search(r"Requests/sec:\s*([\d.]+)", run)
    pts = re.search(r"^points/s: ([\d.]+)", run, flags=re.M)
    p99 = re.search(r"p99\D*([\d.]+\s*m?s)", run)
    refused = sum(int(n) for status, n in re.findall(r"status (\d+): (\d+) responses", run) if status != "202")
    fields = {"part": "ingest", "storage": storage, "run": title.replace(" ", "_").replace(",", ""),
              "requests_per_s": rps.group(1) if rps else "-", "points_per_s": pts.group(1) if pts else "-",
              "p99": p99.group(1).replace(" ", "") if p99 else "-", "not_202": refused}
    print("RESULT " + " ".join(f"{k}={v}" for k, v in fields.items()))
EOF
    done
fi

# --- 2. fan-out: one instance vs two over Redis -----------------------------
if [[ " $PARTS " == *" fanout "* ]]; then
    DATA="$WORK/data"
    printf 'bench-password\n' | "$BIN/sightline-server" add-user --data-dir "$DATA" --account bench --username bench
    KEY=$("$BIN/sightline-server" add-device --data-dir "$DATA" --account bench --site lab --device bench-01)
    cat > "$WORK/sightline.json" <<EOF
{"listen": "127.0.0.1:0", "accessTokenTtlSeconds": 3600, "maxStreamClients": 20000}
EOF
    SERVERS=()
    start_servers() { # COUNT [serve options...]
        local count=$1; shift
        SERVERS=()
        for i in $(seq 1 "$count"); do
            nice -n "$NICE" "$BIN/sightline-server" serve --data-dir "$DATA" --config "$WORK/sightline.json" "$@" \
                > "$WORK/server-$i.out" 2> "$WORK/server-$i.err" &
            SERVERS+=($!)
            wait_for sightline-server "$WORK/server-$i.err" grep -q '^listening on ' "$WORK/server-$i.out"
        done
        URL=$(sed -n 's/^listening on //p' "$WORK/server-1.out")
        TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
            -d '{"username": "bench", "password": "bench-password"}' |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
    }
    stop_servers() {
        for pid in "${SERVERS[@]}"; do kill -TERM "$pid"; done
        for pid in "${SERVERS[@]}"; do wait "$pid" || true; done
        SERVERS=()
    }
    bench_args() { # the --port and --pid of every running server
        for i in $(seq 1 "${#SERVERS[@]}"); do
            local url
            url=$(sed -n 's/^listening on //p' "$WORK/server-$i.out")
            echo "--port ${url##*:} --pid ${SERVERS[$((i - 1))]}"
        done
    }
    for cell in $MATRIX; do
        clients=${cell%%:*}
        rate=${cell##*:}
        for setup in "1:sqlite" "1:redis" "2:redis"; do
            count=${setup%%:*}
            log=${setup##*:}
            if [ "$log" = redis ]; then
                redis-cli -p "$redis_port" FLUSHALL > /dev/null # each run starts from an empty log
                start_servers "$count" --redis-url "redis://127.0.0.1:$redis_port"
            else
                start_servers "$count"
            fi
            # shellcheck disable=SC2046
            nice -n "$NICE" "$BIN/sightline-bench-fanout" --kind sightline $(bench_args) --clients "$clients" \
                --rate "$rate" --seconds "$SECONDS_PER_RUN" --token "$TOKEN" --device-key "$KEY" --device-id bench-01 \
                --label "${count}x$log" | tee -a "$RESULTS"
            stop_servers
        done
    done
fi

# --- side by side -----------------------------------------------------------
python3 - "$RESULTS" <<'EOF'
import sys
ingest, fanout = {}, {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT "):
        continue
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    if f.get("part") == "ingest":
        ingest.setdefault(f["run"], {})[f["storage"]] = f
    else:
        fanout.setdefault((int(f["clients"]), int(f["rate"])), {})[f["label"]] = f
if ingest:
    print("\ningest: SQLite (baseline) vs InfluxDB")
    print(f"{'run':<42} {'SQLite':>22} {'InfluxDB':>22} {'ratio':>6}")
    for run, by in ingest.items():
        s, i = by.get("sqlite", {}), by.get("influx", {})
        key = "points_per_s" if s.get("points_per_s", "-") != "-" else "requests_per_s"
        unit = "pts/s" if key == "points_per_s" else "req/s"
        try:
            ratio = f"{float(i[key]) / float(s[key]):.2f}x"
        except (KeyError, ValueError, ZeroDivisionError):
            ratio = "-"
        print(f"{run:<42} {s.get(key, '-'):>12} {unit} p99 {s.get('p99', '-'):>6} "
              f"{i.get(key, '-'):>12} {unit} p99 {i.get('p99', '-'):>6} {ratio:>6}")
if fanout:
    labels = ["1xsqlite", "1xredis", "2xredis"]
    cols = [("lost", "lost"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("server_cpu_pct", "CPU %"),
            ("rss_per_client_kb", "KB/client")]
    print("\nfan-out: one instance (SQLite log, baseline) vs one and two over Redis")
    print(f"{'clients':>8} {'pts/s':>6} | " + " | ".join(f"{h:>26}" for _, h in cols))
    print(f"{'':>8} {'':>6} | " + " | ".join(" ".join(f"{l:>8}" for l in labels) for _ in cols))
    for (n, r), by in sorted(fanout.items()):
        print(f"{n:>8} {r:>6} | " + " | ".join(" ".join(f"{by.get(l, {}).get(k, '-'):>8}" for l in labels) for k, _ in cols))
EOF
echo
echo "results: $RESULTS"
