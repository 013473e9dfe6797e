#!/bin/sh
# dld_chain.sh DTC DLD DASM TYPEFILE -- member chains through target
# pointers (curthread->td_proc->p_ucred->cr_rgid): dtc emits one offset and
# one load per "->" hop with member paths like "td_proc->p_ucred", dld
# resolves each against the typefile built from chain_src.c (offsets noted
# there), and every way a chain can be wrong is a clear link error naming
# the clause and the path.
set -u
DTC=$1 DLD=$2 DASM=$3 TF=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
check() { # name, status
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
# link NAME 'D program' -> $T/NAME.s: the linked program's instructions,
# one "op operands" per line with the constants' values (setx 0x10)
link() {
	printf '%s\n' "$2" >"$T/$1.d"
	"$DTC" -o "$T/$1.o" "$T/$1.d" 2>"$T/$1.err" || return 3
	"$DLD" -T "$TF" -o "$T/$1.lnk" "$T/$1.o" 2>"$T/$1.err" || return 1
	"$DASM" -d "$T/$1.lnk" | sed -n 's/^	[0-9][0-9]*: [0-9a-f]*  *//p' |
	    sed 's/setx DT_INTEGER\[[0-9]*\], \(%r[0-9]\) *! \(0x[0-9a-f]*\)/setx \2, \1/' |
	    tr -s ' ' | tr '\n' ';' >"$T/$1.s"
}
ok_link() { # name prog want (a fixed string of the ';'-joined instructions)
	link "$1" "$2"; rc=$?
	[ $rc -eq 0 ] && grep -qF -- "$3" "$T/$1.s"; check "$1" $?
	[ $rc -eq 0 ] || cat "$T/$1.err"
	[ $rc -ne 0 ] || grep -qF -- "$3" "$T/$1.s" || { echo "want: $3"; echo "got:  $(cat "$T/$1.s")"; }
}
err_link() { # name prog want-regex
	link "$1" "$2"; rc=$?
	[ $rc -eq 1 ] && grep -Eq -- "$3" "$T/$1.err"; check "$1" $?
	[ -e "$T/$1.lnk" ]; [ $? -ne 0 ]; check "$1: no output" $?
	[ $rc -eq 1 ] || { echo "rc $rc"; cat "$T/$1.err"; }
}
HOP='ldgs DT_VAR(256), %r1 ! DT_VAR(256) = "curthread";'

ok_link one-hop 'BEGIN { trace(curthread->td_ucred->cr_ruid); }' \
	"$HOP"'setx 0x10, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x18, %r2;add %r1, %r2, %r1;lduw [%r1], %r1;ret %r1;'
ok_link two-hops 'BEGIN { trace(curthread->td_proc->p_ucred->cr_rgid); }' \
	'setx 0x8, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x10, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x1c, %r2;add %r1, %r2, %r1;ldsw [%r1], %r1;ret'
ok_link dot-then-arrow 'BEGIN { trace(curthread->td_proc->p_sub.s_cred->cr_ruid); }' \
	'ldx [%r1], %r1;setx 0x20, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x18, %r2;add %r1, %r2, %r1;lduw [%r1], %r1;ret'
ok_link deref-dot 'BEGIN { trace((*curthread->td_proc).p_pid); }' \
	'ldx [%r1], %r1;setx 0x38, %r2;add %r1, %r2, %r1;ldsw [%r1], %r1;ret'
ok_link array-element 'BEGIN { trace(curthread->td_ucred->cr_arr[tid]); }' \
	'setx 0x28, %r2;add %r1, %r2, %r1;ldgs DT_VAR(279), %r2 ! DT_VAR(279) = "tid";setx 0x2, %r3;mul %r2, %r3, %r2;add %r1, %r2, %r1;ldsh [%r1], %r1;ret'
ok_link array-of-pointers 'BEGIN { trace(curthread->td_proc->p_creds[1]->cr_rgid); }' \
	'setx 0x28, %r2;add %r1, %r2, %r1;setx 0x1, %r2;setx 0x8, %r3;mul %r2, %r3, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x1c, %r2;add %r1, %r2, %r1;ldsw [%r1], %r1;ret'
ok_link stringof 'BEGIN { trace(stringof(curthread->td_proc->p_ucred->cr_name)); }' \
	'ldx [%r1], %r1;setx 0x20, %r2;add %r1, %r2, %r1;ret %r1;'
ok_link address-of 'BEGIN { trace(&curthread->td_proc->p_pid); }' \
	'ldx [%r1], %r1;setx 0x38, %r2;add %r1, %r2, %r1;ret %r1;'
ok_link null-compare 'BEGIN { trace(curthread->td_proc->p_ucred != NULL); }' \
	'ldx [%r1], %r1;setx 0x10, %r2;add %r1, %r2, %r1;ldx [%r1], %r1;setx 0x0, %r2;cmp %r1, %r2;'
ok_link sizeof 'BEGIN { trace(sizeof (curthread->td_proc->p_ucred->cr_arr)); }' 'setx 0x8, %r1;ret %r1;'
ok_link store 'BEGIN { curthread->td_proc->p_pid = 7; }' \
	'ldx [%r2], %r2;setx 0x38, %r3;add %r2, %r3, %r2;stw %r1, [%r2];'

err_link not-a-pointer 'BEGIN { trace(curthread->td_tid->x); }' \
	"not-a-pointer.d:1:32: error: clause 1 \\(:::BEGIN\\): .*member 'td_tid' has type int, not a pointer.*member path 'td_tid->x'"
err_link missing-member 'BEGIN { trace(curthread->td_ucred->cr_nope); }' \
	"clause 1 \\(:::BEGIN\\): .*struct ucred has no member 'cr_nope'; did you mean 'cr_name'\\?.*'td_ucred->cr_nope'"
err_link missing-first-hop 'BEGIN { trace(curthread->td_nope->cr_ruid); }' \
	"struct thread has no member 'td_nope'.*'td_nope->cr_ruid'"
err_link void-pointer 'BEGIN { trace(curthread->td_any->x); }' \
	"member 'td_any' points to void, not to a struct or union"
err_link declared-only 'BEGIN { trace(curthread->td_opaque->x); }' \
	"struct opaque is only declared, not defined, in this typefile.*'td_opaque->x'"
err_link index-missing 'BEGIN { trace(curthread->td_ucred->cr_arr2[1]); }' \
	"no member 'cr_arr2'.*'td_ucred->cr_arr2\\[0\\]'"
err_link index-pointer 'BEGIN { trace(curthread->td_proc->p_ucred[1]); }' \
	"member 'p_ucred' is not an array"

# Rooted at a kernel symbol's own memory (chain_thread, BTF VAR): the
# first member's address is a constant, the hop's offset is in the pointee.
printf 'ffffffff81000010 D chain_thread\n' >"$T/syms"
link_sym() {
	printf '%s\n' "$2" >"$T/$1.d"
	"$DTC" -o "$T/$1.o" "$T/$1.d" 2>"$T/$1.err" &&
	"$DLD" -T "$TF" --symbols "$T/syms" -o "$T/$1.lnk" "$T/$1.o" 2>"$T/$1.err" &&
	"$DASM" -d "$T/$1.lnk" | sed -n 's/^	[0-9][0-9]*: [0-9a-f]*  *//p' |
	    sed 's/setx DT_INTEGER\[[0-9]*\], \(%r[0-9]\) *! \(0x[0-9a-f]*\)/setx \2, \1/' |
	    tr -s ' ' | tr '\n' ';' >"$T/$1.s"
}
link_sym symbol-hop 'BEGIN { trace(`chain_thread.td_proc->p_pid); }'
grep -qF 'setx 0xffffffff81000018, %r1;ldx [%r1], %r1;setx 0x38, %r2;add %r1, %r2, %r1;ldsw [%r1], %r1;ret' \
	"$T/symbol-hop.s"
check symbol-hop $?
link_sym symbol-member 'BEGIN { trace(`chain_thread.td_tid); }'
grep -qF 'setx 0xffffffff81000028, %r1;ldsw [%r1], %r1;ret' "$T/symbol-member.s"
check symbol-member $?

echo "$n checks, $fails failures"
[ "$fails" -eq 0 ]
