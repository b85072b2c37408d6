#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries are installed: tests/test_postgres.py starts a
# throw-away cluster with /usr/lib/postgresql/*/bin/initdb and pg_ctl, and FAILS without them.
# Idempotent: does nothing when they are there; otherwise installs the Debian package
# `postgresql` (with sudo when not root). `make test` calls it first.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    exit 0
fi
if ! command -v apt-get > /dev/null; then
    echo "ensure-postgres: /usr/lib/postgresql/*/bin/initdb not found and there is no apt-get;" \
         "install the PostgreSQL server (Debian/Ubuntu package 'postgresql') yourself" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi
echo "ensure-postgres: installing the Debian package postgresql (for tests/test_postgres.py)"
export DEBIAN_FRONTEND=noninteractive
install() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
}
# a fresh machine's package lists may be missing or stale: update once and try again
install || { "${SUDO[@]}" apt-get update -q && install; }
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    echo "ensure-postgres: postgresql was installed but /usr/lib/postgresql/*/bin/initdb is still missing" >&2
    exit 1
fi
