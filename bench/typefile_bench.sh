#!/bin/sh
# typefile_bench.sh — load+index a typefile with the typ library vs libbpf's
# btf__parse alone (same run, alternating; median and min of N, wall and CPU
# time), then peak memory of each alone.  Not a test: run by hand.
#   bench/typefile_bench.sh [build-dir] [rounds] [typefile]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-21}
file=${3:-/sys/kernel/btf/vmlinux}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

lib="$build/typer/libtyp.a"
[ -f "$lib" ] || { echo "typefile_bench: $lib not built (ninja -C $build)" >&2; exit 2; }
cc -O2 -I"$here/typer" -I"$here/include" -o "$out/bench" "$here/bench/typefile_bench.c" \
	"$lib" $(pkg-config --libs libbpf libelf)
"$out/bench" -n "$rounds" "$file"

# Peak memory: one process that only parses, one that only opens+indexes.
cat > "$out/peak.c" <<'C'
#include <bpf/btf.h>
#include <stdio.h>
#include <string.h>
#include "typ_typefile.h"
int main(int argc, char **argv)
{
	if (strcmp(argv[1], "libbpf") == 0)
		return btf__parse(argv[2], NULL) == NULL;
	struct typ_file *tf;
	struct typ_err err;
	return typ_file__open(argv[2], &tf, &err) != 0;
}
C
cc -O2 -I"$here/typer" -o "$out/peak" "$out/peak.c" "$lib" $(pkg-config --libs libbpf libelf)
for who in libbpf typ; do
	/usr/bin/time -f "peak RSS $who: %M KB (%e s)" "$out/peak" "$who" "$file"
done
