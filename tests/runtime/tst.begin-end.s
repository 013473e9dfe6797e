! BEGIN { trace(1); trace("begin"); }
! BEGIN { exit(0); }
! END { trace(2); }
! Not quiet: every ECB prints the probe columns; END runs after exit().
.object linked
.difo one rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end
.difo two rtype=ctf:integer:4
	setx 2, %r1
	ret %r1
.end
.difo begin rtype=string:unknown:byref:256
	sets "begin", %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=one flags=1
	.action difexpr difo=begin
.end
.clause
	.probe dtrace:::BEGIN
	.action exit difo=zero
.end
.clause
	.probe dtrace:::END
	.action difexpr difo=two flags=1
.end
