#!/bin/sh
# Runs a command (a test) in a private D-Bus session with a fresh, unlocked
# gnome-keyring as its Secret Service, so QtKeychain talks to a real
# keychain (issue 5). Everything lives in a temporary HOME that is removed
# afterwards; the daemon exits with its bus.
#
#   tests/auth/with-keyring.sh ./tst_tokenstore
#
# Needs dbus-run-session (package dbus) and gnome-keyring-daemon (package
# gnome-keyring): scripts/setup.sh --test installs both.
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "with-keyring.sh: $tool is missing (run scripts/setup.sh --test)" >&2
        exit 1
    fi
done
home=$(mktemp -d "${TMPDIR:-/tmp}/sightline-keyring-XXXXXX")
trap 'rm -rf "$home"' EXIT INT TERM
mkdir -p "$home/data" "$home/run"
chmod 700 "$home/run"
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
# The inner shell unlocks (creating) the login keyring with a throwaway
# password, exports the daemon's variables, then becomes the test.
dbus-run-session -- sh -c '
    eval "$(printf %s sightline-test | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL SIGHTLINE_TEST_KEYRING=1
    exec "$@"' with-keyring "$@"
