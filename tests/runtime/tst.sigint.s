! SIGINT ends tracing cleanly: END fires and aggregations print.
!   BEGIN { @c = count(); @c = count(); printf("begin\n"); }
!   END { printf("end\n"); }
! SIGNAL: INT
.object linked
.option quiet
.agg c id=1 func=count
.format e printf "end\n"
.format b printf "begin\n"
.difo id1 rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end
.difo none rtype=ctf:unknown:0
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=id1
	.action count ntuple=1
	.action difexpr difo=id1
	.action count ntuple=1
	.action printf difo=none format=b
.end
.clause
	.probe dtrace:::END
	.action printf difo=none format=e
.end
