#!/usr/bin/env bash
# Sets up (packages, build) and runs the whole test suite with CTest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SIGHTLINE_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh" --test
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc)" "$@"
