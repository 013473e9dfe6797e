#!/bin/sh
# typer_bench.sh — DIF type inference speed on a generated program of
# 100,000 instructions (1,000 clauses, each one DIFO with member loads
# through relocations, if/else merges, thread-local and associative
# variables shared by every clause), loosely and against a typefile;
# the DIF validator over the same DIFOs is the baseline of the same run
# (another linear pass).  Target: inference < 100 ms.  A 200,000-instruction
# program shows the growth (near-linear: about twice).  Times are CPU time.
# Not a test.
#   bench/typer_bench.sh [build-dir] [rounds] [typefile]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-11}
tf=${3:-$build/tests/typer/tf_freebsd_a.o}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for f in typer/libtypinfer.a typer/libtyp.a linker/obj/libdobj.a linker/asm/libdasm.a \
	 runtime-kernel/libdvm_user.a linker/asm/dasm; do
	[ -e "$build/$f" ] || { echo "typer_bench: $build/$f not built (ninja -C $build)" >&2; exit 2; }
done
[ -f "$tf" ] || tf=""

# The generator: n DIFOs of 5 blocks of 20 instructions, plus ret.
gen() {	# n output
awk -v n="$1" 'BEGIN {
	print ".agg seen func=count nkeys=1"
	for (k = 0; k < n; k++) {
		printf ".difo d%d\n\t.var x scope=thread\n\t.var m kind=array\n\t.var total\n", k
		for (j = 0; j < 5; j++) {
			print "\tldgs curthread, %r1"
			print "\tusetx member_offset(\"struct thread\", \"td_proc\"), %r2"
			print "\tadd %r1, %r2, %r1"
			print "\tuload [%r1], %r1, load(\"struct thread\", \"td_proc\")"
			print "\tusetx member_offset(\"struct proc\", \"p_pid\"), %r2"
			print "\tadd %r1, %r2, %r1"
			print "\tuload [%r1], %r3, load(\"struct proc\", \"p_pid\")"
			print "\ttst %r3"
			printf "\tbe L%d\n", j
			print "\tldgs timestamp, %r4"
			print "\tstts %r4, x"
			printf "\tba M%d\nL%d:\n", j, j
			printf "\tsetx 0, %%r4\nM%d:\n", j
			print "\tldgs execname, %r5"
			print "\tpushtr string, %r0, %r5"
			print "\tstgaa %r4, m"
			print "\tflushts"
			print "\tldts x, %r6"
			print "\tadd %r6, %r3, %r6"
			print "\tstgs %r6, total"
		}
		print "\tret %r6\n.end"
	}
	for (k = 0; k < n; k++)
		printf ".clause\n\t.probe fbt::f%d:entry\n\t.action difexpr difo=d%d\n.end\n", k, k
}' > "$2.s"
"$build/linker/asm/dasm" -o "$2" "$2.s"
}
gen 1000 "$out/big.o"
gen 2000 "$out/big2.o"	# twice the size: near-linear means about twice the time

cc -O2 -I"$here/typer" -I"$here/include" -I"$here/runtime-kernel" -I"$here/linker/asm" \
	-o "$out/bench" "$here/bench/typer_bench.c" \
	-Wl,--start-group "$build/typer/libtypinfer.a" "$build/typer/libtyp.a" \
	"$build/linker/obj/libdobj.a" "$build/linker/asm/libdasm.a" \
	"$build/runtime-kernel/libdvm_user.a" "$build/runtime-kernel/libdvm.a" -Wl,--end-group \
	$(pkg-config --libs libbpf libelf) -lmd
"$out/bench" -n "$rounds" "$out/big.o" $tf
"$out/bench" -n "$rounds" "$out/big2.o" $tf
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "dtype -T (whole tool, one run): %e s wall, %M KB peak RSS" \
		"$build/typer/dtype" ${tf:+-T "$tf"} "$out/big.o" || true
fi
