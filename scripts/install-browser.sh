#!/bin/sh
# Install the headless browser the dashboard's browser tests drive (Debian packages).
# Idempotent: does nothing when both binaries are already there. Needs root to install.
set -eu

CHROMIUM=${PHUXANH_CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${PHUXANH_CHROMEDRIVER:-/usr/bin/chromedriver}

missing=""
for binary in "$CHROMIUM" "$CHROMEDRIVER"; do
    [ -x "$binary" ] || missing="$missing $binary"
done

if [ -z "$missing" ]; then
    echo "install-browser: $CHROMIUM and $CHROMEDRIVER are already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: missing:$missing; installing them needs root." >&2
    echo "  Run: sudo $0" >&2
    echo "  (or: apt-get install -y --no-install-recommends chromium chromium-driver)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found; install chromium and chromedriver by hand" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver

for binary in "$CHROMIUM" "$CHROMEDRIVER"; do
    if [ ! -x "$binary" ]; then
        echo "install-browser: $binary still missing after apt-get install" >&2
        exit 1
    fi
done
"$CHROMIUM" --version || true
"$CHROMEDRIVER" --version || true
echo "install-browser: done"
