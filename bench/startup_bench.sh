#!/usr/bin/env bash
# startup_bench.sh — wall time of `<tool> --version` for every tool, against
# /bin/true measured in the same run (the cost of fork+exec itself).
# Target (issue 2): under 5 ms per tool.
#   bench/startup_bench.sh [build-dir] [runs]
set -eu
B=${1:-build}
N=${2:-200}
tools="compiler/dtc linker/asm/dasm linker/ld/dld typer/dtype runtime-daemon/dtraced
runtime-daemon/dtracedctl dtrace/dtrace"

per_run_us() {	# command... -> microseconds per run (wall)
	local s e
	s=$(date +%s%N)
	for _ in $(seq "$N"); do "$@" >/dev/null 2>&1; done
	e=$(date +%s%N)
	echo $(((e - s) / N / 1000))
}

base=$(per_run_us /bin/true)
printf '%-28s %10s %12s\n' tool "us/run" "vs /bin/true"
printf '%-28s %10s %12s\n' /bin/true "$base" "1.00x"
for t in $tools; do
	[ -x "$B/$t" ] || { printf '%-28s %10s\n' "$t" "(not built)"; continue; }
	us=$(per_run_us "$B/$t" --version)
	printf '%-28s %10s %11sx\n' "$t" "$us" "$(awk -v a="$us" -v b="$base" 'BEGIN{printf "%.2f", a/(b>0?b:1)}')"
done
