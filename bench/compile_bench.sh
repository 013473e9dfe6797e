#!/bin/sh
# compile_bench.sh [DTC] -- front-end speed and memory: a one-clause script and a
# generated 2,000-clause script.  Wall time via hyperfine when installed, else a
# loop timed with date +%s%N; peak RSS via /usr/bin/time -v when present.
# Baseline in the same run: bpftrace --emit-elf, only if bpftrace is installed.
# Targets: 1 clause < 5 ms, 2000 clauses < 200 ms, peak RSS < 50 MB.
# On a loaded machine wall time includes waiting for a CPU: compare the
# user+system times, which /usr/bin/time reports, with the targets too.
set -eu
DTC=${1:-build/compiler/dtc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'BEGIN { printf("hello %%d\\n", 42); exit(0); }\n' > "$tmp/one.d"
i=0
while [ $i -lt 2000 ]; do
	printf 'syscall::call%d:entry /pid == %d && arg0 > %d/ { self->t%d = timestamp; @c%d[execname, arg1] = count(); printf("%%s %%d\\n", probefunc, arg0 + %d); }\n' \
		$i $i $i $i $((i % 50)) $i
	i=$((i + 1))
done > "$tmp/many.d"

measure() {     # name file
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 3 "$DTC $2" 2>/dev/null | grep -E 'Time|Range' | sed "s/^/$1: /"
	else
		n=20; s=$(date +%s%N); k=0
		while [ $k -lt $n ]; do "$DTC" "$2" >/dev/null 2>&1 || true; k=$((k + 1)); done
		e=$(date +%s%N)
		echo "$1: mean wall $(( (e - s) / n / 1000 )) us over $n runs"
	fi
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$DTC" "$2" 2>&1 >/dev/null |
			grep -E 'Maximum resident|User time|System time' | sed "s/^\s*/$1: /"
	else
		echo "$1: /usr/bin/time not installed; peak RSS not measured"
	fi
}
"$DTC" "$tmp/many.d" || { echo "dtc failed on the generated script"; exit 1; }
measure "1 clause" "$tmp/one.d"
measure "2000 clauses" "$tmp/many.d"
if command -v bpftrace >/dev/null 2>&1; then
	echo "baseline: bpftrace --emit-elf (one probe)"
	s=$(date +%s%N)
	bpftrace --emit-elf "$tmp/b.o" -e 'BEGIN { printf("hello %d\n", 42); exit(); }' >/dev/null 2>&1 || true
	e=$(date +%s%N); echo "bpftrace: $(( (e - s) / 1000 )) us"
else
	echo "baseline: bpftrace is not installed; no comparison made"
fi
