! BEGIN { trace(*(int *)0x10); }          -> invalid address, action #1
! BEGIN / *(char *)8 / { }                 -> invalid address, predicate
! BEGIN { trace(1 / (timestamp - timestamp)); } -> divide-by-zero, no address
! ERROR { printf("ERROR epid %d act %d off %d fault %d addr %x\n", arg1, arg2, arg3, arg4, arg5); }
! BEGIN { exit(0); }
.object linked
.option quiet
.format e printf "ERROR epid %d act %d off %d fault %d addr %x\n"
.difo bad rtype=ctf:integer:4
	setx 0x10, %r1
	ldsw [%r1], %r2
	ret %r2
.end
.difo badpred rtype=ctf:integer:4
	setx 8, %r1
	ldsb [%r1], %r1
	ret %r1
.end
.difo div rtype=ctf:integer:8
	setx 1, %r1
	ldgs timestamp, %r2
	sub %r2, %r2, %r2
	sdiv %r1, %r2, %r1
	ret %r1
.end
.difo a1 rtype=ctf:integer:8
	ldgs arg1, %r1
	ret %r1
.end
.difo a2 rtype=ctf:integer:8
	ldgs arg2, %r1
	ret %r1
.end
.difo a3 rtype=ctf:integer:8
	ldgs arg3, %r1
	ret %r1
.end
.difo a4 rtype=ctf:integer:8
	ldgs arg4, %r1
	ret %r1
.end
.difo a5 rtype=ctf:integer:8
	ldgs arg5, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=bad
.end
.clause
	.probe dtrace:::BEGIN
	.predicate badpred
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=div
.end
.clause
	.probe dtrace:::ERROR
	.action printf difo=a1 format=e flags=1
	.action printf difo=a2 format=e flags=1
	.action printf difo=a3 format=e flags=1
	.action printf difo=a4 format=e flags=1
	.action printf difo=a5 format=e flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action exit difo=zero
.end
