#!/bin/sh
# alloca.sh — end to end: dtc compiles examples/alloca.d once, with no
# target types; its stores through (struct proc *) and (struct thread *)
# are ustore pseudo-instructions.  dld sizes each against one guest's
# typefile (stw for the int p_pid, stx for the pointer td_proc; the two
# guests place the members at different offsets) and dtrace -Y runs it.
# The output must be exactly the values stored, for both guests.
set -u
DTC=$1 DLD=$2 DTRACE=$3 SRC=$4 BLD=$5
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
printf '42\n143 1\n\n' >"$tmp/want"
"$DTC" -o "$tmp/alloca.o" "$SRC/examples/alloca.d" || { echo "0 passed, 1 failed"; exit 1; }
for g in a b; do
	if "$DLD" -T "$BLD/guest-$g.btf.o" -o "$tmp/alloca.$g" "$tmp/alloca.o" &&
	    "$DTRACE" -q -Y "$tmp/alloca.$g" >"$tmp/got.$g" &&
	    cmp -s "$tmp/got.$g" "$tmp/want"; then
		pass=$((pass + 1))
	else
		echo "guest-$g: output differs from the values stored:"
		diff "$tmp/want" "$tmp/got.$g"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
