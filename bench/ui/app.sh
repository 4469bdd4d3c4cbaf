#!/usr/bin/env bash
# The real dashboard under a real fleet (issue 6): sightline-server, N
# simulated Jetsons posting every INTERVAL seconds through the ingest
# endpoint (the simulator sends 21 fields), and the `sightline` app signed
# in over the network: showing LAYOUT (a layout file, `--layout`; issue 14's
# workspace) or, without LAYOUT, CHARTED devices on its chart (`--device`,
# `--window`: what the single-chart build before the workspace understands).
# Measures the app's CPU (utime + stime from /proc/PID/stat) and resident
# memory over DURATION seconds after a warm-up (RSS once a minute on
# standard error when DURATION is longer than that).
#
#   bench/ui/app.sh    # DEVICES=50 CHARTED=8 INTERVAL=0.5 DURATION=60 WARMUP=10
#                      # LAYOUT=bench/ui/six-panels.json
#                      # SIGHTLINE_APP=path/to/another/sightline (a baseline build)
#
# The app renders offscreen (QT_QPA_PLATFORM=offscreen) unless DISPLAY is
# set. Prints one line of figures; the data dir is removed afterwards.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${SIGHTLINE_BUILD_DIR:-$root/build}/bin
app_bin=${SIGHTLINE_APP:-$bin/sightline}
devices=${DEVICES:-50}
charted=${CHARTED:-8}
interval=${INTERVAL:-0.5}
duration=${DURATION:-60}
warmup=${WARMUP:-10}
layout=${LAYOUT:-}
[ -z "$layout" ] || layout=$(cd "$(dirname "$layout")" && pwd)/$(basename "$layout")

dir=$(mktemp -d /tmp/sightline-bench-app.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "app.sh: kept $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT

# The demo account (user demo/demo, site lab, jetson-01..03), then the rest
# of the fleet, all in one keys file for sightline-device.
"$bin/sightline-server" demo --data-dir "$dir" --listen 127.0.0.1:0 > "$dir/server.out" 2> "$dir/server.err" &
pids+=($!)
server=
for _ in $(seq 1 150); do
    server=$(sed -n 's/^listening on //p' "$dir/server.out")
    [ -n "$server" ] && break
    sleep 0.1
done
[ -n "$server" ] || { echo "app.sh: the server did not start" >&2; cat "$dir/server.err" >&2; exit 1; }
ids=()
for i in $(seq 1 "$devices"); do ids+=("$(printf 'jetson-%02d' "$i")"); done
{
    printf '{"account": "demo", "devices": ['
    sep=
    for id in "${ids[@]}"; do
        key=$(grep -A1 "\"deviceId\": \"$id\"" "$dir/demo-keys.json" | sed -n 's/.*"key": "\([^"]*\)".*/\1/p' || true)
        if [ -z "$key" ]; then
            key=$("$bin/sightline-server" add-device --data-dir "$dir" --account demo --site lab --device "$id" 2>/dev/null)
        fi
        printf '%s{"deviceId": "%s", "siteId": "lab", "key": "%s"}' "$sep" "$id" "$key"
        sep=,
    done
    printf ']}\n'
} > "$dir/fleet-keys.json"

"$bin/sightline-device" --server "$server" --keys "$dir/fleet-keys.json" --interval "$interval" \
    > "$dir/devices.out" 2> "$dir/devices.err" &
pids+=($!)

chart=$(IFS=,; echo "${ids[*]:0:$charted}")
[ -n "${DISPLAY:-}" ] || export QT_QPA_PLATFORM=offscreen
# The app's settings and layouts live in the run's dir: every run starts
# like a first start and leaves the user's own alone.
export XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
if [ -n "$layout" ]; then
    view=(--layout "$layout")
else
    view=(--device "$chart" --window 5)
fi
SIGHTLINE_PASSWORD=demo "$app_bin" --server "$server" --user demo "${view[@]}" \
    > "$dir/app.out" 2> "$dir/app.err" &
app=$!
pids+=("$app")

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$app/status"; }
sleep "$warmup"
kill -0 "$app" 2>/dev/null || { echo "app.sh: the app exited" >&2; cat "$dir/app.err" >&2; exit 1; }
start_ticks=$(cpu_ticks)
start_rss=$(rss_mib)
start_ns=$(date +%s%N)
left=$duration
while [ "$left" -gt 60 ]; do
    sleep 60
    left=$((left - 60))
    echo "app.sh: $(( (duration - left) / 60 )) min: RSS $(rss_mib) MiB" >&2
done
sleep "$left"
end_ticks=$(cpu_ticks)
end_ns=$(date +%s%N)
end_rss=$(rss_mib)
awk -v t0="$start_ticks" -v t1="$end_ticks" -v hz="$ticks" -v n0="$start_ns" -v n1="$end_ns" \
    -v devices="$devices" -v interval="$interval" -v rss0="$start_rss" -v rss1="$end_rss" \
    -v view="${layout:+layout $(basename "$layout")}" -v charted="$charted" \
    'BEGIN { if (view == "") view = charted " charted"; s = (n1 - n0) / 1e9; printf "app: %d devices every %s s, %s, %.0f s: CPU %.2f %% of one core, RSS %s -> %s MiB\n", devices, interval, view, s, 100 * (t1 - t0) / hz / s, rss0, rss1 }'
