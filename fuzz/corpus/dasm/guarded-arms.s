.object relocatable
.difo d0 rtype=ctf:integer:8
	ldgs curthread, %r3
	usetx type_exists("struct task_struct"), %r1
	tst %r1
	be bsd
	usetx member_offset("struct task_struct", "pid", guarded), %r2
	add %r3, %r2, %r2
	uload [%r2], %r1, load("struct task_struct", "pid", guarded)
	ret %r1
bsd:	usetx type_exists("struct thread", "td_proc->p_pid"), %r1
	tst %r1
	be none
	usetx member_offset("struct thread", "td_proc", guarded), %r2
	add %r3, %r2, %r2
	uload [%r2], %r2, load("struct thread", "td_proc", guarded)
	usetx member_offset("struct proc", "p_pid", guarded), %r1
	add %r2, %r1, %r2
	uuload [%r2], %r1, uload("struct proc", "p_pid", guarded)
	typecast cast("pid_t", guarded), %r1
	ret %r1
none:	setx 0, %r1
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=d0
.end
