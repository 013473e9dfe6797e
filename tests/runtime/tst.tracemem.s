! tracemem of bytes built in scratch, and trace() of binary data:
!   BEGIN { this->p = alloca(8); *(uint64_t *)this->p = 0x0a6f6c6c6568;
!           tracemem(this->p, 8); exit(0); }
.object linked
.option quiet
.difo mem rtype=ctf:array:byref:8
	setx 8, %r1
	flushts
	pushtv ctf, %r0, %r1
	call alloca, %r2
	setx 0x0a6f6c6c6568, %r1
	stx %r1, [%r2]
	ret %r2
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action tracemem difo=mem
	.action exit difo=zero
.end
