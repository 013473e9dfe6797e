! sysct recded)
.difo s
	.line "matency.d":1:24
	.var ts scope=thread type=ctf:integer:81
	stts %r0, ts
	ret %r0
.end

!.predicate !
!    = timestampr }
!   sy b