#!/bin/sh
# link_bench.sh — time dld's whole link of a typical script (bench/link_bench.s)
# against a BTF typefile vs. libbpf's btf__parse of the same file in the same
# run, and against a minimal typefile.  Not a test: run by hand.
#   bench/link_bench.sh [build-dir] [rounds] [typefile]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-11}
file=${3:-/sys/kernel/btf/vmlinux}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for l in linker/ld/liblnk.a typer/libtypinfer.a linker/asm/libdasm.a typer/libtyp.a linker/obj/libdobj.a \
	 runtime-kernel/libdvm_user.a runtime-kernel/libdvm.a linker/asm/dasm; do
	[ -e "$build/$l" ] || { echo "link_bench: $build/$l not built (ninja -C $build)" >&2; exit 2; }
done
"$build/linker/asm/dasm" -o "$out/script.o" "$here/bench/link_bench.s"
cc -O2 -I"$here/linker/ld" -I"$here/typer" -I"$here/include" -o "$out/bench" \
	"$here/bench/link_bench.c" "$build/linker/ld/liblnk.a" "$build/typer/libtypinfer.a" \
	"$build/linker/asm/libdasm.a" "$build/typer/libtyp.a" \
	"$build/linker/obj/libdobj.a" "$build/runtime-kernel/libdvm_user.a" \
	"$build/runtime-kernel/libdvm.a" $(pkg-config --libs libbpf libelf) -lmd
"$out/bench" -n "$rounds" "$out/script.o" "$file"
