#!/usr/bin/env bash
# Make sure this (Debian 12) machine has what the build and `make run`/`make test` need.
#
# Usage: bash tools/setup.sh [menuconfig]
#   menuconfig  also require python3-kconfiglib (for `make menuconfig`)
#
# Prints nothing when everything is there. Otherwise installs the missing
# Debian packages when run as root, or prints the apt-get command and exits 1.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

# A command, or a versioned one such as clang-14 (Debian 12's default).
# Not grep -q: with pipefail, compgen could die of SIGPIPE and fail the test.
have_versioned() {
    # shellcheck disable=SC2143
    have "$1" || [[ -n $(compgen -c "$1-" | grep -E "^$1-[0-9]+$") ]]
}

# Debian's package is importable by the system python3, which may not be
# the first python3 on PATH (pyenv, venv).
has_kconfiglib() {
    python3 -c 'import kconfiglib' 2>/dev/null ||
        /usr/bin/python3 -c 'import kconfiglib' 2>/dev/null
}

missing_packages() {
    local need=()
    have_versioned clang || need+=(clang)
    have_versioned ld.lld || need+=(lld)
    { have objcopy && have nm && have addr2line; } || need+=(binutils)
    have python3 || need+=(python3)
    have make || need+=(make)
    have qemu-system-x86_64 || need+=(qemu-system-x86)
    have socat || need+=(socat) # to attach more terminals to `make run`
    if [[ $want_kconfiglib == 1 ]] && ! has_kconfiglib; then
        need+=(python3-kconfiglib)
    fi
    echo "${need[@]}"
}

want_kconfiglib=0
case "${1:-}" in
    "") ;;
    menuconfig) want_kconfiglib=1 ;;
    *) echo "usage: $0 [menuconfig]" >&2; exit 2 ;;
esac

pkgs=$(missing_packages)
[[ -z $pkgs ]] && exit 0

if [[ $(id -u) != 0 ]]; then
    echo "Missing packages. Install them with:"
    echo "  sudo apt-get install -y $pkgs"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# $pkgs unquoted on purpose: one word per package.
# shellcheck disable=SC2086
apt_install() { apt-get install -y --no-install-recommends $pkgs; }
# A fresh machine has no package lists yet: update only when install fails.
apt_install || { apt-get update && apt_install; }

hash -r
still=$(missing_packages)
if [[ -n $still ]]; then
    echo "setup: still missing after install: $still" >&2
    exit 1
fi
