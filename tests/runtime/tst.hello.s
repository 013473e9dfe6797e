! BEGIN { trace("hello, world"); exit(0); }  (not quiet: header, probe columns)
.object linked
.difo greeting rtype=string:unknown:byref:256
	sets "hello, world", %r1
	ret %r1
.end
.difo status rtype=ctf:integer:4
	setx 0, %r1
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=greeting
	.action exit difo=status
.end
