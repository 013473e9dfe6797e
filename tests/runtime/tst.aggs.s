! Every aggregating function, keyed and unkeyed, printed at exit:
! BEGIN {
!   @c["a"] = count(); @c["b"] = count(); @c["b"] = count();
!   @s = sum(10); @s = sum(-3);  @mn = min(5); @mn = min(-7);  @mx = max(5); @mx = max(9);
!   @av = avg(4); @av = avg(7);  @sd = stddev(2); @sd = stddev(6);
!   @q = quantize(0); @q = quantize(5); @q = quantize(1000);
!   @l = lquantize(3, 0, 10, 2); @l = lquantize(12, 0, 10, 2); @l = lquantize(-1, 0, 10, 2);
!   @ll = llquantize(42, 10, 0, 3, 10);
!   exit(0);
! }
.object linked
.option quiet
.agg c id=1 func=count nkeys=1 keys="string"
.agg s id=2 func=sum
.agg mn id=3 func=min
.agg mx id=4 func=max
.agg av id=5 func=avg
.agg sd id=6 func=stddev
.agg q id=7 func=quantize
.agg l id=8 func=lquantize arg=lquantize(0, 10, 2)
.agg ll id=9 func=llquantize arg=llquantize(10, 0, 3, 10)
.difo id1 rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end
.difo id2 rtype=ctf:integer:8
	setx 2, %r1
	ret %r1
.end
.difo id3 rtype=ctf:integer:8
	setx 3, %r1
	ret %r1
.end
.difo id4 rtype=ctf:integer:8
	setx 4, %r1
	ret %r1
.end
.difo id5 rtype=ctf:integer:8
	setx 5, %r1
	ret %r1
.end
.difo id6 rtype=ctf:integer:8
	setx 6, %r1
	ret %r1
.end
.difo id7 rtype=ctf:integer:8
	setx 7, %r1
	ret %r1
.end
.difo id8 rtype=ctf:integer:8
	setx 8, %r1
	ret %r1
.end
.difo id9 rtype=ctf:integer:8
	setx 9, %r1
	ret %r1
.end
.difo ka rtype=string:unknown:byref:256
	sets "a", %r1
	ret %r1
.end
.difo kb rtype=string:unknown:byref:256
	sets "b", %r1
	ret %r1
.end
.difo v10 rtype=ctf:integer:8
	setx 10, %r1
	ret %r1
.end
.difo vm3 rtype=ctf:integer:8
	setx -3, %r1
	ret %r1
.end
.difo v5 rtype=ctf:integer:8
	setx 5, %r1
	ret %r1
.end
.difo vm7 rtype=ctf:integer:8
	setx -7, %r1
	ret %r1
.end
.difo v9 rtype=ctf:integer:8
	setx 9, %r1
	ret %r1
.end
.difo v4 rtype=ctf:integer:8
	setx 4, %r1
	ret %r1
.end
.difo v7 rtype=ctf:integer:8
	setx 7, %r1
	ret %r1
.end
.difo v2 rtype=ctf:integer:8
	setx 2, %r1
	ret %r1
.end
.difo v6 rtype=ctf:integer:8
	setx 6, %r1
	ret %r1
.end
.difo v0 rtype=ctf:integer:8
	ret %r0
.end
.difo v1000 rtype=ctf:integer:8
	setx 1000, %r1
	ret %r1
.end
.difo v3 rtype=ctf:integer:8
	setx 3, %r1
	ret %r1
.end
.difo v12 rtype=ctf:integer:8
	setx 12, %r1
	ret %r1
.end
.difo vm1 rtype=ctf:integer:8
	setx -1, %r1
	ret %r1
.end
.difo v42 rtype=ctf:integer:8
	setx 42, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=id1
	.action difexpr difo=ka
	.action count ntuple=2
	.action difexpr difo=id1
	.action difexpr difo=kb
	.action count ntuple=2
	.action difexpr difo=id1
	.action difexpr difo=kb
	.action count ntuple=2
	.action difexpr difo=id2
	.action sum difo=v10 ntuple=1
	.action difexpr difo=id2
	.action sum difo=vm3 ntuple=1
	.action difexpr difo=id3
	.action min difo=v5 ntuple=1
	.action difexpr difo=id3
	.action min difo=vm7 ntuple=1
	.action difexpr difo=id4
	.action max difo=v5 ntuple=1
	.action difexpr difo=id4
	.action max difo=v9 ntuple=1
	.action difexpr difo=id5
	.action avg difo=v4 ntuple=1
	.action difexpr difo=id5
	.action avg difo=v7 ntuple=1
	.action difexpr difo=id6
	.action stddev difo=v2 ntuple=1
	.action difexpr difo=id6
	.action stddev difo=v6 ntuple=1
	.action difexpr difo=id7
	.action quantize difo=v0 ntuple=1
	.action difexpr difo=id7
	.action quantize difo=v5 ntuple=1
	.action difexpr difo=id7
	.action quantize difo=v1000 ntuple=1
	.action difexpr difo=id8
	.action lquantize difo=v3 ntuple=1 arg=lquantize(0, 10, 2)
	.action difexpr difo=id8
	.action lquantize difo=v12 ntuple=1 arg=lquantize(0, 10, 2)
	.action difexpr difo=id8
	.action lquantize difo=vm1 ntuple=1 arg=lquantize(0, 10, 2)
	.action difexpr difo=id9
	.action llquantize difo=v42 ntuple=1 arg=llquantize(10, 0, 3, 10)
	.action exit difo=zero
.end
