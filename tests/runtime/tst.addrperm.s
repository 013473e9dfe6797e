! vm_kernel_addrperm() (subroutine 54) in the host engine: 0 stays 0; a
! nonzero address moves (by the per-run odd secret, so 10 becomes odd);
! the same address permutes alike twice; neighbours stay neighbours.
! Each line prints 1 when its property holds.
.object linked
.option quiet
.format f printf "%d %d %d %d %d\n"
.difo zero_stays rtype=ctf:integer:8
	flushts
	setx 0, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r1
	setx 0, %r2
	cmp %r1, %r2
	be yes
	ret %r2
yes:
	setx 1, %r1
	ret %r1
.end
.difo moves rtype=ctf:integer:8
	flushts
	setx 10, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r1
	setx 10, %r2
	cmp %r1, %r2
	bne yes
	setx 0, %r1
	ret %r1
yes:
	setx 1, %r1
	ret %r1
.end
.difo odd rtype=ctf:integer:8
	flushts
	setx 10, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r1
	setx 1, %r2
	and %r1, %r2, %r1
	ret %r1
.end
.difo same rtype=ctf:integer:8
	flushts
	setx 10, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r3
	flushts
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r4
	cmp %r3, %r4
	be yes
	setx 0, %r1
	ret %r1
yes:
	setx 1, %r1
	ret %r1
.end
.difo step rtype=ctf:integer:8
	flushts
	setx 10, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r3
	flushts
	setx 11, %r1
	pushtv ctf, %r0, %r1
	call DIF_SUBR(54), %r4
	sub %r4, %r3, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	setx 0, %r1
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=zero_stays format=f flags=1
	.action printf difo=moves format=f flags=1
	.action printf difo=odd format=f flags=1
	.action printf difo=same format=f flags=1
	.action printf difo=step format=f flags=1
	.action exit difo=zero
.end
