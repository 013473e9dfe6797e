#!/bin/sh
# run_dsrc.sh DTRACE DIR — golden tests written in D, run with `dtrace -s`.
#
# Every DIR/*.d runs as `dtrace [ARGS] -s NAME.d`.  Comment lines of the form
# ` * ARGS: ...` give the extra dtrace arguments, ` * STATUS: n` the expected
# exit status (default 0 for tst.*; err.* must exit non-zero).  stdout must
# equal NAME.d.out byte for byte; when NAME.d.err exists, stderr must equal
# it too, with the script's path written as SCRIPT.
dtrace=$1
dir=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for src in "$dir"/*.d; do
	name=$(basename "$src" .d)
	args=$(sed -n 's/^ \* ARGS: //p' "$src")
	want=$(sed -n 's/^ \* STATUS: //p' "$src")
	[ -n "$want" ] || want=0
	# shellcheck disable=SC2086
	timeout 60 "$dtrace" $args -s "$src" >"$tmp/$name.out" 2>"$tmp/$name.err"
	st=$?
	ok=1
	case $name in
	err.*) [ "$st" -ne 0 ] || { echo "FAIL $name: exit 0, expected failure"; ok=0; } ;;
	*) [ "$st" -eq "$want" ] || { echo "FAIL $name: exit $st, expected $want"; ok=0; } ;;
	esac
	if ! cmp -s "$tmp/$name.out" "$src.out"; then
		echo "FAIL $name: stdout differs"; diff "$src.out" "$tmp/$name.out" | head -20; ok=0
	fi
	if [ -f "$src.err" ]; then
		sed "s|$src|SCRIPT|g" "$tmp/$name.err" >"$tmp/$name.err2"
		if ! cmp -s "$tmp/$name.err2" "$src.err"; then
			echo "FAIL $name: stderr differs"; diff "$src.err" "$tmp/$name.err2" | head -20; ok=0
		fi
	fi
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "runtime D golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
