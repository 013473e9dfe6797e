#!/bin/bash
# tst.dld_link: minions that link with dld's library (-t typefile).  Two
# guests with different layouts of the same structs each link the same
# relocatable program (examples/member-load.s: curthread->td_proc->p_pid)
# and send it back; each linked program carries its own guest's member
# offsets, and a guest whose types lack the member answers with dld's error.
. "$DD_SRCDIR/lib.sh"
: "${DASM:?}"
command -v gcc >/dev/null || { echo "no gcc: cannot build test typefiles"; exit 77; }

# Two guest layouts and a guest without struct proc's p_pid.
layout() {	# NAME C-DECLARATIONS
	printf '%s\nstruct thread t; struct proc p;\n' "$2" >"$T/$1.c"
	gcc -gbtf -c -w -o "$T/$1.btf.o" "$T/$1.c" || fail "gcc -gbtf $1"
	chmod 644 "$T/$1.btf.o"
}
layout ga 'struct proc { int p_flag; int p_pid; }; struct thread { long td_tid; struct proc *td_proc; };'
layout gb 'struct proc { char p_comm[20]; long p_x; int p_pid; }; struct thread { int td_a, td_b, td_c; struct proc *td_proc; };'
layout gc 'struct proc { int p_other; }; struct thread { struct proc *td_proc; };'

"$DASM" -o "$T/prog.o" "$DD_SRCDIR/../../examples/member-load.s" || fail "dasm"
chmod 644 "$T/prog.o"

for g in ga gb gc; do
	start "$g" -m minion -l "unix:$T/$g.sock" -t "$T/$g.btf.o"
done
start ovl -p ga=unix:$T/ga.sock -p gb=unix:$T/gb.sock -p gc=unix:$T/gc.sock
wait_up ovl 3
mkdir "$T/out"
ctl ovl -t 30 submit -o "$T/out" "$T/prog.o" >"$T/submit.txt" && fail "gc should fail: $(cat "$T/submit.txt")"
grep -q '^ga: linked' "$T/submit.txt" || fail "ga: $(cat "$T/submit.txt")"
grep -q '^gb: linked' "$T/submit.txt" || fail "gb: $(cat "$T/submit.txt")"
grep -q "^gc: failed: .*p_pid" "$T/submit.txt" || fail "gc: $(cat "$T/submit.txt")"

# The linked programs hold each layout's offsets: td_proc at 8 (ga) and
# 16 (gb), p_pid at 4 (ga) and 32 (gb).  No pseudo-instruction is left.
for g in ga gb; do
	"$DASM" -S "$T/out/$g.o" >"$T/$g.lst" || fail "dasm -S $g.o"
	grep -Eq 'usetx|uload' "$T/$g.lst" && fail "$g.o still has pseudo-instructions"
done
grep -q '! 0x8$' "$T/ga.lst" && grep -q '! 0x4$' "$T/ga.lst" || fail "ga offsets: $(cat "$T/ga.lst")"
grep -q '! 0x10$' "$T/gb.lst" && grep -q '! 0x20$' "$T/gb.lst" || fail "gb offsets: $(cat "$T/gb.lst")"
for d in ovl ga gb gc; do stop $d; done
echo "ok: two guest layouts linked in-process by dld's library; a missing member is reported"
