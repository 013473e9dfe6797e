! syscall-latency.s — a thread-local in a predicate, and a quantize:
!
!   syscall::read:entry { self->ts = timestamp; }
!   syscall::read:return /self->ts/ {
!           @lat[execname] = quantize(timestamp - self->ts);
!           self->ts = 0;
!   }

.symbol ts kind=thread ctype="uint64_t" type=ctf:integer:8
.symbol lat kind=agg id=1 ctype="uint64_t"
.agg lat id=1 func=quantize nkeys=1 keys="string" value="uint64_t"

! self->ts = timestamp  (a statement: its value is not recorded)
.difo stamp rtype=ctf:unknown:0
	.line "latency.d":1:24
	.var ts scope=thread type=ctf:integer:8
	ldgs timestamp, %r1
	stts %r1, ts
	ret %r0
.end

! /self->ts/
.difo started rtype=ctf:integer:8
	.line "latency.d":2:24
	.var ts scope=thread type=ctf:integer:8
	ldts ts, %r1
	ret %r1
.end

! the aggregation's variable id is the first tuple member
.difo lat_id rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end

.difo key rtype=string:unknown:byref:256
	ldgs execname, %r1
	ret %r1
.end

! timestamp - self->ts
.difo elapsed rtype=ctf:integer:8
	.line "latency.d":3:36
	.var ts scope=thread type=ctf:integer:8
	ldgs timestamp, %r1
	ldts ts, %r2
	sub %r1, %r2, %r1
	ret %r1
.end

! self->ts = 0
.difo clear rtype=ctf:unknown:0
	.var ts scope=thread type=ctf:integer:8
	stts %r0, ts
	ret %r0
.end

.clause @"latency.d":1:1
	.probe syscall::read:entry
	.action difexpr difo=stamp
.end

.clause @"latency.d":2:1
	.probe syscall::read:return
	.predicate started
	.action difexpr difo=lat_id
	.action difexpr difo=key
	.action quantize difo=elapsed ntuple=2
	.action difexpr difo=clear
.end
