! count-by-probe.s — an aggregation keyed by two strings, a string
! comparison in the predicate, and printa in END:
!
!   #pragma D option quiet
!   syscall:::entry /execname != "idle"/ { @calls[execname, probefunc] = count(); }
!   END { printa("%-16s %-16s %@8d\n", @calls); }

.option quiet
.symbol calls kind=agg id=1 ctype="uint64_t"
.agg calls id=1 func=count nkeys=2 keys="string,string"
.format table printa "%-16s %-16s %@8d\n"

! execname != "idle"
.difo not_idle rtype=ctf:integer:4
	ldgs execname, %r1
	sets "idle", %r2
	scmp %r1, %r2
	be same
	setx 1, %r1
	ret %r1
same:	ret %r0
.end

.difo calls_id rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end

.difo exec rtype=string:unknown:byref:256
	ldgs execname, %r1
	ret %r1
.end

.difo func rtype=string:unknown:byref:256
	ldgs probefunc, %r1
	ret %r1
.end

.clause
	.probe syscall:::entry
	.predicate not_idle
	.action difexpr difo=calls_id
	.action difexpr difo=exec
	.action difexpr difo=func
	.action count ntuple=3
.end

.clause
	.probe dtrace:::END
	.action printa difo=calls_id format=table
.end
