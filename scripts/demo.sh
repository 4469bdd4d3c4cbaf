#!/usr/bin/env bash
# Sets up (packages, build) and runs the demo: sightline-server with the demo
# account, three simulated Jetsons (jetson-02 overheats now and then and fires
# the gpu-hot alert; jetson-03 goes silent for a while and turns offline), and
# the dashboard signed in as the demo user. Without a display it runs headless:
# it says so, prints live events with sightline-tail and writes a screenshot of
# the dashboard rendered under Xvfb. Ctrl-C stops all of it.
#
# Environment: SIGHTLINE_DEMO_DIR (data dir, default build/demo-data),
# SIGHTLINE_DEMO_LISTEN (default 127.0.0.1:0, a free port),
# SIGHTLINE_DEMO_DURATION (seconds; default: until Ctrl-C).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SIGHTLINE_BUILD_DIR:-$root/build}
bin=$build_dir/bin
data_dir=${SIGHTLINE_DEMO_DIR:-$build_dir/demo-data}
listen=${SIGHTLINE_DEMO_LISTEN:-127.0.0.1:0}
duration=${SIGHTLINE_DEMO_DURATION:-}

"$root/scripts/setup.sh"

mkdir -p "$data_dir"
log_dir=$data_dir/logs
mkdir -p "$log_dir"
pids=()
stop_all() {
    trap - EXIT INT TERM
    echo
    echo "demo: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    pkill -TERM -P $$ 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# 1. The server, on a free port unless told otherwise; wait for its line.
# demo has the alert rules of resources/demo-config.json built in.
"$bin/sightline-server" demo --data-dir "$data_dir" --listen "$listen" \
    > "$log_dir/server.out" 2> "$log_dir/server.err" &
pids+=($!)
server=
for _ in $(seq 1 150); do
    server=$(sed -n 's/^listening on //p' "$log_dir/server.out")
    [ -n "$server" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$log_dir/server.err" >&2; exit 1; }
    sleep 0.1
done
[ -n "$server" ] || { echo "demo: the server did not start; see $log_dir/server.err" >&2; exit 1; }
echo "demo: sightline-server listening on $server (data in $data_dir, logs in $log_dir)"
echo "demo: sign in as demo / demo"

# 2. Three simulated Jetsons.
"$bin/sightline-device" --server "$server" --keys "$data_dir/demo-keys.json" \
    --overheat-device jetson-02 --overheat-every 90 --overheat-for 40 \
    --silent-device jetson-03 --silent-every 120 --silent-for 30 \
    > "$log_dir/devices.out" 2> "$log_dir/devices.err" &
pids+=($!)
echo "demo: simulating jetson-01..03 (jetson-02 overheats every 90 s, jetson-03 goes silent every 120 s)"

export SIGHTLINE_PASSWORD=demo
wait_or_duration() {
    if [ -n "$duration" ]; then sleep "$duration"; else wait "$@"; fi
}

# 3. The dashboard, or the headless stand-in.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "demo: opening the dashboard; close it or press Ctrl-C to stop"
    "$bin/sightline" --server "$server" --user demo &
    pids+=($!)
    wait_or_duration "${pids[-1]}"
else
    echo "demo: no display (DISPLAY and WAYLAND_DISPLAY are unset): running headless"
    echo "demo: a few live events from sightline-tail:"
    "$bin/sightline-tail" --server "$server" --user demo --max-events 6 --format text \
        2>/dev/null | cut -c1-160
    shot=$data_dir/dashboard.png
    echo "demo: rendering the dashboard under Xvfb (10 s)..."
    if xvfb-run -a "$bin/sightline" --server "$server" --user demo \
        --screenshot "$shot" --after 10 > "$log_dir/dashboard.out" 2>&1; then
        echo "demo: dashboard screenshot written to $shot"
    else
        echo "demo: the dashboard could not be rendered; see $log_dir/dashboard.out" >&2
    fi
    echo "demo: streaming live events; press Ctrl-C to stop"
    "$bin/sightline-tail" --server "$server" --user demo --format text 2>/dev/null \
        | cut -c1-160 &
    pids+=($!)
    wait_or_duration "${pids[-1]}"
fi
