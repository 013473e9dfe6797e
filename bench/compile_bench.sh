#!/bin/sh
# compile_bench.sh [DTC] -- full compile to a relocatable object (front end +
# code generation + atomic write): a one-clause script and a generated
# 2,000-clause script.  Wall time over N runs (hyperfine when installed, else
# a loop timed with date +%s%N); peak RSS via /usr/bin/time -v when present.
# Baseline in the same run: `bpftrace --emit-elf` on equivalent scripts, when
# bpftrace is installed (apt-get install bpftrace).
# Targets (issues 3, 4): 1 clause < 5 ms, 2000 clauses < 250 ms, < 60 MB.
# A second table times the front end alone (dtc without -o: parse + check,
# no code generation, no fsync of the output) against a process that does
# nothing (/bin/true), so the startup cost of the machine is visible.
set -eu
DTC=${1:-build/compiler/dtc}
N=${N:-20}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'BEGIN { printf("hello %%d\\n", 42); exit(0); }\n' > "$tmp/one.d"
printf 'BEGIN { printf("hello %%d\\n", 42); exit(); }\n' > "$tmp/one.bt"
i=0
while [ $i -lt 2000 ]; do
	printf 'syscall::call%d:entry /pid == %d && arg0 > %d/ { @c%d[execname, arg1] = count(); printf("%%s %%d\\n", probefunc, arg0 + %d); }\n' \
		$i $i $i $((i % 50)) $i
	printf 'kprobe:vfs_read /pid == %d && arg0 > %d/ { @c%d[comm, arg1] = count(); printf("%%s %%d\\n", func, arg0 + %d); }\n' \
		$i $i $((i % 50)) $i >> "$tmp/many.bt"
	i=$((i + 1))
done > "$tmp/many.d"

wall_us() {	# command... -> mean wall microseconds over N runs
	s=$(date +%s%N); k=0
	while [ $k -lt "$N" ]; do "$@" >/dev/null 2>&1 || true; k=$((k + 1)); done
	e=$(date +%s%N)
	echo $(( (e - s) / N / 1000 ))
}
rss_kb() {	# command... -> peak RSS in kB
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
	else
		echo "?"
	fi
}

"$DTC" -o "$tmp/many.o" "$tmp/many.d" || { echo "dtc failed on the generated script"; exit 1; }
printf '%-14s %12s %10s %16s %12s %8s\n' script "dtc us" "dtc kB" "bpftrace us" "bpftrace kB" ratio
for s in one many; do
	d=$(wall_us "$DTC" -o "$tmp/$s.o" "$tmp/$s.d")
	dk=$(rss_kb "$DTC" -o "$tmp/$s.o" "$tmp/$s.d")
	if command -v bpftrace >/dev/null 2>&1; then
		bn=$N; [ "$s" = many ] && N=3
		b=$(wall_us bpftrace --emit-elf "$tmp/$s.bo" "$tmp/$s.bt")
		bk=$(rss_kb bpftrace --emit-elf "$tmp/$s.bo" "$tmp/$s.bt")
		N=$bn
		r=$(awk -v a="$b" -v b="$d" 'BEGIN { printf "%.0fx", a / (b > 0 ? b : 1) }')
	else
		b="n/a"; bk="n/a"; r="(no bpftrace)"
	fi
	label="1 clause"; [ "$s" = many ] && label="2000 clauses"
	printf '%-14s %12s %10s %16s %12s %8s\n' "$label" "$d" "$dk" "$b" "$bk" "$r"
done

printf '\n%-14s %12s %10s %16s\n' "front end" "dtc us" "dtc kB" "/bin/true us"
t=$(wall_us /bin/true)
for s in one many; do
	d=$(wall_us "$DTC" "$tmp/$s.d")
	dk=$(rss_kb "$DTC" "$tmp/$s.d")
	label="1 clause"; [ "$s" = many ] && label="2000 clauses"
	printf '%-14s %12s %10s %16s\n' "$label" "$d" "$dk" "$t"
done
