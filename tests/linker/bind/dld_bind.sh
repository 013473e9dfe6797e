#!/bin/sh
# dld_bind.sh DTC DLD DASM TYPEFILE — relocation roots bound by dld
# (linker/ld/lnk_bind.c): kernel symbol addresses and values from a symbol
# source, args[N] members from the probe function's BTF prototype, and a
# clear error naming the symbol or probe for each way binding fails.
set -u
DTC=$1 DLD=$2 DASM=$3 TF=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
check() { # name, status
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
# link NAME 'D program' [dld args] -> $T/NAME.s (listing) or $T/NAME.err
link() {
	name=$1 prog=$2; shift 2
	printf '%s\n' "$prog" >"$T/$name.d"
	"$DTC" -o "$T/$name.o" "$T/$name.d" 2>"$T/$name.err" || return 3
	"$DLD" -T "$TF" -o "$T/$name.lnk" "$@" "$T/$name.o" 2>"$T/$name.err" || return 1
	"$DASM" -d "$T/$name.lnk" >"$T/$name.s"
}
ok_link() { # name prog want-regex [dld args]
	name=$1 prog=$2 want=$3; shift 3
	link "$name" "$prog" "$@"; rc=$?
	[ $rc -eq 0 ] && grep -Eq "$want" "$T/$name.s"; check "$name" $?
	[ $rc -eq 0 ] || cat "$T/$name.err"
}
err_link() { # name prog want-regex [dld args]
	name=$1 prog=$2 want=$3; shift 3
	link "$name" "$prog" "$@"; rc=$?
	[ $rc -eq 1 ] && grep -Eq "$want" "$T/$name.err"; check "$name" $?
	[ -e "$T/$name.lnk" ]; [ $? -ne 0 ]; check "$name: no output" $?
	[ $rc -eq 1 ] || { echo "rc $rc"; cat "$T/$name.err"; }
}

printf 'ffffffff81000010 D real_ncpus\nffffffff81000020 D kfile\nffffffff81000060 D fptr\nffffffff81000068 D cfptr\nffffffff81000030 d dup\nffffffff81000040 d dup\nffffffff81000050 b modvar\t[ext4]\n' >"$T/kallsyms"
printf 'ffffffff82000000 0000000000000002 D hz16\nffffffff82000008 0000000000000018 D blob\nffffffff82000020 D nosize\n' >"$T/nm"
printf '0000000000000000 D real_ncpus\n' >"$T/hidden"

# ---- symbols
ok_link sym-addr 'BEGIN { trace(&`real_ncpus); }' 'setx .*0xffffffff81000010' --symbols "$T/kallsyms"
ok_link sym-value-btf 'BEGIN { trace(`real_ncpus); }' 'ldsw \[%r1\], %r1' --symbols "$T/kallsyms"
ok_link sym-value-size 'BEGIN { trace(`hz16); }' 'lduh \[%r1\], %r1' --symbols "$T/nm"
ok_link sym-module 'BEGIN { trace(&ext4`modvar); }' '0xffffffff81000050' --symbols "$T/kallsyms"
ok_link sym-struct 'BEGIN { trace(&`kfile); }' '0xffffffff81000020' --symbols "$T/kallsyms"
ok_link sym-deref-member 'BEGIN { trace(`fptr->f_flags); }' 'ldsw \[%r1\], %r1' --symbols "$T/kallsyms"
grep -q 'setx .*0x8$' "$T/sym-deref-member.s"; check "sym-deref-member: offset of f_flags in struct file" $?
ok_link sym-deref-struct 'BEGIN { trace(*`cfptr); }' '0xffffffff81000068' --symbols "$T/kallsyms"
err_link sym-deref-scalar 'BEGIN { trace(*`real_ncpus); }' \
	'\*`real_ncpus: kernel symbol `real_ncpus is not a pointer or an array' --symbols "$T/kallsyms"
err_link sym-deref-notype 'BEGIN { trace(*`hz16); }' '\*`hz16: the typefile has no type for kernel symbol' \
	--symbols "$T/nm"
ok_link sym-pointer-var 'BEGIN { p = &`real_ncpus; x = *p; *p = 3; trace(x); trace(p + 1); }' \
	'ldsw \[%r1\], %r1' --symbols "$T/kallsyms"
grep -q 'stw %r1, \[%r2\]' "$T/sym-pointer-var.s" && grep -q 'setx .*0x4$' "$T/sym-pointer-var.s"
check "sym-pointer-var: store and scaling by the symbol's type" $?
ok_link sym-store-size 'BEGIN { p = &`hz16; *p = 1; }' 'sth %r1' --symbols "$T/nm"
err_link sym-unresolved 'BEGIN { trace(&`nosuch); }' \
	'sym-unresolved.d:1:15: error: clause 1 \(:::BEGIN\): unresolved kernel symbol `nosuch: not in .*kallsyms' \
	--symbols "$T/kallsyms"
err_link sym-ambiguous 'BEGIN { trace(&`dup); }' 'kernel symbol `dup is ambiguous: 2 addresses' \
	--symbols "$T/kallsyms"
err_link sym-hidden 'BEGIN { trace(&`real_ncpus); }' 'every address in .* is 0' --symbols "$T/hidden"
err_link sym-nofile 'BEGIN { trace(&`real_ncpus); }' 'cannot read the symbol source' \
	--symbols "$T/none"
err_link sym-notype 'BEGIN { trace(`nosize); }' 'type of kernel symbol `nosize is unknown' \
	--symbols "$T/nm"
err_link sym-badsize 'BEGIN { trace(`blob); }' 'type of kernel symbol `blob is unknown' \
	--symbols "$T/nm"

ok_link sym-ptrarith 'BEGIN { trace((&`real_ncpus) + 2); }' 'setx .*0x4$' --symbols "$T/kallsyms"

# ---- args[N]
ok_link arg-entry 'fbt::vfs_read:entry { trace(args[0]->f_flags); }' \
	'setx .*0x8$' --symbols "$T/kallsyms"
grep -q 'ldsw' "$T/arg-entry.s"; check "arg-entry: int load" $?
ok_link arg-return 'fbt::fget:return { trace(args[1]->f_pos); }' 'ldx \[' 
ok_link arg-store 'fbt::vfs_read:entry { args[0]->f_flags = 1; }' 'stw %r'
ok_link arg-typedef 'fbt::fget:entry { trace(args[0]->i_ino); }' 'ldx \['
ok_link arg-two-probes 'fbt::vfs_read:entry, fbt::vfs_write:entry { trace(args[0]->f_pos); }' 'ldx \['
err_link arg-provider 'sched:::enqueue { trace(args[1]->pr_pid); }' \
	'args\[1\] of probe sched:::enqueue is not known to the linker'
[ "$(grep -c 'args\[1\]' "$T/arg-provider.err")" -eq 1 ]; check "arg-provider: said once" $?
err_link arg-noproto 'fbt::nosuchfn:entry { trace(args[0]->f_pos); }' \
	'the typefile has no prototype of function nosuchfn'
err_link arg-range 'fbt::vfs_read:entry { trace(args[5]->f_pos); }' \
	'probe fbt::vfs_read:entry has no args\[5\]'
err_link arg-notptr 'fbt::plain:entry { trace(args[0]->f_pos); }' 'args\[0\] of probe fbt::plain:entry is not a pointer'
err_link arg-disagree 'fbt::vfs_read:entry, fbt::sock_close:entry { trace(args[0]->f_pos); }' \
	'args\[0\] is a struct file \* in one probe of the clause and a struct sock \* in fbt::sock_close:entry'
err_link arg-return0 'fbt::fget:return { trace(args[0]->f_pos); }' 'args\[0\] of return probe'
err_link arg-member 'fbt::vfs_read:entry { trace(args[0]->f_nope); }' "f_nope"

ok_link arg-deref 'fbt::vfs_read:entry { trace(*args[1]); }' 'ldsb \[%r1\], %r1'
ok_link arg-deref-struct 'fbt::vfs_read:entry { trace(*args[0]); }' 'ret %r1'
grep -Eq 'ld[su]?[bhwx] ' "$T/arg-deref-struct.s"; [ $? -ne 0 ]
check "arg-deref-struct: a struct's value is its address" $?

# ---- whole target structs copied into scratch (sized by type_size)
ok_link struct-copy 'BEGIN { this->f = *(struct file *)arg0; trace(this->f.f_flags); }' \
	'allocs %r2, %r3'
grep -q 'setx .*0x18$' "$T/struct-copy.s" && grep -q 'copys %r1, %r2, %r3' "$T/struct-copy.s" &&
	grep -q 'ldsw' "$T/struct-copy.s"
check "struct-copy: sizeof(struct file) bytes copied, member read from the copy" $?

# ---- the listing spells the roots; dasm reads them back to the same object
printf 'BEGIN { trace(`real_ncpus); }\nfbt::vfs_read:entry { trace(args[0]->f_pos); }\n' >"$T/rt.d"
"$DTC" -o "$T/rt.o" "$T/rt.d" && "$DASM" -d "$T/rt.o" >"$T/rt.s"
grep -q 'load("real_ncpus", symbol)' "$T/rt.s" && grep -q 'member_offset("args\[0\]", "f_pos", arg)' "$T/rt.s"
check "listing spells symbol and arg roots" $?
"$DASM" -o "$T/rt2.o" "$T/rt.s" && cmp -s "$T/rt.o" "$T/rt2.o"; check "dasm round trip" $?

echo "$((n - fails)) of $n passed"
[ $fails -eq 0 ]
