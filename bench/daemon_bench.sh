#!/bin/bash
# daemon_bench.sh — dtraced delivery latency and throughput on loopback.
#
# usage: bench/daemon_bench.sh [BUILD_DIR]   (default: build)
#   MINIONS=32 ROUNDS=10 PROGRAMS=200 CLIENTS=8 STATE_ROOT=/tmp
#
# Starts one overlord and $MINIONS minions on UNIX sockets (state directories
# under $STATE_ROOT; use /dev/shm to take the disk's fsync cost out), with
# `cp` as the link command and real objects from ddtest_prog, then measures:
#   1. baseline: one program to ONE minion, linked reply back (median of ROUNDS)
#   2. one program to all MINIONS, every linked reply back (median of ROUNDS)
#      — the issue's target is < 200 ms for 32 minions
#   3. sustained: PROGRAMS distinct programs from CLIENTS parallel clients,
#      each to all minions; programs/s and linked replies/s.
# Not a test: it prints numbers and exits 0 unless the daemons fail.
set -u
B=${1:-build}
DTRACED=$B/runtime-daemon/dtraced
CTL=$B/runtime-daemon/dtracedctl
MINIONS=${MINIONS:-32} ROUNDS=${ROUNDS:-10} PROGRAMS=${PROGRAMS:-200} CLIENTS=${CLIENTS:-8}
[ -x "$DTRACED" ] && [ -x "$CTL" ] && [ -x "$B/runtime-daemon/ddtest_prog" ] ||
    { echo "build $B first (ninja -C $B; -Dtests=true for ddtest_prog)" >&2; exit 2; }
T=$(mktemp -d "${STATE_ROOT:-/tmp}/dd-bench.XXXXXX")
chmod 755 "$T"
PIDS=""
trap 'for p in $PIDS; do kill -TERM $p 2>/dev/null; done; wait $PIDS; rm -rf "$T"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
mkprog() { "$B/runtime-daemon/ddtest_prog" make "$1" "${2:-2048}"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

peers=""
for i in $(seq "$MINIONS"); do
	"$DTRACED" -f -m minion -N vm$i -D "$T/vm$i" -l "unix:$T/vm$i.sock" -L cp 2>>"$T/vm$i.log" &
	PIDS="$PIDS $!"
	peers="$peers -p vm$i=unix:$T/vm$i.sock"
done
# shellcheck disable=SC2086
"$DTRACED" -f -N host -D "$T/ovl" $peers 2>>"$T/ovl.log" &
PIDS="$PIDS $!"
for _ in $(seq 500); do
	[ "$("$CTL" -D "$T/ovl" guests 2>/dev/null | grep -c state=up)" = "$MINIONS" ] && break
	sleep 0.02
done
[ "$("$CTL" -D "$T/ovl" guests | grep -c state=up)" = "$MINIONS" ] || { echo "minions not up" >&2; exit 1; }

round() {	# round FILE [-g guest] -> ms, or fails
	local t0 t1
	t0=$(now_ms)
	"$CTL" -D "$T/ovl" -t 60 submit "${@:2}" "$1" > "$1.out" || { cat "$1.out" >&2; exit 1; }
	t1=$(now_ms)
	echo $((t1 - t0))
}

for r in $(seq "$ROUNDS"); do mkprog "$T/b$r.o"; round "$T/b$r.o" -g vm1; done | median > "$T/base"
for r in $(seq "$ROUNDS"); do mkprog "$T/a$r.o"; round "$T/a$r.o"; done | median > "$T/all"
echo "state directories: $T ($(df -T "$T" | awk 'NR==2 {print $2}'))"
echo "baseline: 1 program -> 1 minion, linked reply back:        median $(cat "$T/base") ms"
echo "fan-out:  1 program -> $MINIONS minions, all linked replies back: median $(cat "$T/all") ms (target < 200 ms)"

for n in $(seq "$PROGRAMS"); do mkprog "$T/s$n.o"; done
t0=$(now_ms)
clients=""
for c in $(seq 0 $((CLIENTS - 1))); do
	(for n in $(seq $((c + 1)) "$CLIENTS" "$PROGRAMS"); do
		"$CTL" -D "$T/ovl" -t 120 submit "$T/s$n.o" > /dev/null || echo "program $n failed" >&2
	done) &
	clients="$clients $!"
done
# shellcheck disable=SC2086
wait $clients
t1=$(now_ms)
ms=$((t1 - t0))
echo "sustained: $PROGRAMS programs x $MINIONS minions from $CLIENTS clients in $ms ms:" \
    "$(( PROGRAMS * 1000 / (ms > 0 ? ms : 1) )) programs/s," \
    "$(( PROGRAMS * MINIONS * 1000 / (ms > 0 ? ms : 1) )) linked replies/s"
