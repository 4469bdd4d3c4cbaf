#!/usr/bin/env bash
# Runs Sightline scaled out on this machine (issue 8, docs/SCALING.md): a
# redis-server (the shared event log) and an influxd (points), two
# sightline-server instances on one data dir, nginx in front of both (the
# settings SSE needs), the demo's three simulated Jetsons posting through
# nginx, and sightline-tail reading the stream through nginx. Everything runs
# in a temporary folder on free loopback ports; Ctrl-C stops all of it.
#
#   scripts/scale-demo.sh                   # until Ctrl-C
#   SIGHTLINE_DEMO_DURATION=30 scripts/scale-demo.sh
#
# It prints the URLs of both instances and of nginx, so you can kill one
# instance (the pid is printed) and watch the stream go on through the other.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SIGHTLINE_BUILD_DIR:-$root/build}
bin=$build_dir/bin
duration=${SIGHTLINE_DEMO_DURATION:-}

"$root/scripts/setup.sh" --scale

work=$(mktemp -d /tmp/sightline-scale-XXXXXX)
data=$work/data
mkdir -p "$data" "$work/nginx/tmp" "$work/logs"
pids=()
stop_all() {
    trap - EXIT INT TERM
    echo
    echo "scale-demo: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"
# wait_up NAME COMMAND...: like wait_for, and stops the demo if it fails.
wait_up() {
    local name=$1; shift
    wait_for "$name" "$work/logs" "$@" || exit 1
}

# 1. Redis (the shared event log) and 2. InfluxDB (points).
redis_port=$(free_port)
start_redis "$work/redis" "$redis_port" || exit 1
pids+=("$SERVICE_PID")
echo "scale-demo: redis-server on redis://127.0.0.1:$redis_port"
influx_port=$(free_port)
start_influx "$work/influx" "$influx_port" || exit 1
pids+=("$SERVICE_PID")
echo "scale-demo: influxd on http://127.0.0.1:$influx_port"

# 3. Two sightline-server instances on one data dir: A provisions the demo
#    account (demo/demo, jetson-01..03), B serves the same.
scale=(--redis-url "redis://127.0.0.1:$redis_port" --influx-url "http://127.0.0.1:$influx_port")
start_instance() { # NAME SUBCOMMAND
    "$bin/sightline-server" "$2" --data-dir "$data" --listen 127.0.0.1:0 \
        --config "$root/resources/demo-config.json" "${scale[@]}" \
        > "$work/logs/$1.out" 2> "$work/logs/$1.err" &
    pids+=($!)
    wait_up "sightline-server $1" grep -q '^listening on ' "$work/logs/$1.out"
}
start_instance a demo
pid_a=${pids[-1]}
url_a=$(sed -n 's/^listening on //p' "$work/logs/a.out")
start_instance b serve
pid_b=${pids[-1]}
url_b=$(sed -n 's/^listening on //p' "$work/logs/b.out")
echo "scale-demo: instance A $url_a (pid $pid_a), instance B $url_b (pid $pid_b)"

# 4. nginx in front: round robin, and for the stream no buffering and read
#    timeouts well above the 15 s heartbeat.
nginx_port=$(free_port)
user_line=
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream sightline {
        server ${url_a#http://};
        server ${url_b#http://};
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        client_max_body_size 2m;
        location = /api/v1/telemetry/stream {
            proxy_pass http://sightline;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
        location / {
            proxy_pass http://sightline;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' > "$work/logs/nginx.log" 2>&1 &
pids+=($!)
front=http://127.0.0.1:$nginx_port
wait_up nginx curl -sf "$front/health"
echo "scale-demo: nginx on $front in front of both instances"

# 5. The demo's devices post through nginx; the stream is read through nginx.
"$bin/sightline-device" --server "$front" --keys "$data/demo-keys.json" \
    --overheat-device jetson-02 --overheat-every 90 --overheat-for 40 \
    > "$work/logs/devices.out" 2> "$work/logs/devices.err" &
pids+=($!)
echo "scale-demo: jetson-01..03 post through nginx"
echo "scale-demo: try: curl -N -H \"Authorization: Bearer \$TOKEN\" $front/api/v1/telemetry/stream"
echo "scale-demo: kill one instance (kill $pid_b) and watch the stream go on"
echo "scale-demo: live events through nginx; press Ctrl-C to stop"
SIGHTLINE_PASSWORD=demo "$bin/sightline-tail" --server "$front" --user demo --format text 2>&1 | cut -c1-160 &
pids+=($!)
if [ -n "$duration" ]; then sleep "$duration"; else wait "${pids[-1]}"; fi
