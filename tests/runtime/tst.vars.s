! Variables of every scope:
! BEGIN {
!   x = 5; s = "str"; self->t = 7; this->l = 3;
!   a["k", 2] = 11; a["j", 1] = 12; a["k", 2] = 0;   /* storing 0 deletes */
!   b[1] = "val";
!   printf("%d %s %d %d %d %d %s %d\n", x, s, self->t, this->l,
!       a["k", 2], a["j", 1], b[1], self->missing);
!   exit(0);
! }
! END { printf("%d %s\n", x + self->t, b[1]); }
.object linked
.option quiet
.format f printf "%d %s %d %d %d %d %s %d\n"
.format g printf "%d %s\n"
.difo store rtype=ctf:unknown:0
	.var x scope=global type=ctf:integer:8
	.var s scope=global type=string:unknown:byref:256
	.var t scope=thread type=ctf:integer:8
	.var l scope=local type=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	.var b kind=array scope=global type=string:unknown:byref:256
	setx 5, %r1
	stgs %r1, x
	sets "str", %r1
	stgs %r1, s
	setx 7, %r1
	stts %r1, t
	setx 3, %r1
	stls %r1, l
	flushts
	sets "k", %r1
	pushtr string, %r0, %r1
	setx 2, %r1
	pushtv ctf, %r0, %r1
	setx 11, %r1
	stgaa %r1, a
	flushts
	sets "j", %r1
	pushtr string, %r0, %r1
	setx 1, %r1
	pushtv ctf, %r0, %r1
	setx 12, %r1
	stgaa %r1, a
	flushts
	sets "k", %r1
	pushtr string, %r0, %r1
	setx 2, %r1
	pushtv ctf, %r0, %r1
	stgaa %r0, a
	flushts
	setx 1, %r1
	pushtv ctf, %r0, %r1
	sets "val", %r1
	stgaa %r1, b
	ret %r0
.end
.difo ldx rtype=ctf:integer:8
	.var x scope=global type=ctf:integer:8
	ldgs x, %r1
	ret %r1
.end
.difo lds rtype=string:unknown:byref:256
	.var s scope=global type=string:unknown:byref:256
	ldgs s, %r1
	ret %r1
.end
.difo ldt rtype=ctf:integer:8
	.var t scope=thread type=ctf:integer:8
	ldts t, %r1
	ret %r1
.end
.difo ldl rtype=ctf:integer:8
	.var l scope=local type=ctf:integer:8
	ldls l, %r1
	ret %r1
.end
.difo ldk2 rtype=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	sets "k", %r1
	pushtr string, %r0, %r1
	setx 2, %r1
	pushtv ctf, %r0, %r1
	ldgaa a, %r1
	ret %r1
.end
.difo ldj1 rtype=ctf:integer:8
	.var a kind=array scope=global type=ctf:integer:8
	flushts
	sets "j", %r1
	pushtr string, %r0, %r1
	setx 1, %r1
	pushtv ctf, %r0, %r1
	ldgaa a, %r1
	ret %r1
.end
.difo ldb rtype=string:unknown:byref:256
	.var b kind=array scope=global type=string:unknown:byref:256
	flushts
	setx 1, %r1
	pushtv ctf, %r0, %r1
	ldgaa b, %r1
	ret %r1
.end
.difo ldmissing rtype=ctf:integer:8
	.var missing scope=thread type=ctf:integer:8
	ldts missing, %r1
	ret %r1
.end
.difo sum rtype=ctf:integer:8
	.var x scope=global type=ctf:integer:8
	.var t scope=thread type=ctf:integer:8
	ldgs x, %r1
	ldts t, %r2
	add %r1, %r2, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=store
	.action printf difo=ldx format=f flags=1
	.action printf difo=lds format=f
	.action printf difo=ldt format=f flags=1
	.action printf difo=ldl format=f flags=1
	.action printf difo=ldk2 format=f flags=1
	.action printf difo=ldj1 format=f flags=1
	.action printf difo=ldb format=f
	.action printf difo=ldmissing format=f flags=1
	.action exit difo=zero
.end
.clause
	.probe dtrace:::END
	.action printf difo=sum format=g flags=1
	.action printf difo=ldb format=g
.end
