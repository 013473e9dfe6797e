#!/bin/sh
# run_golden.sh DTRACE DASM DIR — the runtime's golden tests.
#
# Every DIR/*.s is assembled with dasm and run with `dtrace -Y`.  Lines of
# the form `! ARGS: ...` give extra dtrace arguments, `! STATUS: n` the
# expected exit status (default 0).  stdout must equal NAME.s.out byte for
# byte; when NAME.s.err exists, stderr must equal it too.  `! SIGNAL: INT`
# (or TERM) sends that signal once the program's first output appeared.  tst.* must exit
# 0 (or its STATUS), err.* must exit non-zero.
dtrace=$1
dasm=$2
dir=$3
. "$(dirname "$0")/golden_lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for src in "$dir"/*.s; do
	name=$(basename "$src" .s)
	args=$(sed -n 's/^! ARGS: //p' "$src")
	want=$(sed -n 's/^! STATUS: //p' "$src")
	[ -n "$want" ] || want=0
	if ! "$dasm" -o "$tmp/$name.o" "$src" 2>"$tmp/$name.asm"; then
		echo "FAIL $name: does not assemble"; cat "$tmp/$name.asm"
		fail=$((fail + 1)); continue
	fi
	sig=$(sed -n 's/^! SIGNAL: //p' "$src")
	if [ -n "$sig" ]; then
		# shellcheck disable=SC2086
		"$dtrace" $args -Y "$tmp/$name.o" >"$tmp/$name.out" 2>"$tmp/$name.err" &
		pid=$!
		# Signal once BEGIN's output is out: dtrace blocks SIGINT and
		# SIGTERM before BEGIN fires and flushes after every round.
		i=0
		while [ $i -lt 200 ] && [ ! -s "$tmp/$name.out" ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -"$sig" $pid
	else
		# shellcheck disable=SC2086
		timeout 60 "$dtrace" $args -Y "$tmp/$name.o" >"$tmp/$name.out" 2>"$tmp/$name.err" &
		pid=$!
	fi
	wait $pid
	st=$?
	if golden_verdict "$name" "$src" "$st" "$want" "$tmp/$name.o" PROGRAM; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "runtime golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
