! member-load.s — a member load through relocations, resolved by dld
! against the target's BTF:
!
!   fbt::vm_fault:entry { printf("%d\n", curthread->td_proc->p_pid); }
!
! dtc does not know where td_proc and p_pid live, nor their sizes; it
! emits usetx (the member offset) and uload (a load sized and signed by
! the member's type), each carrying one relocation.

.format pid printf "%d\n"

.difo pid rtype=ctf:integer:4
	.line "pid.d":1:38
	ldgs curthread, %r1
	usetx member_offset("struct thread", "td_proc"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct thread", "td_proc")
	usetx member_offset("struct proc", "p_pid"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct proc", "p_pid")
	ret %r1
.end

.clause @"pid.d":1:1
	.probe fbt::vm_fault:entry @"pid.d":1:1
	.action printf difo=pid format=pid @"pid.d":1:26
.end
