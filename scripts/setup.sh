#!/usr/bin/env bash
# setup.sh — install what HyperTrace needs on Debian 12, idempotently.
#
# Checks each package with dpkg first and only calls apt-get when something is
# missing, so a second run is silent and takes well under a second.
set -eu

PKGS="meson ninja-build pkg-config gcc clang llvm-14-dev libclang-rt-14-dev
libelf-dev libbsd-dev libmd-dev libbpf-dev check binutils zlib1g-dev libzstd-dev
libffi-dev libtinfo-dev libxml2-dev pahole qemu-system-x86
linux-libc-dev bpftrace"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "setup: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
