#!/usr/bin/env bash
# quickstart.sh — install what is missing, build, and run the bundled example
# through every stage of the toolchain that exists today.
#
# Each stage prints what it does.  As stages land (code generation, dld,
# dtrace -Y) this script runs them; docs/status.md lists what exists.
set -eu
cd "$(dirname "$0")/.."

bash scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
B=build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "dtc: check the D source examples/hello.d"
$B/compiler/dtc -x errtags examples/hello.d && echo "examples/hello.d: no errors"

step "dasm: assemble the same program written in DIF assembly (examples/hello.s)"
$B/linker/asm/dasm -o "$out/hello.o" examples/hello.s
echo "wrote an ELF object of $(wc -c <"$out/hello.o") bytes"

step "readelf: the object is ordinary ELF"
readelf -S -W "$out/hello.o" | sed -n '/Section Headers/,/Key to/p' | head -30

step "dasm -S: the DIF listing, dtrace -S style"
$B/linker/asm/dasm -S "$out/hello.o"

step "dasm -d: disassemble; it re-assembles to the same bytes"
$B/linker/asm/dasm -d "$out/hello.o" >"$out/round.s"
$B/linker/asm/dasm -o "$out/round.o" "$out/round.s"
cmp "$out/hello.o" "$out/round.o" && echo "round trip: identical bytes"
