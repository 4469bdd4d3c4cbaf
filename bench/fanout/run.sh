#!/usr/bin/env bash
# Fan-out benchmark (issue 4): sightline-server's GET /api/v1/telemetry/stream
# against nginx + nchan for the same (clients, points/s) matrix, on 127.0.0.1.
# Prints one RESULT line per run and a side-by-side table at the end.
#
#   bench/fanout/run.sh [BUILD_DIR]
#   MATRIX="1000:100 10000:10" SECONDS_PER_RUN=20 bench/fanout/run.sh build
#
# Needs: the built sightline-server and sightline-bench-fanout (BUILD_DIR/bin),
# nginx with libnginx-mod-nchan (scripts/setup.sh --bench), curl, python3.
# RESULT lines also go to bench/out/fanout/results-<time>.txt (OUT=DIR to
# change). Each run starts a fresh server (same data dir for sightline), so resident
# memory is measured from a clean process.
set -euo pipefail

BUILD=${1:-build}
BIN=$(cd "$BUILD/bin" && pwd)
MATRIX=${MATRIX:-"100:10 1000:10 1000:100 10000:10"}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
NGINX=${NGINX:-/usr/sbin/nginx}
# The machine is shared: servers and load generator run at a raised priority
# (root only; NICE=0 to leave it) so other people's builds disturb less.
NICE=${NICE:--10}
# The load generator (another build's, to compare servers with one client).
LOADGEN=${LOADGEN:-$BIN/sightline-bench-fanout}
# Which servers to run: sightline, nchan or both.
SERVERS=${SERVERS:-"sightline nchan"}
NCHAN_MODULE=${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}
WORK=$(mktemp -d /tmp/sightline-fanout.XXXXXX)
# RESULT lines are kept (bench/out is not committed).
OUT=${OUT:-$(cd "$(dirname "$0")/../.." && pwd)/bench/out/fanout}
mkdir -p "$OUT"
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
SERVER_PID=""
NGINX_PID=""

cleanup() {
    [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [[ -n "$NGINX_PID" ]] && kill -TERM "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ulimit -n "$(ulimit -Hn)"

# --- sightline-server -------------------------------------------------------
DATA="$WORK/data"
printf 'bench-password\n' | "$BIN/sightline-server" add-user --data-dir "$DATA" --account bench --username bench
KEY=$("$BIN/sightline-server" add-device --data-dir "$DATA" --account bench --site lab --device bench-01)
cat > "$WORK/sightline.json" <<EOF
{"listen": "127.0.0.1:0", "accessTokenTtlSeconds": 3600, "maxStreamClients": 20000}
EOF

start_sightline() {
    nice -n "$NICE" "$BIN/sightline-server" serve --data-dir "$DATA" --config "$WORK/sightline.json" \
        > "$WORK/server.out" 2> "$WORK/server.err" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        grep -q '^listening on ' "$WORK/server.out" 2>/dev/null && break
        sleep 0.1
    done
    SERVER_URL=$(sed -n 's/^listening on //p' "$WORK/server.out")
    SERVER_PORT=${SERVER_URL##*:}
    TOKEN=$(curl -sf -X POST "$SERVER_URL/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"username": "bench", "password": "bench-password"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
}

stop_sightline() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
}

# --- nginx + nchan ----------------------------------------------------------
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
NGINX_PORT=$(free_port)
cat > "$WORK/nginx/nginx.conf" <<EOF
load_module $NCHAN_MODULE;
worker_processes 1;
worker_rlimit_nofile $(ulimit -Hn);
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections $(( $(ulimit -Hn) - 100 )); use epoll; multi_accept on; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location = /sub { nchan_subscriber eventsource; nchan_channel_id bench; }
        location = /pub { nchan_publisher; nchan_channel_id bench; nchan_message_buffer_length 100; }
    }
}
EOF

start_nginx() {
    nice -n "$NICE" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
    for _ in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/pub" -X GET && break
        sleep 0.1
    done
}

stop_nginx() {
    kill -QUIT "$NGINX_PID"
    wait "$NGINX_PID" || true
    NGINX_PID=""
}

nginx_pids() {
    echo "--pid $NGINX_PID"
    for child in $(pgrep -P "$NGINX_PID"); do echo "--pid $child"; done
}

# --- the matrix -------------------------------------------------------------
for cell in $MATRIX; do
    clients=${cell%%:*}
    rate=${cell##*:}

    if [[ " $SERVERS " == *" sightline "* ]]; then
        start_sightline
        nice -n "$NICE" "$LOADGEN" --kind sightline --port "$SERVER_PORT" --clients "$clients" --rate "$rate" \
            --seconds "$SECONDS_PER_RUN" --token "$TOKEN" --device-key "$KEY" --device-id bench-01 \
            --pid "$SERVER_PID" --label sightline | tee -a "$RESULTS"
        stop_sightline
    fi

    if [[ " $SERVERS " == *" nchan "* ]]; then
        start_nginx
        # shellcheck disable=SC2046
        nice -n "$NICE" "$LOADGEN" --kind nchan --port "$NGINX_PORT" --clients "$clients" --rate "$rate" \
            --seconds "$SECONDS_PER_RUN" --sub-path /sub --pub-path /pub $(nginx_pids) --label nchan | tee -a "$RESULTS"
        stop_nginx
    fi
done

# --- side by side -----------------------------------------------------------
python3 - "$RESULTS" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT "):
        continue
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    rows.setdefault((int(f["clients"]), int(f["rate"])), {})[f["label"]] = f
cols = [("lost", "lost"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("max_ms", "max ms"), ("read_p99_ms", "read p99 ms"),
        ("server_cpu_pct", "CPU %"), ("cpu_us_per_delivery", "CPU us/deliv"), ("rss_end_mb", "RSS MB"), ("rss_per_client_kb", "KB/client")]
print()
print(f"{'clients':>8} {'pts/s':>6} | " + " | ".join(f"{h:>19}" for _, h in cols))
print(f"{'':>8} {'':>6} | " + " | ".join(f"{'sightline':>9} {'nchan':>9}" for _ in cols))
for (n, r), by in sorted(rows.items()):
    s, c = by.get("sightline", {}), by.get("nchan", {})
    print(f"{n:>8} {r:>6} | " + " | ".join(f"{s.get(k, '-'):>9} {c.get(k, '-'):>9}" for k, _ in cols))
EOF
