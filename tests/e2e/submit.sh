#!/bin/bash
# submit.sh — `dtrace -E`: a D program given on the command line is compiled
# once on the host and submitted to the local overlord; two guests with
# different layouts link it with their own types and a guest lacking the
# member answers with dld's error; dtrace prints one line per guest and
# exits 1 because one guest failed.
. "$DD_SRCDIR/lib.sh"
: "${DTRACE:?}" "${E2E_BUILD:?}"

for g in a b; do
	cp "$E2E_BUILD/guest-$g.btf.o" "$T/guest-$g.btf.o"
	chmod 644 "$T/guest-$g.btf.o"
	start "g$g" -m minion -l "unix:$T/g$g.sock" -t "$T/guest-$g.btf.o"
done
printf 'struct proc { int p_other; }; struct proc p;\n' >"$T/gc.c"
gcc -gbtf -c -w -o "$T/gc.btf.o" "$T/gc.c" && chmod 644 "$T/gc.btf.o" || fail "gcc -gbtf"
start gc -m minion -l "unix:$T/gc.sock" -t "$T/gc.btf.o"
start ovl -p ga=unix:$T/ga.sock -p gb=unix:$T/gb.sock -p gc=unix:$T/gc.sock
wait_up ovl 3

"$DTRACE" -E -x ddtracedir="$T/ovl" -x ddtimeout=30 \
    -n 'BEGIN { printf("%d\n", offsetof(struct proc, p_pid)); exit(0); }' \
    >"$T/out.txt" 2>"$T/err.txt"
rc=$?
[ $rc = 1 ] || fail "dtrace -E exited $rc (want 1): $(cat "$T/out.txt" "$T/err.txt")"
grep -Eq '^program [0-9a-f]{64}$' "$T/out.txt" || fail "no program line: $(cat "$T/out.txt")"
grep -q '^ga: linked' "$T/out.txt" || fail "ga: $(cat "$T/out.txt")"
grep -q '^gb: linked' "$T/out.txt" || fail "gb: $(cat "$T/out.txt")"
grep -q "^gc: failed: .*has no member 'p_pid'" "$T/out.txt" || fail "gc: $(cat "$T/out.txt")"

"$DTRACE" -E -x ddtracedir="$T/nowhere" -n 'BEGIN { exit(0); }' 2>"$T/err2.txt" &&
    fail "dtrace -E without an overlord succeeded"
grep -q "cannot submit to the overlord" "$T/err2.txt" || fail "no clear error: $(cat "$T/err2.txt")"
for d in ovl ga gb gc; do stop $d; done
echo "ok: dtrace -E compiled once, three guests answered (two linked, one failed)"
