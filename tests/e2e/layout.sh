#!/bin/sh
# layout.sh — end to end: dtc compiles examples/layout.d once, with no
# target types; dld links it against each guest's typefile; dtrace -Y runs
# each linked program.  Its output must equal what the C compiler computes
# from the same guest declarations (layout_expect_X), byte for byte.
set -u
DTC=$1 DLD=$2 DTRACE=$3 SRC=$4 BLD=$5
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
"$DTC" -o "$tmp/layout.o" "$SRC/examples/layout.d" || { echo "0 passed, 1 failed"; exit 1; }
for g in a b; do
	"$BLD/layout_expect_$g" >"$tmp/want.$g"
	if "$DLD" -T "$BLD/guest-$g.btf.o" -o "$tmp/layout.$g" "$tmp/layout.o" &&
	    "$DTRACE" -q -Y "$tmp/layout.$g" >"$tmp/got.$g" &&
	    cmp -s "$tmp/got.$g" "$tmp/want.$g"; then
		pass=$((pass + 1))
	else
		echo "guest-$g: output differs from the C compiler's layout:"
		diff "$tmp/want.$g" "$tmp/got.$g"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
