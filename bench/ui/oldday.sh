#!/bin/bash
# The single-chart build (a40f5d1) opening its longest view (60 minutes) of
# the same 50 devices against the same day's server: raw points, all fields.
# Times from its own log: the stream live (when it starts loading history)
# to the 50th device's history merged.
set -u
app=${1:?usage: oldday.sh <a40f5d1 build>/bin/sightline [data dir]}
server_bin=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin/sightline-server
data=${2:-/tmp/sl-day}
run=$(mktemp -d /tmp/oldday.XXXXXX)
$server_bin serve --data-dir $data --listen 127.0.0.1:0 > $run/server.out 2> $run/server.err &
spid=$!
for _ in $(seq 1 100); do url=$(sed -n 's/^listening on //p' $run/server.out); [ -n "$url" ] && break; sleep 0.1; done
ids=$(for i in $(seq 1 50); do printf 'jetson-%02d,' $i; done); ids=${ids%,}
XDG_CONFIG_HOME=$run/config XDG_DATA_HOME=$run/data QT_QPA_PLATFORM=offscreen SIGHTLINE_PASSWORD=bench-password \
QT_LOGGING_RULES="sightline.app.debug=true" QT_MESSAGE_PATTERN="%{time process} %{message}" \
  $app --server "$url" --user bench --device "$ids" --window 60 > $run/app.out 2> $run/app.err &
apid=$!
for _ in $(seq 1 1200); do
  [ "$(grep -c 'history points of' $run/app.err)" -ge 50 ] && break; sleep 0.1
done
sleep 1
rss=$(awk '/^VmRSS/{printf "%.1f", $2/1024}' /proc/$apid/status)
kill $apid; wait $apid 2>/dev/null; kill $spid; wait $spid 2>/dev/null
awk -v rss=$rss '/the stream is live/ && !live {live=$1} /history points of/ {n++; last=$1; split($0,a," "); pts+=a[5]} END {printf "old build, 60 min of 50 devices as raw points: %d devices, %d points, stream live -> last merged %.0f ms, RSS %s MiB\n", n, pts, (last-live)*1000, rss}' $run/app.err
rm -rf $run
