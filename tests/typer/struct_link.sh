#!/bin/sh
# struct_link.sh DTC DLD DASM TYPEFILE_DIR — whole structs and aggregate
# members through dtc, then dld WITHOUT -x typewarn, on both FreeBSD
# layouts: the typer types a load of a struct, union or array as that type
# by reference (its address), so the programs link, no value load is left
# for the aggregate, and a DIFO returning one records its bytes.
set -u
dtc=$1 dld=$2 dasm=$3 tfd=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# description, condition...
	d=$1; shift
	if "$@"; then echo "ok: $d"; else echo "FAIL: $d"; fail=1; fi
}
cat > "$tmp/s.d" <<'D'
BEGIN
{
	this->t = *curthread;
	trace(this->t.td_tid);
	this->p = *(struct proc *)curthread->td_proc;
	trace(this->p.p_pid);
	trace(*curthread);
	trace(curthread->td_name);
	trace(stringof(((struct proc *)curthread->td_proc)->p_comm));
}
D
"$dtc" -o "$tmp/s.o" "$tmp/s.d"
check "dtc compiles the struct copies" test $? -eq 0
for tf in freebsd_a freebsd_b; do
	"$dld" -T "$tfd/tf_$tf.o" -o "$tmp/$tf.o" "$tmp/s.o" 2> "$tmp/$tf.err"
	check "$tf: dld links without -x typewarn" test $? -eq 0
	check "$tf: no type error or warning" test ! -s "$tmp/$tf.err"
	"$dasm" -d "$tmp/$tf.o" > "$tmp/$tf.s"
	check "$tf: struct copies into scratch" test "$(grep -c 'copys %r1, %r2, %r3' "$tmp/$tf.s")" -eq 2
	check "$tf: trace(*curthread) records the struct by reference" \
		grep -q 'rtype=ctf:struct:byref:' "$tmp/$tf.s"
	check "$tf: trace(td_name) records the char array by reference" \
		grep -q 'rtype=ctf:array:byref:' "$tmp/$tf.s"
done
check "the layouts differ in the struct sizes they record" \
	test "$(grep 'ctf:struct:byref' "$tmp/freebsd_a.s")" != "$(grep 'ctf:struct:byref' "$tmp/freebsd_b.s")"
[ $fail -eq 0 ]
