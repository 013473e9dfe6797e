! Dynamic-variable drops: 3000 bytes hold one entry (chunks of 1080
! bytes, chunk 0 unused), so storing a[1..5] keeps a[1] and drops four
! stores (counted and reported at exit, not a fault);
! deleting a[1] (store 0) frees room, so the next a[5] = 1 succeeds.
!   -x dynvarsize=3000
!   BEGIN { a[1] = 1; a[2] = 1; a[3] = 1; a[4] = 1; a[5] = 1;
!           printf("%d %d %d\n", a[1], a[2], a[5]);
!           a[1] = 0; a[5] = 1; printf("%d %d %d\n", a[1], a[2], a[5]); exit(0); }
! ARGS: -x dynvarsize=3000
.object linked
.option quiet
.format f printf "%d %d %d\n"
.difo fill rtype=ctf:unknown:0
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	setx 1, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	flushts
	setx 2, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	flushts
	setx 3, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	flushts
	setx 4, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	flushts
	setx 5, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	ret %r0
.end
.difo again rtype=ctf:unknown:0
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	setx 1, %r1
	pushtv ctf, %r0, %r1
	stgaa %r0, a
	flushts
	setx 5, %r1
	pushtv ctf, %r0, %r1
	setx 1, %r1
	stgaa %r1, a
	ret %r0
.end
.difo l1 rtype=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	setx 1, %r1
	pushtv ctf, %r0, %r1
	ldgaa a, %r1
	ret %r1
.end
.difo l2 rtype=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	setx 2, %r1
	pushtv ctf, %r0, %r1
	ldgaa a, %r1
	ret %r1
.end
.difo l5 rtype=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	setx 5, %r1
	pushtv ctf, %r0, %r1
	ldgaa a, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=fill
	.action printf difo=l1 format=f flags=1
	.action printf difo=l2 format=f flags=1
	.action printf difo=l5 format=f flags=1
	.action difexpr difo=again
	.action printf difo=l1 format=f flags=1
	.action printf difo=l2 format=f flags=1
	.action printf difo=l5 format=f flags=1
	.action exit difo=zero
.end
