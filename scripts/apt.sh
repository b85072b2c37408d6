# Sourced by scripts/ensure-*.sh: install Debian packages the test suite needs, the same way
# for each (sudo when not root; a fresh machine's package lists may be missing or stale, so a
# failed install updates them once and tries again).
#   apt_install WHO WHAT PACKAGE...   WHO: the script's name; WHAT: what to install by hand
#                                     when there is no apt-get (then it exits 1)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi

apt_packages() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

apt_install() {
    local who="$1" what="$2"
    shift 2
    if ! command -v apt-get > /dev/null; then
        echo "$who: there is no apt-get; install $what yourself" >&2
        exit 1
    fi
    echo "$who: installing the Debian package(s) $*"
    apt_packages "$@" || { "${SUDO[@]}" apt-get update -q && apt_packages "$@"; }
}
