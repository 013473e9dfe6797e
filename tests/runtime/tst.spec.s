! Speculation: committed data appears where commit() ran, discarded never.
!   BEGIN { spec = speculation(); }
!   BEGIN { speculate(spec); printf("speculated %d\n", spec); }
!   BEGIN { printf("not speculated\n"); }
!   BEGIN { commit(spec); }
!   BEGIN { spec = speculation(); }
!   BEGIN { speculate(spec); printf("discarded\n"); }
!   BEGIN { discard(spec); exit(0); }
.object linked
.option quiet
.format sp printf "speculated %d\n"
.format ns printf "not speculated\n"
.format dc printf "discarded\n"
.difo new rtype=ctf:unknown:0
	.var spec scope=global type=ctf:integer:8
	call speculation, %r1
	stgs %r1, spec
	ret %r0
.end
.difo get rtype=ctf:integer:8
	.var spec scope=global type=ctf:integer:8
	ldgs spec, %r1
	ret %r1
.end
.difo none rtype=ctf:unknown:0
	ret %r0
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=new
.end
.clause
	.probe dtrace:::BEGIN
	.action speculate difo=get
	.action printf difo=get format=sp flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=none format=ns
.end
.clause
	.probe dtrace:::BEGIN
	.action commit difo=get
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=new
.end
.clause
	.probe dtrace:::BEGIN
	.action speculate difo=get
	.action printf difo=none format=dc
.end
.clause
	.probe dtrace:::BEGIN
	.action discard difo=get
	.action exit difo=zero
.end
