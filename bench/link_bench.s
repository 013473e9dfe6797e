! link_bench.s — a typical Linux script for bench/link_bench.sh:
!   sched:::on-cpu /curthread->cred->uid.val == 1000/
!   { @[curthread->comm, curthread->real_parent->pid] = count();
!     self->ts = curthread->utime + curthread->stime; }
! Every member access is a relocation against struct task_struct / cred.
! (comm is an array: its value is its address, so there is no uload.)

.symbol ts kind=thread id=0x500 ctype="uint64_t"
.agg _ id=1 func=count nkeys=2 keys="string,int"

.difo uid rtype=ctf:integer:4
	.line "bench.d":1:16
	ldgs curthread, %r1
	usetx member_offset("struct task_struct", "cred"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct task_struct", "cred")
	usetx member_offset("struct cred", "uid.val"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct cred", "uid.val")
	setx 1000, %r2
	cmp %r1, %r2
	be yes
	ret %r0
yes:	setx 1, %r1
	ret %r1
.end

.difo agg_id rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end

.difo comm rtype=ctf:pointer:8
	ldgs curthread, %r1
	usetx member_offset("struct task_struct", "comm"), %r2
	add %r1, %r2, %r1
	ret %r1
.end

.difo ppid rtype=ctf:integer:4
	ldgs curthread, %r1
	usetx member_offset("struct task_struct", "real_parent"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct task_struct", "real_parent")
	usetx member_offset("struct task_struct", "pid"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct task_struct", "pid")
	typecast cast("int"), %r1
	ret %r1
.end

.difo ts rtype=ctf:integer:8
	.var ts id=0x500 scope=thread
	ldgs curthread, %r1
	usetx member_offset("struct task_struct", "utime"), %r2
	add %r1, %r2, %r2
	uload [%r2], %r2, load("struct task_struct", "utime")
	usetx member_offset("struct task_struct", "stime"), %r3
	add %r1, %r3, %r3
	uload [%r3], %r3, load("struct task_struct", "stime")
	add %r2, %r3, %r2
	stts %r2, ts
	ret %r2
.end

.clause @"bench.d":1:1
	.probe sched:::on-cpu
	.predicate uid
	.action difexpr difo=agg_id
	.action difexpr difo=comm
	.action difexpr difo=ppid
	.action count ntuple=3
	.action difexpr difo=ts
.end
