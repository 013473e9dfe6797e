#!/usr/bin/env bash
# quickstart.sh — install what is missing, build, and run the bundled example
# through every stage of the toolchain that exists today.
#
# Each stage prints what it does: dtc compiles D without target types, dld
# links the object per guest typefile, dtrace -Y runs the linked program.
set -eu
cd "$(dirname "$0")/.."

bash scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
B=build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "dtc: compile examples/hello.d to a relocatable object"
$B/compiler/dtc -o "$out/hello.o" examples/hello.d
echo "wrote $(wc -c <"$out/hello.o") bytes; the DIF:"
$B/linker/asm/dasm -S "$out/hello.o"

step "typefiles of two guests whose kernels lay out the same structs differently"
for g in a b; do
	gcc -gbtf -c -o "$out/guest-$g.btf.o" examples/guest-$g.c
	echo "guest-$g: $(readelf -S -W "$out/guest-$g.btf.o" | grep -c ' .BTF ') .BTF section"
done

step "dtc once, dld per guest, dtrace -Y each: examples/layout.d"
$B/compiler/dtc -o "$out/layout.o" examples/layout.d
for g in a b; do
	$B/linker/ld/dld -T "$out/guest-$g.btf.o" -o "$out/layout.$g" "$out/layout.o"
	echo "-- linked for guest-$g:"
	$B/dtrace/dtrace -q -Y "$out/layout.$g"
done

step "dtrace -Y: run hello"
$B/linker/ld/dld -T "$out/guest-a.btf.o" -o "$out/hello" "$out/hello.o"
$B/dtrace/dtrace -Y "$out/hello"

step "dasm: the same program written in DIF assembly round-trips to identical bytes"
$B/linker/asm/dasm -o "$out/hello-s.o" examples/hello.s
$B/linker/asm/dasm -d "$out/hello-s.o" >"$out/round.s"
$B/linker/asm/dasm -o "$out/round.o" "$out/round.s"
cmp "$out/hello-s.o" "$out/round.o" && echo "round trip: identical bytes"
