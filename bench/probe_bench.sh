#!/bin/sh
# probe_bench.sh [BUILDDIR] [ITERATIONS] — the cost of one probe firing
# through the engine for four clauses, next to the same work in C (a probe
# handler called through a pointer; the older direct-call baseline too), measured
# in the same run (bench/probe_bench.c).  A benchmark, not a test.
# Targets: false predicate < 20 ns, the aggregation < 100 ns, every clause
# within 10x of its C equivalent.
build=${1:-build}
n=${2:-2000000}
exe=$build/dtrace/probe_bench
if [ ! -x "$exe" ]; then
	echo "probe_bench.sh: build first: ninja -C $build dtrace/probe_bench" >&2
	exit 2
fi
"$exe" "$n"
