#!/bin/sh
# bpf_bench.sh [DBPF_BENCH] -- per-event overhead of translated DIF on a real
# kernel event.  A tight loop of N getppid() calls is timed with and without
# a probe, R rounds per row, all in the same run:
#   dbpf      the single-DIFO predicate `pid == self && arg1 == __NR_getppid`
#             with a per-CPU count (dbpf.h), attached to raw sys_enter
#   dbpf-tp   the same on the raw_syscalls:sys_enter tracepoint (by name)
#   clause    the whole-clause program of
#             `syscall:::entry { @[execname] = count(); }` (dbpf_clause.h) on
#             raw sys_enter: what `dtrace -n` runs for that script
#   clause-tp the same clause program on the raw_syscalls:sys_enter tracepoint
#   clause-str a clause with a strstr(execname, ...) predicate (string kfuncs)
#   bpftrace  bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
#   bt-pred   bpftrace -e 'tracepoint:raw_syscalls:sys_enter /args->id == NR/ { @ = count(); }'
# The machine may be shared, so every probed round is paired with a base
# round (no probe) taken right next to it, and a row's overhead is the
# median over rounds of (probed - base) ns/call.  For the dbpf_bench rows
# the pair is back to back; for bpftrace (slow to start) the R probed
# rounds run while it is attached and the R base rounds right after it
# stops.  The last line is the issue's figure: clause overhead / bpftrace
# overhead (<= 1: no slower than bpftrace).  Needs root; bpftrace optional.
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
once() { "$B" "$1" "$N" | awk '/^ns_per_call/ { print $2 }'; }
paired() {	# mode -> "overhead base" medians over R back-to-back pairs
	k=0
	while [ $k -lt "$R" ]; do
		b=$(once loop)
		p=$(once "$1")
		echo "$p $b" >> "$tmp/pairs.$1"
		k=$((k + 1))
	done
	o=$(awk '{ print $1 - $2 }' "$tmp/pairs.$1" | median)
	b=$(awk '{ print $2 }' "$tmp/pairs.$1" | median)
	echo "$o $b"
}

# bpftrace's tracepoint needs tracefs; mount it for this run if absent.
tracefs_ok() { [ -d /sys/kernel/tracing/events/raw_syscalls ]; }
if command -v bpftrace >/dev/null 2>&1 && ! tracefs_ok; then
	if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		mounted=1
	else
		echo "bpf_bench: cannot mount tracefs on /sys/kernel/tracing (not root?); no bpftrace baseline" >&2
	fi
fi
NR=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cc -E -P - | tail -n 1)
bt_run() {	# bpftrace program -> "overhead base", or "- -"
	if ! command -v bpftrace >/dev/null 2>&1 || ! tracefs_ok; then echo "- -"; return; fi
	: > "$tmp/bt.out"
	bpftrace -e "$1" > "$tmp/bt.out" 2>&1 &
	bt=$!
	k=0	# wait until its probe is attached
	while ! grep -q Attaching "$tmp/bt.out" && [ $k -lt 100 ]; do
		sleep 0.1; k=$((k + 1))
	done
	if ! grep -q Attaching "$tmp/bt.out"; then
		echo "bpf_bench: bpftrace did not attach:" >&2; cat "$tmp/bt.out" >&2
		kill -INT "$bt" 2>/dev/null || true; wait "$bt" 2>/dev/null || true; bt=
		echo "- -"
		return
	fi
	sleep 0.5
	k=0
	while [ $k -lt "$R" ]; do once loop; k=$((k + 1)); done | median > "$tmp/bt.p"
	kill -INT "$bt" 2>/dev/null || true; wait "$bt" 2>/dev/null || true; bt=
	k=0
	while [ $k -lt "$R" ]; do once loop; k=$((k + 1)); done | median > "$tmp/bt.b"
	echo "$(cat "$tmp/bt.p") $(cat "$tmp/bt.b")" | awk '{ print $1 - $2, $2 }'
}

dbpf=$(paired probe)
dbtp=$(paired probe-tp)
clause=$(paired clause)
clausetp=$(paired clause-tp)
clausestr=$(paired clause-str)
btns=$(bt_run 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }')
btpred=$(bt_run "tracepoint:raw_syscalls:sys_enter /args->id == $NR/ { @ = count(); }")
row() {	# name "overhead base"
	set -- "$1" $2
	if [ "$2" = - ]; then
		printf '%-10s %14s %12s\n' "$1" "not run" -
	else
		printf '%-10s %14.1f %12.1f\n' "$1" "$2" "$3"
	fi
}
printf 'N=%s getppid() calls; medians of %s paired rounds\n' "$N" "$R"
printf '%-10s %14s %12s\n' probe "overhead ns" "base ns/call"
row dbpf "$dbpf"
row dbpf-tp "$dbtp"
row clause "$clause"
row clause-tp "$clausetp"
row clause-str "$clausestr"
row bpftrace "$btns"
row bt-pred "$btpred"
set -- $clause
co=$1
set -- $clausetp
cto=$1
set -- $btns
if [ "$1" != - ]; then
	echo "$co $cto $1" | awk '{
		printf "ratio clause/bpftrace %.2f, clause-tp/bpftrace %.2f\n", $1 / $3, $2 / $3 }'
fi
# Program size, verifier work and load time of each string subroutine.
"$B" strload 5
