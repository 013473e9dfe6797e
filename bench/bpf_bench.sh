#!/bin/sh
# bpf_bench.sh [DBPF_BENCH] -- per-event overhead of a translated DIF program
# on a real kernel event.  A tight loop of N getppid() calls is timed three
# ways in the same run, R rounds each (median reported):
#   base      no probe attached
#   dbpf      the DIF predicate `pid == self && arg1 == __NR_getppid` with a
#             per-CPU count (runtime-bpf), attached to raw sys_enter
#   dbpf-tp   the same on the raw_syscalls:sys_enter tracepoint (by name)
#   clause    the whole-clause program of
#             `syscall:::entry { @[execname] = count(); }` (dbpf_clause.h) on
#             raw sys_enter: what `dtrace -n` runs for that script
#   clause-tp the same clause program on the raw_syscalls:sys_enter tracepoint
#   bpftrace  bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
#   bt-pred   bpftrace -e 'tracepoint:raw_syscalls:sys_enter /args->id == NR/ { @ = count(); }'
#             (a predicate and a plain count: closer to what dbpf does)
# overhead = (probed ns/call - base ns/call).  Needs root; bpftrace optional.
set -eu
B=${1:-build/runtime-bpf/dbpf_bench}
N=${N:-2000000}
R=${R:-5}
tmp=$(mktemp -d)
bt=
mounted=
cleanup() {
	if [ -n "$bt" ]; then kill "$bt" 2>/dev/null || true; fi
	if [ -n "$mounted" ]; then umount /sys/kernel/tracing 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() {		# mode -> median ns/call over R rounds
	k=0
	while [ $k -lt "$R" ]; do
		"$B" "$1" "$N" | awk '/^ns_per_call/ { print $2 }'
		k=$((k + 1))
	done | median
}

base=$(run loop)
dbpf=$(run probe)
# bpftrace's tracepoint needs tracefs; mount it for this run if absent.
tracefs_ok() { [ -d /sys/kernel/tracing/events/raw_syscalls ]; }
if command -v bpftrace >/dev/null 2>&1 && ! tracefs_ok; then
	if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		mounted=1
	else
		echo "bpf_bench: cannot mount tracefs on /sys/kernel/tracing (not root?); no bpftrace baseline" >&2
	fi
fi
dbtp=$(run probe-tp)
clause=$(run clause)
clausetp=$(run clause-tp)
NR=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cc -E -P - | tail -n 1)
bt_run() {	# bpftrace program -> median ns/call of the loop while it runs, or -
	if ! command -v bpftrace >/dev/null 2>&1 || ! tracefs_ok; then echo -; return; fi
	bpftrace -e "$1" > "$tmp/bt.out" 2>&1 &
	bt=$!
	k=0	# wait until its probe is attached
	while ! grep -q Attaching "$tmp/bt.out" && [ $k -lt 100 ]; do
		sleep 0.1; k=$((k + 1))
	done
	if grep -q Attaching "$tmp/bt.out"; then
		sleep 0.5
		run loop
	else
		echo "bpf_bench: bpftrace did not attach:" >&2; cat "$tmp/bt.out" >&2
		echo -
	fi
	kill -INT "$bt" 2>/dev/null || true; wait "$bt" 2>/dev/null || true; bt=
}
btns=$(bt_run 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }')
btpred=$(bt_run "tracepoint:raw_syscalls:sys_enter /args->id == $NR/ { @ = count(); }")
row() {	# name ns
	if [ "$2" = - ]; then
		printf '%-10s %12s %14s\n' "$1" - "not run"
	else
		printf '%-10s %12s %14s\n' "$1" "$2" "$(echo "$2 $base" | awk '{ printf "%.1f", $1 - $2 }')"
	fi
}
printf 'N=%s getppid() calls, median of %s rounds\n' "$N" "$R"
printf '%-10s %12s %14s\n' probe "ns/call" "overhead ns"
row base "$base"
row dbpf "$dbpf"
row dbpf-tp "$dbtp"
row clause "$clause"
row clause-tp "$clausetp"
row bpftrace "$btns"
row bt-pred "$btpred"
# The issue's figure of merit: @[execname] = count() against bpftrace's
# @[comm] = count(), overhead ratio (<= 1 means no slower than bpftrace).
if [ "$btns" != - ]; then
	echo "$clause $clausetp $btns $base" | awk '{ b = $3 - $4;
		printf "ratio clause/bpftrace %.2f, clause-tp/bpftrace %.2f\n",
		    ($1 - $4) / b, ($2 - $4) / b }'
fi
