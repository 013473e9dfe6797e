#!/bin/sh
# dld_builtin.sh DTC DLD DASM TFDIR [CORPUS] -- curthread's type comes from the target.
# dtc roots every curthread relocation at the built-in ("curthread",
# DIF_RELOC_F_BUILTIN) instead of naming a thread struct, so one object links
# for FreeBSD guests (struct thread) and Linux (struct task_struct).  The
# oracle: the same program with curthread cast to the profile's type, linked
# against the same typefile, gives the same linked instructions.  Typefiles:
# tests/typer's guest files (TFDIR/tf_*.btf) and /sys/kernel/btf/vmlinux
# when this kernel has one.
set -u
DTC=$1 DLD=$2 DASM=$3 TFDIR=$4 CORPUS=${5:-}
VMLINUX=/sys/kernel/btf/vmlinux
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
check() { # name, status
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
compile() { # name 'D program' -> $T/name.o
	printf '%s\n' "$2" >"$T/$1.d"
	"$DTC" -o "$T/$1.o" "$T/$1.d" 2>"$T/$1.cerr" || { cat "$T/$1.cerr"; return 1; }
}
# link OBJ TYPEFILE OUT -> OUT.s: the linked instructions, one per line
link() {
	"$DLD" -T "$2" -o "$3.lnk" "$1" 2>"$3.err" || return 1
	"$DASM" -d "$3.lnk" | sed -n 's/^	[0-9][0-9]*: [0-9a-f]*  *//p' >"$3.s"
}
# same NAME TYPEFILE 'builtin program' 'cast program': both link, equal code
same() {
	compile "$1-b" "$3" && compile "$1-c" "$4" || { check "$1: compiles" 1; return; }
	link "$T/$1-b.o" "$2" "$T/$1-b"; rb=$?
	link "$T/$1-c.o" "$2" "$T/$1-c"; rc=$?
	[ $rb -eq 0 ] && [ $rc -eq 0 ] && [ -s "$T/$1-b.s" ] && cmp -s "$T/$1-b.s" "$T/$1-c.s"
	s=$?
	check "$1" $s
	[ $s -eq 0 ] || { cat "$T/$1-b.err" "$T/$1-c.err"; diff "$T/$1-b.s" "$T/$1-c.s"; }
}

# The object itself: built-in roots, an undefined "curthread" type symbol.
compile obj 'BEGIN { trace(curthread->td_proc->p_pid); }'
"$DASM" -d "$T/obj.o" >"$T/obj.dis"
grep -q 'member_offset("curthread", "td_proc->p_pid", builtin)' "$T/obj.dis" &&
    ! grep -q '"struct thread"' "$T/obj.dis"
check "dtc roots curthread at the built-in" $?

# One object, four targets: sizeof (*curthread) is each profile's struct size.
compile size 'BEGIN { trace(sizeof (*curthread)); }'
compile size-fb 'BEGIN { trace(sizeof (struct thread)); }'
compile size-lx 'BEGIN { trace(sizeof (struct task_struct)); }'
portable() { # name typefile oracle-object
	link "$T/size.o" "$2" "$T/size-$1"; a=$?
	link "$3" "$2" "$T/size-$1-want"; b=$?
	[ $a -eq 0 ] && [ $b -eq 0 ] && cmp -s "$T/size-$1.s" "$T/size-$1-want.s"
	check "one object, $1: sizeof (*curthread)" $?
}
portable freebsd_a "$TFDIR/tf_freebsd_a.btf" "$T/size-fb.o"
portable freebsd_b "$TFDIR/tf_freebsd_b.btf" "$T/size-fb.o"
portable linux "$TFDIR/tf_linux.btf" "$T/size-lx.o"
[ -s "$T/size-freebsd_a.s" ] && [ -s "$T/size-linux.s" ] &&
    ! cmp -s "$T/size-freebsd_a.s" "$T/size-linux.s"
check "FreeBSD and Linux sizes differ" $?

for L in freebsd_a freebsd_b; do
	TF=$TFDIR/tf_$L.btf
	same "$L-chain" "$TF" 'BEGIN { trace(curthread->td_proc->p_pid); }' \
	    'BEGIN { trace(((struct thread *)curthread)->td_proc->p_pid); }'
	same "$L-tid" "$TF" 'BEGIN { trace(curthread->td_tid); }' \
	    'BEGIN { trace(((struct thread *)curthread)->td_tid); }'
	same "$L-store" "$TF" 'BEGIN { curthread->td_flags = 3; }' \
	    'BEGIN { ((struct thread *)curthread)->td_flags = 3; }'
	same "$L-copy" "$TF" 'BEGIN { this->t = *curthread; trace(this->t.td_tid); }' \
	    'BEGIN { this->t = *(struct thread *)curthread; trace(this->t.td_tid); }'
done
same linux-chain "$TFDIR/tf_linux.btf" 'BEGIN { trace(curthread->real_parent->flags); }' \
    'BEGIN { trace(((struct task_struct *)curthread)->real_parent->flags); }'
if [ -r "$VMLINUX" ]; then
	portable vmlinux "$VMLINUX" "$T/size-lx.o"
	same vmlinux-chain "$VMLINUX" 'BEGIN { trace(curthread->real_parent->tgid); }' \
	    'BEGIN { trace(((struct task_struct *)curthread)->real_parent->tgid); }'
	same vmlinux-comm "$VMLINUX" 'BEGIN { trace(stringof(curthread->comm)); }' \
	    'BEGIN { trace(stringof(((struct task_struct *)curthread)->comm)); }'
else
	echo "skip: $VMLINUX not readable"
fi

# Per-OS arms of the system library (compiler/lib/psinfo.d): curproc is a
# Linux arm and a FreeBSD arm behind type_exists tests, whose values differ
# in type.  The typer follows only the arm the target's type_exists picks,
# so the object links on FreeBSD without -x typewarn and with no warning;
# on Linux p_comm is a missing member (a link error by design).
compile comm 'BEGIN { printf("%s", curproc->p_comm); }'
for L in freebsd_a freebsd_b; do
	link "$T/comm.o" "$TFDIR/tf_$L.btf" "$T/comm-$L"; rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T/comm-$L.err" ] && grep -q '^ldx \[%r0\]' "$T/comm-$L.s"
	check "$L: curproc->p_comm links with the Linux arm poisoned, no type warning" $?
	[ $rc -eq 0 ] || cat "$T/comm-$L.err"
done
link "$T/comm.o" "$TFDIR/tf_linux.btf" "$T/comm-linux"; rc=$?
[ $rc -eq 1 ] && grep -q "task_struct has no member 'p_comm'" "$T/comm-linux.err" &&
    ! grep -q 'type error' "$T/comm-linux.err"
check "linux: curproc->p_comm is a missing-member error, not a type error" $?
STR=${CORPUS:-}/sun/tst/common/printf/tst.str.d
if [ -n "${CORPUS:-}" ] && [ -r "$STR" ]; then
	"$DTC" -o "$T/str.o" "$STR" 2>"$T/str.cerr" &&
	    link "$T/str.o" "$TFDIR/tf_freebsd_a.btf" "$T/str" && [ ! -s "$T/str.err" ]
	check "corpus tst.str.d links on FreeBSD without -x typewarn" $?
else
	echo "skip: corpus tst.str.d not readable"
fi

# Failures: a typefile that is no known target; a member the target lacks.
link "$T/size.o" "$TFDIR/tf_features.btf" "$T/nos"; rc=$?
[ $rc -eq 1 ] && grep -q 'error: clause 1 (:::BEGIN): curthread: cannot tell the target OS' "$T/nos.err" &&
    [ ! -e "$T/nos.lnk" ]
check "no target profile: a link error" $?
[ $rc -eq 1 ] || cat "$T/nos.err"
link "$T/obj.o" "$TFDIR/tf_linux.btf" "$T/nom"; rc=$?
[ $rc -eq 1 ] && grep -q 'task_struct' "$T/nom.err" && [ ! -e "$T/nom.lnk" ]
check "a FreeBSD member on Linux: a link error naming task_struct" $?
[ $rc -eq 1 ] || cat "$T/nom.err"

echo "$((n - fails))/$n passed"
[ "$fails" -eq 0 ]
