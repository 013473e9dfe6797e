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
. "$(dirname "$0")/golden_lib.sh"
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
	if golden_verdict "$name" "$src" "$st" "$want" "$src" SCRIPT; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "runtime D golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
