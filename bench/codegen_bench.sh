#!/bin/sh
# codegen_bench.sh [DTC] -- the dtc back end's cost, end to end: full
# compile of a D script to a relocatable object (read, parse, check,
# generate, validate, write atomically), for a 1-clause script and a
# generated 2,000-clause script (predicates, an aggregation with two keys,
# a printf per clause).
#
# Wall time: the median of N runs (N=${N:-21}; the median, not the mean, so
# one descheduled run does not move the figure).  Peak RSS: /usr/bin/time
# -f %M (kB), the largest of 3 runs.  Baseline in the same run, on
# equivalent scripts: `bpftrace --emit-elf` (compile to an ELF object
# without loading), when bpftrace is installed.  Ratios are bpftrace / dtc.
# Targets (issue 4): 1 clause < 5 ms; 2,000 clauses < 250 ms and < 60 MB.
#
# The object is written atomically (temporary file, fsync, rename), so on a
# disk the fsync is part of the wall time; TMPDIR picks the filesystem
# (e.g. TMPDIR=/dev/shm for tmpfs, where fsync costs nothing).  The
# filesystem used is printed with the table.
#
#   sh bench/codegen_bench.sh build/compiler/dtc
#   TMPDIR=/dev/shm sh bench/codegen_bench.sh build/compiler/dtc
set -eu
DTC=${1:-build/compiler/dtc}
N=${N:-21}
[ -x "$DTC" ] || { echo "no dtc at $DTC (give its path)"; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

printf 'BEGIN { printf("hello %%d\\n", 42); exit(0); }\n' >"$tmp/one.d"
printf 'BEGIN { printf("hello %%d\\n", 42); exit(); }\n' >"$tmp/one.bt"
awk 'BEGIN {
	for (i = 0; i < 2000; i++) {
		printf "syscall::fn%d:entry /pid == %d && arg0 > %d/ { @c%d[execname, arg1] = count(); printf(\"%%s %%d\\n\", probefunc, arg0 + %d); }\n", i, i, i, i % 50, i > "/dev/stdout"
		printf "kprobe:vfs_read /pid == %d && arg0 > %d/ { @c%d[comm, arg1] = count(); printf(\"%%s %%d\\n\", func, arg0 + %d); }\n", i, i, i % 50, i > "/dev/stderr"
	}
}' >"$tmp/many.d" 2>"$tmp/many.bt"

# median wall time in microseconds of N runs of a command
median_us() {
	k=0
	: >"$tmp/times"
	while [ $k -lt "$N" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		echo $(( (e - s) / 1000 )) >>"$tmp/times"
		k=$((k + 1))
	done
	sort -n "$tmp/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# peak RSS in kB (largest of 3 runs), "?" without /usr/bin/time
peak_kb() {
	[ -x /usr/bin/time ] || { echo "?"; return; }
	for k in 1 2 3; do
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
	done | sort -n | tail -n 1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b > 0) printf "%.1fx", a / b; else print "-" }'; }

"$DTC" -o "$tmp/check.o" "$tmp/many.d" || { echo "dtc rejects the generated script"; exit 1; }
have_bt=0
command -v bpftrace >/dev/null 2>&1 && have_bt=1

printf '%-13s %10s %9s %14s %12s %10s %9s\n' script "dtc us" "dtc kB" "bpftrace us" "bpftrace kB" "wall x" "RSS x"
for s in one many; do
	d=$(median_us "$DTC" -o "$tmp/$s.o" "$tmp/$s.d")
	dk=$(peak_kb "$DTC" -o "$tmp/$s.o" "$tmp/$s.d")
	if [ $have_bt -eq 1 ]; then
		saved=$N; [ $s = many ] && N=5
		b=$(median_us bpftrace --emit-elf "$tmp/$s.elf" "$tmp/$s.bt")
		N=$saved
		bk=$(peak_kb bpftrace --emit-elf "$tmp/$s.elf" "$tmp/$s.bt")
	else
		b="n/a"; bk="n/a"
	fi
	label="1 clause"; [ $s = many ] && label="2000 clauses"
	printf '%-13s %10s %9s %14s %12s %10s %9s\n' "$label" "$d" "$dk" "$b" "$bk" \
		"$(ratio "$b" "$d")" "$(ratio "$bk" "$dk")"
done
[ $have_bt -eq 1 ] || echo "(bpftrace not installed: no baseline)"
echo "objects written in $tmp ($(df -T "$tmp" | awk 'NR == 2 { print $2 }')); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dtc object sizes: 1 clause $(wc -c <"$tmp/one.o") bytes, 2000 clauses $(wc -c <"$tmp/many.o") bytes"
