#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries are installed: tests/test_postgres.py starts a
# throw-away cluster with /usr/lib/postgresql/*/bin/initdb and pg_ctl, and FAILS without them.
# Idempotent: does nothing when they are there; otherwise installs the Debian package
# `postgresql` (with sudo when not root). `make test` calls it first.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    exit 0
fi
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install ensure-postgres "the PostgreSQL server (Debian/Ubuntu package 'postgresql'; tests/test_postgres.py needs initdb)" \
    postgresql
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    echo "ensure-postgres: postgresql was installed but /usr/lib/postgresql/*/bin/initdb is still missing" >&2
    exit 1
fi
