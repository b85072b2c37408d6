#!/usr/bin/env bash
# Make sure Debian's Chromium is installed: tests/test_browser.py drives /usr/bin/chromium
# headless over the Chrome DevTools Protocol (no chromedriver, no browser download) and
# FAILS without it. Idempotent: does nothing when /usr/bin/chromium is there; otherwise
# installs the Debian package `chromium` (with sudo when not root). `make test` calls it.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install ensure-chromium "Chromium (Debian/Ubuntu package 'chromium'; tests/test_browser.py needs $CHROMIUM)" chromium
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-chromium: chromium was installed but $CHROMIUM is still missing" >&2
    exit 1
fi
