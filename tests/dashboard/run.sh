#!/usr/bin/env bash
# hardline: the dashboard's triage table in a real browser.
#
#   bash tests/dashboard/run.sh         (from anywhere; Debian 12, as root to install Chromium)
#
# Installs Debian's Chromium once (no downloaded browser), builds hardline (debug, shared with
# `cargo test`), writes the demo's site, serves it on loopback and drives headless Chromium
# over the DevTools protocol (check_triage.py): the page is whole without scripts, the filter
# and the sorting work with them, and no Content-Security-Policy violation is reported (with a
# negative control that must be caught). Prints `ok - ` / `not ok - ` lines and
# `N passed, M failed`; exits 1 on any failure. Everything it starts is bounded by timeouts.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive

if ! command -v chromium >/dev/null 2>&1; then
    echo "# installing chromium from Debian"
    if ! { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }; then
        echo "not ok - apt-get install chromium"
        exit 1
    fi
fi

cd "$REPO" || exit 1
if ! out=$(cargo build --locked -q -p hardline 2>&1); then
    echo "not ok - cargo build -p hardline"
    printf '%s\n' "$out" | head -n 40 | sed 's/^/#   /'
    exit 1
fi
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! out=$(HARDLINE_NOW=2026-11-11T04:00:00Z timeout 120 "$TARGET_DIR/debug/hardline" demo --out "$work/demo" 2>&1); then
    echo "not ok - hardline demo"
    printf '%s\n' "$out" | head -n 40 | sed 's/^/#   /'
    exit 1
fi
timeout 300 python3 "$HERE/check_triage.py" "$work/demo/site"
