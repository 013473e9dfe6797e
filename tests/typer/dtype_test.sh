#!/bin/sh
# dtype_test.sh DTYPE DASM EXAMPLES TYPEFILE_DIR — the dtype tool end to end:
# listing, errors with positions and exit 1, --min round trip, usage exit 2.
set -u
dtype=$1 dasm=$2 ex=$3 tfd=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# description, condition...
	d=$1; shift
	if "$@"; then echo "ok: $d"; else echo "FAIL: $d"; fail=1; fi
}
"$dasm" -o "$tmp/m.o" "$ex/member-load.s" || exit 1

"$dtype" -S -T "$tfd/tf_freebsd_b.o" "$tmp/m.o" > "$tmp/out" 2> "$tmp/err"
check "listing exits 0" test $? -eq 0
check "listing shows the result type" grep -q '^DIFO 0 returns pid_t$' "$tmp/out"
check "listing annotates the member pointer" grep -q '! %r1: struct proc \*\*$' "$tmp/out"
check "no errors printed" test ! -s "$tmp/err"

"$dtype" -T "$tfd/tf_linux.o" "$tmp/m.o" > "$tmp/out" 2> "$tmp/err"
check "type errors exit 1" test $? -eq 1
check "error format file:line:col" grep -q "^pid.d:1:38: error: clause 0, DIFO 0, pc 1 (usetx member_offset(\"struct thread\", \"td_proc\"), %r2): unknown type 'struct thread'$" "$tmp/err"
check "without -S nothing on stdout" test ! -s "$tmp/out"

"$dtype" --min -T "$tfd/tf_freebsd_a.o" -o "$tmp/small.btf" "$tmp/m.o"
check "--min exits 0" test $? -eq 0
check "--min is smaller" test "$(wc -c < "$tmp/small.btf")" -lt "$(wc -c < "$tfd/tf_freebsd_a.btf")"
"$dtype" -S -T "$tmp/small.btf" "$tmp/m.o" > "$tmp/out2" 2>&1
check "the minimal typefile types the program" grep -q '^DIFO 0 returns pid_t$' "$tmp/out2"

"$dtype" "$tmp/nonexistent.o" 2> "$tmp/err"
check "unreadable object exits 1" test $? -eq 1
"$dtype" --min "$tmp/m.o" 2> /dev/null
check "--min without -T/-o is usage (2)" test $? -eq 2
"$dtype" --version | grep -q '^dtype (HyperTrace) '
check "--version" test $? -eq 0
exit $fail
