# lib.sh — shared helpers for the daemon's integration tests (sourced).
#
# Every test runs daemons on loopback UNIX/TCP sockets in a fresh directory
# under $DD_TESTDIR (the meson build dir), never under /var.  Daemons are
# started in the foreground; their supervisor pids are kept in $T/NAME.pid
# and every daemon still running is stopped when the test exits.
set -u
: "${DTRACED:?}" "${DTRACEDCTL:?}" "${DD_TESTDIR:?}" "${DD_SRCDIR:?}" "${DDTEST_PROG:?}"
export DDTEST_PROG
T="$DD_TESTDIR/$(basename "$0" .sh).$$"
rm -rf "$T"
mkdir -p "$T/logs"
chmod 755 "$DD_TESTDIR" "$T"
chmod 777 "$T/logs"		# the engines run as nobody when tests run as root
PIDS=""

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; } >&2; done
	exit 1
}

cleanup() {
	local rc=$?
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	# a sanitizer report from any daemon or client fails the test
	if grep -h -E 'runtime error|Sanitizer' "$T"/*.log "$T"/*.txt 2>/dev/null | head -5 | grep . >&2; then
		echo "FAIL: sanitizer report in the daemon logs" >&2
		rc=1
	fi
	[ "${KEEP:-}" = 1 ] || [ $rc != 0 ] || rm -rf "$T"
	exit $rc
}
trap cleanup EXIT

# start NAME ARGS... : run dtraced -f with state dir $T/NAME
start() {
	local name=$1; shift
	"$DTRACED" -f -N "$name" -D "$T/$name" "$@" 2>>"$T/$name.log" &
	echo $! > "$T/$name.pid"
	PIDS="$PIDS $!"
	# ready when sub.sock answers
	for _ in $(seq 100); do
		"$DTRACEDCTL" -D "$T/$name" -t 1 status >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$T/$name.pid")" 2>/dev/null || fail "$name did not start"
		sleep 0.02
	done
	fail "$name did not answer on sub.sock"
}

# minion NAME [ARGS...] : a minion on unix:$T/NAME.sock linking with link_copy.sh
minion() {
	local name=$1; shift
	start "$name" -m minion -l "unix:$T/$name.sock" \
	    -L "sh $DD_SRCDIR/link_copy.sh $T/logs/$name $name" "$@"
}

# kill9 NAME : SIGKILL the supervisor; wait until its lock is free
kill9() {
	local pid
	pid=$(cat "$T/$1.pid")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	for _ in $(seq 200); do
		flock -n "$T/$1/dtraced.pid" true 2>/dev/null && return 0
		sleep 0.01
	done
	fail "$1: state lock still held after kill -9"
}

# stop NAME : SIGTERM and require a clean exit
stop() {
	local pid
	pid=$(cat "$T/$1.pid")
	kill -TERM "$pid"
	wait "$pid" || fail "$1 exited with status $? on SIGTERM"
}

# wait_up OVERLORD N : until N guests are up
wait_up() {
	for _ in $(seq 250); do
		[ "$("$DTRACEDCTL" -D "$T/$1" guests 2>/dev/null | grep -c 'state=up')" = "$2" ] && return 0
		sleep 0.02
	done
	fail "$1: $2 guests not up: $("$DTRACEDCTL" -D "$T/$1" guests 2>&1)"
}

# mkprog FILE [PAD] : a unique real program object (ddtest_prog make)
mkprog() {
	"$DDTEST_PROG" make "$1" "${2:-200}" || fail "ddtest_prog make $1"
}

# ident FILE : the program's ident, as the object reader sees it
ident() {
	"$DDTEST_PROG" info "$1" | sed -n 's/^ident=\([0-9a-f]*\) .*/\1/p'
}

# linked_for FILE ID GUEST : FILE is ID linked by GUEST's (test) linker
linked_for() {
	"$DDTEST_PROG" info "$1" 2>/dev/null | grep -q "kind=linked linked-for=$3 src=$2$"
}

# count PATTERN FILE : number of lines matching (0 when the file is missing)
count() {
	if [ -f "$2" ]; then grep -c -- "$1" "$2"; else echo 0; fi
}

ctl() {
	"$DTRACEDCTL" -D "$T/$1" "${@:2}"
}
