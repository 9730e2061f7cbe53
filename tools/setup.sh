#!/usr/bin/env bash
# Check that this machine can build, run and test the project, by using each
# tool the way the build does; on Debian, install what is missing.
#
# Usage: tools/setup.sh [--browser] [NAME=VALUE...]
#   --browser   also a headless browser with fonts (`make test` renders the
#               trace viewer in Chromium)
#   NAME=VALUE  a tool as the Makefile calls it (CC, LD, HOST_CC, PYTHON, QEMU,
#               OBJCOPY, NM); `make` passes its own, else the defaults below
#
# Silent when all is well. Otherwise, as root, it installs the Debian packages
# that are missing and checks again; as another user it says what is wrong,
# one line each, prints the command that installs the packages, and exits 1.
# shellcheck disable=SC2317 # the checks run through quiet()
set -euo pipefail

# Tools as the Makefile calls them: NAME=VALUE arguments first (make passes
# its own), then the environment for those the Makefile takes from it, then
# the Makefile's defaults, found again after an install.
declare -A given=()
for name in HOST_CC PYTHON QEMU OBJCOPY NM; do
    given[$name]=${!name:-}
done
browser=
for arg; do
    case $arg in
        --browser) browser=yes ;;
        CC=* | LD=* | HOST_CC=* | PYTHON=* | QEMU=* | OBJCOPY=* | NM=*)
            given[${arg%%=*}]=${arg#*=} ;;
        *) echo "usage: $0 [NAME=VALUE...]" >&2; exit 2 ;;
    esac
done

first_command() {
    local c
    for c; do command -v "$c" && return; done
    echo "$1"
}

find_tools() {
    CC=${given[CC]:-$(first_command clang clang-14)}
    LD=${given[LD]:-$(first_command ld.lld ld.lld-14)}
    HOST_CC=${given[HOST_CC]:-$(first_command cc "$CC")}
    PYTHON=${given[PYTHON]:-$(first_command /usr/bin/python3 python3)}
    QEMU=${given[QEMU]:-qemu-system-x86_64}
    OBJCOPY=${given[OBJCOPY]:-objcopy}
    NM=${given[NM]:-nm}
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/free.c" <<'EOF'
void _start(void) { for (;;) {} }
EOF
cat >"$tmp/host.c" <<'EOF'
#include <stdlib.h>
int main(void) { char *p = malloc(4); p[0] = 0; free(p); return 0; }
EOF

cat >"$tmp/page.html" <<'EOF'
<div id="out">static</div>
<script>document.getElementById("out").textContent = "rendered-" + 6 * 7;</script>
EOF

quiet() { "$@" >/dev/null 2>&1; }

# The trace viewer's check: Chromium runs a page's script headless.
browser_renders() {
    [[ $(timeout 60 chromium --headless --no-sandbox --disable-gpu \
        --user-data-dir="$tmp/chromium" --dump-dom "file://$tmp/page.html" \
        2>/dev/null) == *rendered-42* ]]
}

# problem PACKAGES TEXT: TEXT is wrong, and PACKAGES (maybe none) fix it.
problem() {
    local pkgs
    read -ra pkgs <<<"$1"
    problems+=("setup: $2${1:+: install $1}")
    packages+=("${pkgs[@]}")
}

# broken TOOL TEXT: TEXT, or that TOOL is missing when it is no command at all.
broken() {
    if command -v "$1" >/dev/null; then echo "$2"; else echo "$1 is missing"; fi
}

# The kernel's way: freestanding, LTO, linked by ld.lld, then objcopy and nm.
kernel_object() {
    "$CC" --target=x86_64-pc-none-elf -ffreestanding -nostdlib -O2 -flto \
        -c -o "$tmp/free.o" "$tmp/free.c"
}
kernel_link() { "$LD" -o "$tmp/free.elf" "$tmp/free.o"; }
binutils() {
    "$OBJCOPY" -O binary "$tmp/free.elf" "$tmp/free.bin" &&
        [[ $("$NM" "$tmp/free.elf") == *" T _start"* ]]
}
binutils_run() { "$OBJCOPY" --version && "$NM" --version; }

# The host unit tests build with ASan and UBSan; clang's runtimes for them
# are a package of their own, gcc's come with it.
host_tests() {
    "$HOST_CC" -fsanitize=address,undefined -fno-sanitize-recover=all \
        -o "$tmp/host" "$tmp/host.c"
}
host_packages() {
    local version
    if [[ $("$HOST_CC" --version 2>/dev/null) == *"Free Software Foundation"* ]]; then
        echo gcc
    else
        version=$("$HOST_CC" -dumpversion 2>/dev/null) || version=14
        echo "clang libclang-rt-${version%%.*}-dev"
    fi
}

run_checks() {
    problems=()
    packages=()
    find_tools
    # The slowest check, in the background meanwhile.
    quiet host_tests &
    local host_job=$!
    quiet command -v make || problem make "make is missing"
    quiet "$PYTHON" -c 'import kconfiglib' ||
        problem python3-kconfiglib "$(broken "$PYTHON" "$PYTHON cannot import kconfiglib")"
    if ! quiet kernel_object; then
        problem clang "$(broken "$CC" "$CC cannot compile freestanding x86-64 C")"
        quiet "$LD" --version || problem lld "$(broken "$LD" "$LD does not run")"
        quiet binutils_run || problem binutils "$(broken "$OBJCOPY" "$OBJCOPY or $NM does not run")"
    elif ! quiet kernel_link; then
        problem lld "$LD cannot link clang's x86-64 LTO objects"
        quiet binutils_run || problem binutils "$(broken "$OBJCOPY" "$OBJCOPY or $NM does not run")"
    else
        quiet binutils || problem binutils "$OBJCOPY or $NM cannot handle an x86-64 ELF file"
    fi
    if ! wait "$host_job"; then
        problem "$(host_packages)" \
            "$(broken "$HOST_CC" "$HOST_CC cannot link a -fsanitize=address,undefined program")"
    elif ! quiet "$tmp/host"; then
        problem "" "a -fsanitize=address,undefined program built by $HOST_CC does not run"
    fi
    quiet "$QEMU" --version || problem qemu-system-x86 "$(broken "$QEMU" "$QEMU does not run")"
    quiet command -v socat || problem socat "socat is missing (more terminals for make run)"
    if [[ $browser ]]; then
        quiet browser_renders ||
            problem chromium "$(broken chromium "chromium cannot render a page headless")"
        [[ $(fc-list 2>/dev/null) ]] || problem fonts-dejavu-core "no fonts for the browser"
    fi
}

run_checks
((${#problems[@]})) || exit 0
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk 'NF && !seen[$0]++')
install="apt-get install -y --no-install-recommends ${packages[*]}"

if [[ ${#packages[@]} == 0 ]] || ! command -v apt-get >/dev/null; then
    printf '%s\n' "${problems[@]}" >&2
    exit 1
fi
if [[ $(id -u) != 0 ]]; then
    printf '%s\n' "${problems[@]}" >&2
    if command -v sudo >/dev/null; then
        line="sudo apt-get update && sudo $install"
    else
        line="su -c 'apt-get update && $install'"
    fi
    printf 'setup: to install them, run:\n  %s\n' "$line" >&2
    exit 1
fi

echo "setup: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing (a fresh machine) or stale.
apt-get update -qq
# $install unquoted on purpose: one word per argument.
# shellcheck disable=SC2086
$install -q
hash -r
run_checks
((${#problems[@]})) || exit 0
printf '%s\n' "${problems[@]}" >&2
echo "setup: still not working after the install" >&2
exit 1
