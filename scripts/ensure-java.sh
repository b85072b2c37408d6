#!/usr/bin/env bash
# Make sure a Java runtime for Spark is installed: tests/test_spark.py starts a local Spark
# (PySpark 4, which needs Java 17 or newer) and FAILS without it.
# Idempotent: does nothing when `java` is on PATH (or in $JAVA_HOME) and is 17 or newer;
# otherwise installs the Debian package default-jre-headless (openjdk-17-jre-headless when
# the default is older), with sudo when not root. `make test` calls it first.
set -euo pipefail

java_major() {
    local java="$1"
    # `java -version` prints e.g. openjdk version "17.0.15" 2025-04-15 (or "1.8.0_392") on stderr
    "$java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9.]*\).*/\1/p' | head -n 1 |
        awk -F. '{ print ($1 == 1) ? $2 : $1 }'
}

find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java > /dev/null; then
        command -v java
    fi
}

good_java() {
    local java major
    java="$(find_java)"
    [ -n "$java" ] || return 1
    major="$(java_major "$java")"
    [ -n "$major" ] && [ "$major" -ge 17 ]
}

if good_java; then
    exit 0
fi
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install ensure-java "a Java 17+ runtime (e.g. Debian/Ubuntu package default-jre-headless; tests/test_spark.py needs it)" \
    default-jre-headless
if ! good_java; then
    # an older release whose default Java is below 17
    echo "ensure-java: the default Java is older than 17; installing openjdk-17-jre-headless"
    apt_packages openjdk-17-jre-headless
    update-alternatives --list java 2> /dev/null | grep -m1 'java-17' | xargs -r "${SUDO[@]}" update-alternatives --set java
fi
if ! good_java; then
    echo "ensure-java: Java was installed but no java 17 or newer is on PATH" >&2
    exit 1
fi
