! A real timer: three ticks of 10ms, then exit.
!   profile:::tick-10ms { n++; printf("tick %d\n", n); }
!   profile:::tick-10ms / n == 3 / { exit(0); }
!   END { printf("end after %d\n", n); }
.object linked
.option quiet
.format t printf "tick %d\n"
.format e printf "end after %d\n"
.difo inc rtype=ctf:integer:8
	.var n scope=global type=ctf:integer:8
	ldgs n, %r1
	setx 1, %r2
	add %r1, %r2, %r1
	stgs %r1, n
	ret %r1
.end
.difo get rtype=ctf:integer:8
	.var n scope=global type=ctf:integer:8
	ldgs n, %r1
	ret %r1
.end
.difo three rtype=ctf:integer:4
	.var n scope=global type=ctf:integer:8
	ldgs n, %r1
	setx 3, %r2
	cmp %r1, %r2
	be yes
	ret %r0
yes:	setx 1, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe profile:::tick-10ms
	.action printf difo=inc format=t flags=1
.end
.clause
	.probe profile:::tick-10ms
	.predicate three
	.action exit difo=zero
.end
.clause
	.probe dtrace:::END
	.action printf difo=get format=e flags=1
.end
