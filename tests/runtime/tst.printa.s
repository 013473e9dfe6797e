! printa with a format, then normalize, trunc and clear on keyed sums:
!   BEGIN { @s["a"] = sum(10); @s["b"] = sum(30); @s["c"] = sum(20);
!           printa("%-4s %@d\n", @s); normalize(@s, 10); printa(@s);
!           trunc(@s, 2); printa("%s=%@d\n", @s); clear(@s); printa("%s=%@d\n", @s);
!           exit(0); }
.object linked
.option quiet
.agg s id=1 func=sum nkeys=1 keys="string"
.format p1 printa "%-4s %@d\n"
.format p2 printa "%s=%@d\n"
.difo id rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end
.difo ten rtype=ctf:integer:8
	setx 10, %r1
	ret %r1
.end
.difo two rtype=ctf:integer:8
	setx 2, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.difo ka rtype=string:unknown:byref:256
	sets "a", %r1
	ret %r1
.end
.difo va rtype=ctf:integer:8
	setx 10, %r1
	ret %r1
.end
.difo kb rtype=string:unknown:byref:256
	sets "b", %r1
	ret %r1
.end
.difo vb rtype=ctf:integer:8
	setx 30, %r1
	ret %r1
.end
.difo kc rtype=string:unknown:byref:256
	sets "c", %r1
	ret %r1
.end
.difo vc rtype=ctf:integer:8
	setx 20, %r1
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=id
	.action difexpr difo=ka
	.action sum difo=va ntuple=2
	.action difexpr difo=id
	.action difexpr difo=kb
	.action sum difo=vb ntuple=2
	.action difexpr difo=id
	.action difexpr difo=kc
	.action sum difo=vc ntuple=2
	.action printa difo=id format=p1
.end
.clause
	.probe dtrace:::BEGIN
	.action libact difo=id arg=normalize
	.action libact difo=ten arg=normalize
	.action printa difo=id
	.action libact difo=id arg=trunc
	.action libact difo=two arg=trunc
	.action printa difo=id format=p2
	.action libact difo=id arg=clear
	.action printa difo=id format=p2
	.action exit difo=zero
.end
