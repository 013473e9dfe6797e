#!/bin/sh
# pagewalk_bench.sh [BUILDDIR] [ITERATIONS] [ROUNDS] — cost of an 8-byte
# guest-memory read through runtime-kernel/vmm with a warm translation
# cache, next to a plain host read through the same call path and to a
# full 4-level walk, measured in the same run (bench/pagewalk_bench.c).
# A benchmark, not a test.  Target: warm < 2x host.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
n=${2:-5000000}
rounds=${3:-11}
lib="$build/runtime-kernel/vmm/libdvmm.a"
[ -f "$lib" ] || { echo "pagewalk_bench.sh: $lib not built (ninja -C $build)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CC:-cc} -O2 -I"$here/runtime-kernel/vmm" -I"$here/include" -o "$out/bench" \
	"$here/bench/pagewalk_bench.c" "$lib"
"$out/bench" "$n" "$rounds"
