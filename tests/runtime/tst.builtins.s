! Built-in variables of a firing:
!   BEGIN { printf("%s:%s:%s:%s id %d epid %d %s [%s] %d\n", probeprov,
!       probemod, probefunc, probename, id, epid, execname, vmname, arg0); }
!   tick-1ms { printf("%s id %d\n", probename, id); exit(0); }
.object linked
.option quiet
.format f printf "%s:%s:%s:%s id %d epid %d %s [%s] %d\n"
.format t printf "%s id %d\n"
.difo prov rtype=string:unknown:byref:256
	ldgs probeprov, %r1
	ret %r1
.end
.difo mod rtype=string:unknown:byref:256
	ldgs probemod, %r1
	ret %r1
.end
.difo func rtype=string:unknown:byref:256
	ldgs probefunc, %r1
	ret %r1
.end
.difo name rtype=string:unknown:byref:256
	ldgs probename, %r1
	ret %r1
.end
.difo id rtype=ctf:integer:4
	ldgs id, %r1
	ret %r1
.end
.difo epid rtype=ctf:integer:4
	ldgs epid, %r1
	ret %r1
.end
.difo exec rtype=string:unknown:byref:256
	ldgs execname, %r1
	ret %r1
.end
.difo vm rtype=string:unknown:byref:256
	ldgs vmname, %r1
	ret %r1
.end
.difo a0 rtype=ctf:integer:8
	setx 0, %r2
	ldga args, %r2, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=prov format=f
	.action printf difo=mod format=f
	.action printf difo=func format=f
	.action printf difo=name format=f
	.action printf difo=id format=f
	.action printf difo=epid format=f
	.action printf difo=exec format=f
	.action printf difo=vm format=f
	.action printf difo=a0 format=f flags=1
.end
.clause
	.probe profile:::tick-1ms
	.action printf difo=name format=t
	.action printf difo=id format=t
	.action exit difo=zero
.end
