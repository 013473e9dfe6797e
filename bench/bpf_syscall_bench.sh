#!/bin/sh
# bpf_syscall_bench.sh [DTRACE] [BPF_TARGET] -- per-event overhead of
# `dtrace -n 'syscall:::entry { @[execname] = count(); }'` (kernel probes
# through the BPF backend) against bpftrace's
# `tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }`, measured in
# the same run as the slowdown of a tight loop of N getppid() calls
# (`bpf_target bench N` prints ns per call).  R rounds per row, median:
#   base      nothing traced
#   dtrace    the dtrace program above running system-wide
#   bpftrace  the bpftrace program above running system-wide
# overhead = row - base; ratio = dtrace overhead / bpftrace overhead (the
# issue's bar: at most 1).  Needs root; without bpftrace its row is "-".
set -eu
D=${1:-build/dtrace/dtrace}
T=${2:-build/tests/bpf/bpf_target}
N=${N:-2000000}
R=${R:-5}
tmp=$(mktemp -d)
bg=
cleanup() {
	if [ -n "$bg" ]; then kill -INT "$bg" 2>/dev/null || true; wait "$bg" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
loop() {	# median ns/call over R rounds
	k=0
	while [ $k -lt "$R" ]; do
		"$T" bench "$N"
		k=$((k + 1))
	done | median
}
# Start a tracer in the background and wait until its line $2 appears on
# its stderr/stdout (attached), at most 20 s.
start() {
	"$@" >"$tmp/out" 2>&1 &
	bg=$!
}
wait_for() {
	k=0
	while ! grep -q "$1" "$tmp/out" 2>/dev/null; do
		k=$((k + 1))
		if [ $k -gt 200 ] || ! kill -0 "$bg" 2>/dev/null; then
			echo "bpf_syscall_bench: tracer did not start:" >&2
			cat "$tmp/out" >&2
			exit 1
		fi
		sleep 0.1
	done
	sleep 0.5	# BEGIN done, programs attached
}
stop() {
	kill -INT "$bg" 2>/dev/null || true
	wait "$bg" 2>/dev/null || true
	bg=
}

base=$(loop)
start "$D" -n 'syscall:::entry { @[execname] = count(); }'
wait_for "matched"
dt=$(loop)
stop
grep -q bpf_target "$tmp/out" || { echo "bpf_syscall_bench: dtrace counted nothing" >&2; cat "$tmp/out" >&2; exit 1; }
bt=-
if command -v bpftrace >/dev/null 2>&1; then
	start bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
	wait_for "Attaching"
	bt=$(loop)
	stop
fi
awk -v base="$base" -v dt="$dt" -v bt="$bt" -v n="$N" -v r="$R" 'BEGIN {
	printf "getppid loop, %d calls, median of %d rounds (ns per call)\n", n, r
	printf "%-10s %10s %10s\n", "row", "ns/call", "overhead"
	printf "%-10s %10.1f %10s\n", "base", base, "-"
	printf "%-10s %10.1f %10.1f\n", "dtrace", dt, dt - base
	if (bt == "-") { printf "%-10s %10s %10s\n", "bpftrace", "-", "-"; exit }
	printf "%-10s %10.1f %10.1f\n", "bpftrace", bt, bt - base
	if (bt - base > 0)
		printf "ratio dtrace/bpftrace overhead: %.2f\n", (dt - base) / (bt - base)
}'
