#!/usr/bin/env bash
# Installs the Debian 12 packages Sightline needs (only those missing; sudo
# when not root), then configures and builds into build/ (or $SIGHTLINE_BUILD_DIR).
#
#   scripts/setup.sh            build + runtime packages, then build
#   scripts/setup.sh --test     also what the test suite needs
#   scripts/setup.sh --bench    also what the benchmarks need
#   scripts/setup.sh --scale    also Redis, InfluxDB and nginx (scripts/scale-demo.sh)
#   scripts/setup.sh --fuzz     also clang and libFuzzer (then configure with -DSIGHTLINE_FUZZ=ON)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SIGHTLINE_BUILD_DIR:-$root/build}

packages=(
    # toolchain
    cmake ninja-build g++ pkg-config ccache
    # Qt 6.4 and the libraries we link
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-httpserver-dev qt6-websockets-dev libxkbcommon-dev
    qtkeychain-qt6-dev libqt6sql6-sqlite libsodium-dev libjwt-dev libhiredis-dev
    libqt6svg6  # SVG icon engine: the app icon in resources/
    qt6-l10n-tools qt6-tools-dev  # lupdate/lrelease and CMake's Qt6LinguistTools (qt_add_translations)
    libgl-dev libglx-dev libopengl-dev  # Qt6Charts finds Qt6OpenGL(Widgets) (libqt6opengl6-dev above)
    # running the apps without a desktop (demo and tests)
    xvfb xauth fonts-dejavu-core
)
for arg in "$@"; do
    case $arg in
        # Real Redis and InfluxDB for the scale-out tests (issue 8); the
        # fixtures start their own instances on free ports.
        --test) packages+=(dbus dbus-x11 gnome-keyring libsecret-tools redis-server influxdb) ;;
        --bench)
            packages+=(wrk nginx-light libnginx-mod-nchan valgrind)
            # Node.js for the eventsource-parser baseline, unless one is on PATH already.
            command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
            ;;
        --scale) packages+=(redis-server influxdb nginx-light curl) ;; # scripts/scale-demo.sh
        --fuzz) packages+=(clang libclang-rt-14-dev) ;;
        *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    # Installing a server package must not start it as a system service here:
    # tests start their own instances on free ports.
    policy=/usr/sbin/policy-rc.d
    if [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
