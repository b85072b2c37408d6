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
if ! command -v apt-get > /dev/null; then
    echo "ensure-chromium: $CHROMIUM not found and there is no apt-get;" \
         "install Chromium (Debian/Ubuntu package 'chromium') yourself" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi
echo "ensure-chromium: installing the Debian package chromium (for tests/test_browser.py)"
install() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
}
# a fresh machine's package lists may be missing or stale: update once and try again
install || { "${SUDO[@]}" apt-get update -q && install; }
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-chromium: chromium was installed but $CHROMIUM is still missing" >&2
    exit 1
fi
