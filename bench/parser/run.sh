#!/usr/bin/env bash
# SseParser against the npm package eventsource-parser, same inputs, one run
# (issue 2, item 6). See bench/parser/README.md.
#
#   bench/parser/run.sh
#
# Environment: SIGHTLINE_BUILD_DIR (default build/), EVENTS (1000000),
# LARGE_EVENTS (64), CHUNK (65536), REPEAT (5).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build_dir=${SIGHTLINE_BUILD_DIR:-$root/build}
events=${EVENTS:-1000000}
large=${LARGE_EVENTS:-64}
chunk=${CHUNK:-65536}
repeat=${REPEAT:-5}
package=eventsource-parser
version=3.1.1 # the newest release that supports Debian 12's Node (4.x needs Node >= 22.12)
node_dir=$root/bench/node # its node_modules/ is git-ignored
out_dir=$root/bench/out/parser # git-ignored

for tool in cmake node npm; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing; run scripts/setup.sh --bench" >&2; exit 1; }
done

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" --target sightline-bench-parser >/dev/null
bench=$build_dir/bin/sightline-bench-parser

installed=$(node -p "try { require('$node_dir/node_modules/$package/package.json').version } catch { '' }")
if [ "$installed" != "$version" ]; then
    echo "run.sh: installing $package@$version into $node_dir/node_modules" >&2
    npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund \
        "$package@$version" >&2
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "inputs: $events telemetry events, $large events of 1 MiB, fed in $chunk-byte chunks, $repeat runs each"
echo

mkdir -p "$out_dir"
{
    "$bench" --json --api list --events "$events" --large-events "$large" --chunk "$chunk" \
        --repeat "$repeat" --write-inputs "$out_dir"
    "$bench" --json --api handler --events "$events" --large-events "$large" --chunk "$chunk" \
        --repeat "$repeat"
    "$bench" --json --api view --events "$events" --large-events "$large" --chunk "$chunk" \
        --repeat "$repeat"
    node "$here/eventsource-parser-bench.mjs" "$node_dir" "$chunk" "$repeat" \
        "$out_dir/telemetry.sse" "$out_dir/large.sse"
} | tee "$out_dir/results.jsonl" | node "$here/compare.mjs"
