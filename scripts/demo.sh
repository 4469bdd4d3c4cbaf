#!/usr/bin/env bash
# Sets up (packages, build) and runs the demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
echo "demo: the server, device agent and dashboard are not built yet; running the parser on a sample stream:"
printf 'retry: 10000\n\nid: 1\nevent: telemetry\ndata: {"deviceId":"jetson-01"}\n\n' \
    | "${SIGHTLINE_BUILD_DIR:-$root/build}/bin/sightline-tail" --stdin
