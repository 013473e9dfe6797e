#!/bin/sh
# dld_cli.sh DLD DASM TYPEFILE_DIR EXAMPLES — the dld command line:
# --version/--help, exit codes 0/1/2, errors on stderr in file:line:col form,
# deterministic output, resolvers recorded in meta, nothing written on error.
set -u
DLD=$1 DASM=$2 TF=$3 EX=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
check() { # name, condition already evaluated as $?
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
expect_rc() { # want name cmd...
	want=$1 name=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" -eq "$want" ]; check "$name (rc $rc, want $want)" $?
}

expect_rc 0 "--version" "$DLD" --version
grep -q '^dld (HyperTrace) ' "$T/out"; check "version text" $?
expect_rc 0 "--help" "$DLD" --help
grep -q '^usage: dld' "$T/out"; check "help text" $?
expect_rc 2 "no inputs" "$DLD" -T "$TF/tf_freebsd_a.o"
expect_rc 2 "bad option" "$DLD" --frob x.o
expect_rc 2 "bad -x" "$DLD" -x frob=1 -T "$TF/tf_freebsd_a.o" x.o
expect_rc 2 "bad resolver" "$DLD" -x resolvers=moon -T "$TF/tf_freebsd_a.o" x.o

"$DASM" -o "$T/ml.o" "$EX/member-load.s" || exit 1
expect_rc 0 "link member-load (A)" "$DLD" -T "$TF/tf_freebsd_a.o" -o "$T/a.o" "$T/ml.o"
expect_rc 0 "link member-load (B)" "$DLD" -T "$TF/tf_freebsd_b.btf" -o "$T/b.o" "$T/ml.o"
expect_rc 0 "link again (A)" "$DLD" -T "$TF/tf_freebsd_a.o" -o "$T/a2.o" "$T/ml.o"
cmp -s "$T/a.o" "$T/a2.o"; check "deterministic bytes" $?
cmp -s "$T/a.o" "$T/b.o"; [ $? -ne 0 ]; check "layouts differ" $?
"$DASM" -d "$T/a.o" >"$T/a.s" && grep -q '^\.object linked' "$T/a.s"; check "output is linked" $?
grep -Eq 'usetx|uload|typecast' "$T/a.s"; [ $? -ne 0 ]; check "no pseudo-instructions" $?

sed 's/"p_pid"/"p_pidd"/' "$EX/member-load.s" >"$T/bad.s"
"$DASM" -o "$T/bad.o" "$T/bad.s" || exit 1
expect_rc 1 "missing member" "$DLD" -T "$TF/tf_freebsd_a.o" -o "$T/bad.lnk.o" "$T/bad.o"
grep -q "^pid.d:1:38: error: .*has no member 'p_pidd'; did you mean 'p_pid'?" "$T/err"
check "missing member message" $?
[ ! -e "$T/bad.lnk.o" ]; check "no output on error" $?
expect_rc 1 "missing input file" "$DLD" -T "$TF/tf_freebsd_a.o" -o "$T/x.o" "$T/nope.o"
expect_rc 1 "bad typefile" "$DLD" -T "$T/ml.o" -o "$T/x.o" "$T/ml.o"

expect_rc 0 "resolvers" "$DLD" -T "$TF/tf_freebsd_a.o" -x resolvers=hostname,version \
	--target-name h1 --target-version V-1 -o "$T/r.o" "$T/ml.o"
"$DASM" -d "$T/r.o" | grep -q 'lnk.target-name.*h1'; check "resolver meta" $?

cat >"$T/arr.s" <<'S'
.difo d0 rtype=ctf:integer:8
	ldgs curthread, %r1
	uload [%r1], %r1, load("struct thread", "td_tid")
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=d0
.end
S
"$DASM" -o "$T/arr.o" "$T/arr.s" || exit 1
expect_rc 1 "type error fails" "$DLD" -T "$TF/tf_freebsd_a.o" -o "$T/arr.lnk.o" "$T/arr.o"
grep -q "error: clause 1 (dtrace:::BEGIN): type error" "$T/err"; check "type error message" $?
expect_rc 0 "-x typewarn" "$DLD" -x typewarn -T "$TF/tf_freebsd_a.o" -o "$T/arr.lnk.o" "$T/arr.o"
grep -q "warning: clause 1" "$T/err"; check "type warning message" $?

# One object, per-OS arms behind type_exists (docs/linker.md 2.0): links for
# FreeBSD and Linux, each time poisoning the other OS's arm, deterministically;
# the same arm unguarded is the usual error; a present root's missing member too.
cat >"$T/arms.s" <<'S'
.difo d0 rtype=ctf:integer:8
	ldgs curthread, %r3
	usetx type_exists("struct task_struct"), %r1
	tst %r1
	be bsd
	usetx member_offset("struct task_struct", "pid", guarded), %r2
	add %r3, %r2, %r2
	uload [%r2], %r1, load("struct task_struct", "pid", guarded)
	ret %r1
bsd:	usetx member_offset("struct thread", "td_tid", guarded), %r2
	add %r3, %r2, %r2
	uload [%r2], %r1, load("struct thread", "td_tid", guarded)
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=d0
.end
S
"$DASM" -o "$T/arms.o" "$T/arms.s" || exit 1
"$DASM" -d "$T/arms.o" >"$T/arms.dis" && "$DASM" -o "$T/arms2.o" "$T/arms.dis" &&
    cmp -s "$T/arms.o" "$T/arms2.o"
check "guarded object round-trips through dasm -d" $?
for L in freebsd_a linux; do
	expect_rc 0 "guarded arms link ($L)" "$DLD" -T "$TF/tf_$L.btf" -o "$T/arms-$L.o" "$T/arms.o"
	"$DLD" -T "$TF/tf_$L.btf" -o "$T/arms-$L-2.o" "$T/arms.o" 2>/dev/null
	cmp -s "$T/arms-$L.o" "$T/arms-$L-2.o"; check "guarded arms deterministic ($L)" $?
	"$DASM" -d "$T/arms-$L.o" >"$T/arms-$L.s"
	[ "$(grep -c 'ldx \[%r0\], %r1' "$T/arms-$L.s")" -eq 1 ]
	check "one poisoned load ($L)" $?
done
grep -q 'setx DT_INTEGER\[[0-9]*\], %r1 *! 0x0$' "$T/arms-freebsd_a.s"
check "type_exists is 0 on FreeBSD" $?
sed 's/, guarded)/)/' "$T/arms.s" >"$T/unguarded.s"
"$DASM" -o "$T/unguarded.o" "$T/unguarded.s" || exit 1
expect_rc 1 "unguarded arm fails (linux)" "$DLD" -T "$TF/tf_linux.btf" -o "$T/u.o" "$T/unguarded.o"
grep -q "struct thread" "$T/err"; check "unguarded error names the type" $?
sed 's/"td_tid", guarded/"td_nope", guarded/' "$T/arms.s" >"$T/nomember.s"
"$DASM" -o "$T/nomember.o" "$T/nomember.s" || exit 1
expect_rc 1 "guarded, root present, member missing" "$DLD" -T "$TF/tf_freebsd_a.btf" \
	-o "$T/nm.o" "$T/nomember.o"
grep -q "no member 'td_nope'" "$T/err"; check "missing member named" $?
expect_rc 0 "guarded, root absent, member missing (linux)" "$DLD" -T "$TF/tf_linux.btf" \
	-o "$T/nm.o" "$T/nomember.o"

echo "$n checks, $fails failures"
[ "$fails" -eq 0 ]
